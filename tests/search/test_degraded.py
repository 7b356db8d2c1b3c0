"""A damaged vector index: search and ask answer from the keyword index with `degraded: true` (never a 500) while
one rebuild job, started at once, makes a new index; then they are no longer degraded. (The same against a real
server process, with the damage done while it is stopped: tests/faults/test_index_damage.py.)"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from starlette.applications import Starlette

from devcell import __version__
from devcell.core.config import Config
from devcell.core.openapi import openapi_document
from devcell.search._index import is_index_failure
from devcell.search.runtime import KNOWLEDGE
from tests.conftest import Actor
from tests.documents.conftest import note, wait_jobs
from tests.waiting import wait_until

QUESTION = "/api/search?q=toner%20cartridge"


def damage(app: Starlette, config: Config) -> None:
    """Overwrite every page of chroma.sqlite3 after the first (the header stays, so it still looks like SQLite)."""
    app.state.need(KNOWLEDGE).close()  # as a stopped server would have left it
    db = config.index_dir / "chroma.sqlite3"
    raw = bytearray(db.read_bytes())
    for page in range(4096, len(raw), 4096):
        raw[page + 100 : page + 400] = bytes((n * 37 + 11) % 256 for n in range(300))
    db.write_bytes(bytes(raw))


def search(admin: Actor) -> dict[str, Any]:
    response = admin.get(QUESTION)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def until_not_degraded(admin: Actor, timeout: float = 30) -> dict[str, Any]:
    def answered() -> dict[str, Any] | None:
        wait_jobs(admin, timeout)
        body = search(admin)
        return None if body["degraded"] else body

    return wait_until(answered, timeout, "search no longer degraded")


def leftovers(config: Config) -> list[Path]:
    return sorted(config.index_dir.parent.glob("index.broken-*"))


def test_search_on_a_sound_index_is_not_degraded(admin: Actor) -> None:
    note(admin, "Toner", "The toner cartridge is in the second drawer.")
    assert search(admin)["degraded"] is False


@pytest.mark.parametrize("vectors", ["embedded"])  # damages the embedded index's own files
def test_a_damaged_index_answers_from_keywords_and_starts_one_rebuild(
    app: Starlette, admin: Actor, config: Config
) -> None:
    note(admin, "Toner", "The toner cartridge is in the second drawer.")
    note(admin, "Badges", "Visitor badges are at the front desk.")
    damage(app, config)
    with app.state.need(KNOWLEDGE).index_lock:  # the rebuild waits for it, so it is still running while we search
        first = search(admin)
        second = search(admin)
    assert first["degraded"] is True
    assert second["degraded"] is True
    assert [p["document_title"] for p in first["items"]] == ["Toner"]  # "cartridge" is a keyword match
    assert 0 < first["items"][0]["similarity"] <= 1  # measured by embedding the passage itself
    rebuilds = [j for j in admin.get("/api/jobs?everyone=true").json()["items"] if j["kind"] == "knowledge.rebuild"]
    assert len(rebuilds) == 1


@pytest.mark.parametrize("vectors", ["embedded"])  # damages the embedded index's own files
def test_after_the_rebuild_search_is_whole_again_and_leftovers_are_gone(
    app: Starlette, admin: Actor, config: Config
) -> None:
    note(admin, "Toner", "The toner cartridge is in the second drawer.")
    damage(app, config)
    assert search(admin)["degraded"] is True

    body = until_not_degraded(admin)

    assert [p["document_title"] for p in body["items"]] == ["Toner"]
    status = admin.get("/api/knowledge/status").json()
    assert status["consistent"] is True, status
    assert status["vectors"] == status["chunks"] == 1
    assert leftovers(config) == []


@pytest.mark.parametrize("vectors", ["embedded"])  # damages the embedded index's own files
def test_ask_says_it_is_degraded(app: Starlette, admin: Actor, config: Config) -> None:
    note(admin, "Toner", "The toner cartridge is in the second drawer.")
    damage(app, config)
    with app.state.need(KNOWLEDGE).index_lock:
        response = admin.post("/api/ask", json={"question": "Where is the toner cartridge?", "use_llm": False})
    assert response.status_code == 200, response.text
    assert response.json()["degraded"] is True
    assert response.json()["citations"][0]["document_title"] == "Toner"


@pytest.mark.parametrize("vectors", ["embedded"])  # damages the embedded index's own files
def test_the_status_of_a_damaged_index_says_it_is_being_rebuilt(app: Starlette, admin: Actor, config: Config) -> None:
    note(admin, "Toner", "The toner cartridge is in the second drawer.")
    damage(app, config)
    with app.state.need(KNOWLEDGE).index_lock:
        status = admin.get("/api/knowledge/status").json()
    assert status["consistent"] is False
    assert status["problems"] == ["The index holds 0 vectors for 1 passages; it is being rebuilt."]


def test_the_api_schema_declares_degraded(app: Starlette) -> None:
    schemas = openapi_document(app.state.api_routes, __version__)["components"]["schemas"]
    for name in ("SearchOut", "AskOut", "ChatOut"):
        assert schemas[name]["properties"]["degraded"]["type"] == "boolean", name


def test_a_rust_panic_counts_as_an_index_failure() -> None:
    # pyo3 makes its PanicException at run time (module pyo3_runtime, a BaseException): the same shape here.
    panic = type("PanicException", (BaseException,), {"__module__": "pyo3_runtime"})
    assert is_index_failure(panic("Expect it to be fetched: database disk image is malformed"))
    assert is_index_failure(RuntimeError("chroma"))
    assert not is_index_failure(KeyboardInterrupt())
    assert not is_index_failure(SystemExit(1))
