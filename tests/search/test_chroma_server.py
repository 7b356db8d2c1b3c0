"""DEVCELL_CHROMA_URL: the vector index on a Chroma server (`chroma run`). The whole documents and search suite runs
against one as well (the `vectors` fixture); these are what only a server has: it can be down, it can be wiped
by someone else, and it may hold collections that are not ours."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import chromadb
import pytest
from chromadb.config import Settings
from starlette.applications import Starlette

from devcell.core.config import Config, load_config
from devcell.search._index import PREFIX, _close_connections
from devcell.search.indexing import UNREACHABLE
from devcell.search.runtime import KNOWLEDGE
from tests.chroma_server import ChromaServer, start_chroma, stop_chroma
from tests.conftest import Actor
from tests.documents.conftest import FAKE_MODEL, note, wait_done, wait_jobs
from tests.health.conftest import findings
from tests.waiting import wait_until

QUESTION = "/api/search?q=toner%20cartridge"


def search(admin: Actor) -> dict[str, Any]:
    response = admin.get(QUESTION)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


@contextmanager
def server_client(config: Config) -> Iterator[Any]:
    """A client of our own on the app's server and database (closed as DevCell closes its own: see
    _close_connections)."""
    assert config.chroma_url is not None
    host, port = config.chroma_url.removeprefix("http://").rsplit(":", 1)
    client = chromadb.HttpClient(
        host=host, port=int(port), settings=Settings(anonymized_telemetry=False), database=config.chroma_database
    )
    try:
        yield client
    finally:
        _close_connections(client)
        client.close()


def rebuilds(admin: Actor) -> list[dict[str, Any]]:
    jobs = admin.get("/api/jobs?everyone=true&limit=200").json()["items"]
    return [j for j in jobs if j["kind"] == "knowledge.rebuild"]


def test_the_index_lives_on_the_server_in_its_own_database(admin: Actor, config: Config) -> None:
    note(admin, "Toner", "The toner cartridge is in the second drawer.")
    with server_client(config) as client:
        ours = [c.name for c in client.list_collections()]
        assert len(ours) == 1
        assert ours[0].startswith(PREFIX)
        assert client.get_collection(ours[0]).count() == 1
    assert not config.index_dir.exists()  # nothing embedded beside it
    assert search(admin)["items"][0]["document_title"] == "Toner"
    assert search(admin)["degraded"] is False


def test_a_collection_wiped_on_the_server_is_rebuilt(app: Starlette, admin: Actor, config: Config) -> None:
    note(admin, "Toner", "The toner cartridge is in the second drawer.")
    with server_client(config) as client:
        for collection in client.list_collections():
            client.delete_collection(collection.name)
    body = search(admin)
    assert body["degraded"] is True  # answered from keywords while one rebuild job runs
    assert body["items"][0]["document_title"] == "Toner"

    def whole() -> dict[str, Any] | None:
        wait_jobs(admin)
        answer = search(admin)
        return None if answer["degraded"] else answer

    assert wait_until(whole, 60, "search whole again")["items"][0]["document_title"] == "Toner"
    assert len(rebuilds(admin)) == 1
    assert app.state.need(KNOWLEDGE).index().count() == 1


def test_collections_that_are_not_ours_are_left_alone(config: Config, request: pytest.FixtureRequest) -> None:
    assert config.chroma_url is not None
    host, port = config.chroma_url.removeprefix("http://").rsplit(":", 1)
    admin_client = chromadb.AdminClient(
        Settings(
            anonymized_telemetry=False,
            chroma_api_impl="chromadb.api.fastapi.FastAPI",
            chroma_server_host=host,
            chroma_server_http_port=int(port),
        )
    )
    admin_client.create_database(config.chroma_database)
    _close_connections(admin_client)
    with server_client(config) as client:
        client.create_collection("another-teams-vectors").add(ids=["x"], embeddings=[[0.1, 0.2]])
        client.create_collection(PREFIX + "0123456789abcdef")  # ours, made with another model: dropped
        admin: Actor = request.getfixturevalue("admin")  # the app starts now
        note(admin, "Toner", "The toner cartridge is in the second drawer.")
        names = {c.name for c in client.list_collections()}
        assert client.get_collection("another-teams-vectors").count() == 1
    assert "another-teams-vectors" in names
    assert PREFIX + "0123456789abcdef" not in names
    assert len([n for n in names if n.startswith(PREFIX)]) == 1


def test_a_server_outage_degrades_search_and_ends_by_itself(
    app: Starlette, admin: Actor, config: Config, own_server: ChromaServer, tmp_path: Path
) -> None:
    """Down: search answers from keywords, an upload fails with the reason, nothing is thrown away. Up again:
    search uses the index again without a rebuild, and the upload is indexed by itself."""
    first = note(admin, "Toner", "The toner cartridge is in the second drawer.")
    stop_chroma(own_server)

    body = search(admin)
    assert body["degraded"] is True
    assert body["items"][0]["document_id"] == first["id"]
    late = admin.post("/api/documents/notes", json={"title": "Paper", "text": "Toner cartridge paper is A4."})
    assert late.status_code == 201, late.text
    failed = wait_done(admin, int(late.json()["id"]))
    assert failed["status"] == "failed"
    assert UNREACHABLE in str(failed["reason"])
    assert search(admin)["degraded"] is True
    status = admin.get("/api/knowledge/status").json()
    assert status["problems"][0] == (
        f"The Chroma server at {own_server.url} (database devcell) does not answer; search answers from keywords"
        " until it does."
    )
    # The health report names the outage and its fix; a rebuild would throw the server's index away.
    index = findings(admin)["index"]
    assert index["severity"] == "warning"
    assert index["fix"]["command"] == f"curl -sS {own_server.url}/api/v2/heartbeat"
    assert index["fix"]["action"] != "rebuild_index"

    again = start_chroma(tmp_path / "chroma", port=int(own_server.url.rsplit(":", 1)[1]))
    try:

        def whole() -> dict[str, Any] | None:
            answer = search(admin)
            return None if answer["degraded"] else answer

        wait_until(whole, 60, "search uses the index again", every=1.0)
        assert wait_done(admin, int(late.json()["id"]))["status"] == "indexed"
        wait_jobs(admin)
        assert rebuilds(admin) == []  # the outage threw nothing away
        assert findings(admin)["index"]["severity"] == "ok"
        assert app.state.need(KNOWLEDGE).index().count() == 2
    finally:
        app.state.need(KNOWLEDGE).close()
        stop_chroma(again)


@pytest.fixture
def own_server(tmp_path: Path) -> Iterator[ChromaServer]:
    """A server of this test's own, to stop and start again (the shared one serves the other tests)."""
    server = start_chroma(tmp_path / "chroma")
    try:
        yield server
    finally:
        if server.process.poll() is None:
            stop_chroma(server)


@pytest.fixture
def config(tmp_path: Path, own_server: ChromaServer, monkeypatch: pytest.MonkeyPatch) -> Config:
    """Every test here on a server of its own, in Chroma's default-less database `devcell`."""
    for name in ("NO_PROXY", "no_proxy"):
        monkeypatch.setenv(name, "127.0.0.1")
    env = {"DEVCELL_EMBEDDING_MODEL": FAKE_MODEL, "DEVCELL_CHROMA_URL": own_server.url}
    return load_config(env, data_dir=tmp_path / "data")
