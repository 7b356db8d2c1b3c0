"""Documents and search tests run on the hashing embedder (instant, deterministic) with the network blocked for the app:
proxy variables point at a closed port, so any outbound HTTP would fail."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx2
import pytest
from starlette.applications import Starlette

from devcell.core.config import Config, load_config
from devcell.search._index import VectorIndex
from devcell.search.runtime import KNOWLEDGE
from tests.chroma_server import ChromaServer, chroma_server
from tests.conftest import Actor, set_llm
from tests.fakes.llm_server import closed_port
from tests.waiting import wait_until

__all__ = ["chroma_server", "set_llm"]  # tests of this package import them from here

FAKE_MODEL = "hashing-test"


@pytest.fixture(autouse=True)
def network_blocked(monkeypatch: pytest.MonkeyPatch) -> None:
    closed = f"http://127.0.0.1:{closed_port()}"
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"):
        monkeypatch.setenv(name, closed)
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")


# Where the vectors live: the appliance's embedded index beside SQLite, or a Chroma server (DEVCELL_CHROMA_URL)
# beside PostgreSQL, the two ways the product runs (tests/conftest.py runs these suites on both). A test about the
# embedded index's own files pins `@pytest.mark.parametrize("vectors", ["embedded"])`.
@pytest.fixture
def vectors(backend: str) -> str:
    return "chroma-server" if backend == "postgresql" else "embedded"


@pytest.fixture
def config(
    tmp_path: Path,
    vectors: str,
    database_env: dict[str, str],
    request: pytest.FixtureRequest,
    monkeypatch: pytest.MonkeyPatch,
) -> Config:
    env = {"DEVCELL_EMBEDDING_MODEL": FAKE_MODEL, **database_env}
    if vectors == "chroma-server":
        server: ChromaServer = request.getfixturevalue("chroma_server")
        env |= {"DEVCELL_CHROMA_URL": server.url, "DEVCELL_CHROMA_DATABASE": server.database()}
        # The blocked proxy above stands for the internet; the Chroma server is on this machine's loopback.
        for name in ("NO_PROXY", "no_proxy"):
            monkeypatch.setenv(name, "127.0.0.1")
    return load_config(env, data_dir=tmp_path / "data")


def upload(actor: Actor, name: str, content: bytes, **fields: object) -> httpx2.Response:
    data = {k: str(v) for k, v in fields.items()}
    return actor.client.post(
        "/api/documents", headers=actor.headers, files={"file": (name, content, "application/octet-stream")}, data=data
    )


def uploaded(actor: Actor, name: str, content: bytes, **fields: object) -> dict[str, object]:
    """Upload and wait until indexing has finished; the final document."""
    response = upload(actor, name, content, **fields)
    assert response.status_code == 201, response.text
    return wait_done(actor, int(response.json()["id"]))


def wait_done(actor: Actor, document_id: int, timeout: float = 30.0) -> dict[str, object]:
    last: dict[str, Any] = {}

    def done() -> dict[str, object] | None:
        body: dict[str, object] = actor.get(f"/api/documents/{document_id}").json()
        last.update(body)
        return body if body["status"] in ("indexed", "failed") and body_job_finished(actor, body) else None

    return wait_until(done, timeout, lambda: f"document {document_id} done (still {last.get('status')})")


def body_job_finished(actor: Actor, body: dict[str, object]) -> bool:
    if not body.get("job_id"):
        return True
    job = actor.get(f"/api/jobs/{body['job_id']}")
    return job.status_code != 200 or job.json()["status"] in ("succeeded", "failed", "cancelled")


def wait_jobs(actor: Actor, timeout: float = 30.0) -> None:
    """Until no job of the app is queued or running."""

    def idle() -> bool:
        jobs = actor.get("/api/jobs?everyone=true&limit=200").json()["items"]
        return all(j["status"] in ("succeeded", "failed", "cancelled") for j in jobs)

    wait_until(idle, timeout, "no job queued or running")


def note(actor: Actor, title: str, text: str, project_id: int | None = None) -> dict[str, object]:
    response = actor.post("/api/documents/notes", json={"title": title, "text": text, "project_id": project_id})
    assert response.status_code == 201, response.text
    return wait_done(actor, int(response.json()["id"]))


@contextmanager
def chroma_collection(app: Starlette) -> Iterator[Any]:
    """The knowledge index's Chroma collection, for a test to look into or damage. The knowledge worker owns the
    index, so it is stopped first (it starts again on the next use) and the test opens the index itself."""
    kn = app.state.need(KNOWLEDGE)
    index = kn.index()
    if kn.worker is None:
        assert isinstance(index, VectorIndex)
        yield index.collection()
        return
    kn.worker.stop()
    paths = kn.paths
    embedder = kn.embedder()
    own = VectorIndex(
        paths.index_dir, paths.model_id, embedder.dimension, kn.version(), paths.chroma_url, paths.chroma_database
    )
    try:
        yield own.collection()
    finally:
        own.close()
