"""The knowledge worker: the embedding model and the vector index in a child process that stops when the
knowledgebase is idle (so the server's memory returns to its idle size) and starts again on the next use; a
worker that dies costs one call, never the index."""

from __future__ import annotations

import os
import signal
import sys
from pathlib import Path
from typing import Any

import pytest
from starlette.applications import Starlette

from devcell.core.jobs import JOBS
from devcell.search import indexing
from devcell.search._remote import KnowledgeWorker, KnowledgeWorkerDown, KnowledgeWorkerError, KnowledgeWorkerGone
from devcell.search.runtime import KNOWLEDGE, Knowledge
from tests.bench.process_memory import children
from tests.conftest import Actor
from tests.documents.conftest import note
from tests.serverproc import ServerProcess, api_token, create_admin, read_rss_kib
from tests.waiting import wait_until


def knowledge(app: Starlette) -> Knowledge:
    return app.state.need(KNOWLEDGE)


def worker_of(app: Starlette) -> KnowledgeWorker:
    found = knowledge(app).worker
    assert found is not None, "the app's knowledge runs inline, not in a worker"
    return found


def titles(actor: Actor, question: str) -> list[str]:
    response = actor.get("/api/search", params={"q": question})
    assert response.status_code == 200, response.text
    assert not response.json()["degraded"], response.json()
    return [p["document_title"] for p in response.json()["items"]]


def gone(pid: int) -> bool:
    """The process has exited (reaped, or a zombie waiting for its parent)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return True
    return state == "Z"


def test_the_model_and_the_index_live_in_a_child_process(app: Starlette, admin: Actor) -> None:
    note(admin, "Kiln", "Restart the kiln controller with the blue button.")
    assert titles(admin, "kiln controller") == ["Kiln"]
    pid = worker_of(app).pid
    assert pid is not None
    assert pid != os.getpid()
    assert Path(f"/proc/{pid}/stat").read_text().split()[3] == str(os.getpid())  # our child
    # The first process the kernel kills when memory runs out: it restarts on the next search, the service does not.
    assert Path(f"/proc/{pid}/oom_score_adj").read_text().strip() == "500"
    assert int(Path(f"/proc/{os.getpid()}/oom_score_adj").read_text()) < 500


def test_an_idle_worker_stops_and_the_next_search_starts_a_new_one(app: Starlette, admin: Actor) -> None:
    note(admin, "Kiln", "Restart the kiln controller with the blue button.")
    worker = worker_of(app)
    first = worker.pid
    assert first is not None
    worker.unload_after(0.3)  # model_idle_minutes, in seconds: the timer stops it
    wait_until(lambda: gone(first), 30, "the idle worker exited")
    assert not worker.running

    assert titles(admin, "kiln controller") == ["Kiln"]  # the same answer from a new worker
    assert worker.pid not in (None, first)


@pytest.mark.parametrize("backend", ["sqlite"])  # a minute of waiting: once is enough
def test_health_checks_and_metrics_do_not_keep_an_idle_worker_running(app: Starlette, admin: Actor) -> None:
    """The health page and a metrics scraper look at the index every few seconds; only searching and indexing
    count as use, or a watched appliance would never give its memory back."""
    response = admin.patch("/api/settings", json={"values": {"model_idle_minutes": 1}})
    assert response.status_code == 200, response.text
    note(admin, "Kiln", "Restart the kiln controller with the blue button.")
    assert titles(admin, "kiln controller") == ["Kiln"]  # reads the setting: the worker stops after a minute
    worker = worker_of(app)
    assert knowledge(app).index_opened()

    def looked_and_stopped() -> bool:
        assert admin.get("/api/system/health").status_code == 200
        assert admin.get("/metrics").status_code == 200
        return not worker.running

    wait_until(looked_and_stopped, 240, "the worker stopped although the health page and metrics were read", 2.0)
    assert not knowledge(app).index_opened()  # looking does not start it again either
    assert not worker.running


def test_a_worker_killed_between_calls_is_replaced_without_a_failed_search(app: Starlette, admin: Actor) -> None:
    note(admin, "Kiln", "Restart the kiln controller with the blue button.")
    worker = worker_of(app)
    first = worker.pid
    assert first is not None
    os.kill(first, signal.SIGKILL)
    wait_until(lambda: gone(first), 30, "the worker died")

    assert titles(admin, "kiln controller") == ["Kiln"]
    note(admin, "Glaze", "Glaze recipes live in the blue binder.")
    assert titles(admin, "glaze binder")[0] == "Glaze"


def test_a_worker_dying_during_a_call_fails_that_call_only(app: Starlette, admin: Actor) -> None:
    note(admin, "Kiln", "Restart the kiln controller with the blue button.")
    kn = knowledge(app)
    worker = worker_of(app)
    victim = worker.pid
    assert victim is not None

    def die(done: int) -> None:  # the worker waits for this answer: it is killed in the middle of the call
        os.kill(victim, signal.SIGKILL)
        wait_until(lambda: gone(victim), 30, "the worker died")

    with pytest.raises(KnowledgeWorkerGone, match="stopped unexpectedly"):
        kn.embedder().embed(["one", "two"], progress=die)
    assert titles(admin, "kiln controller") == ["Kiln"]


def test_a_dead_worker_is_not_taken_for_a_damaged_index(app: Starlette, admin: Actor) -> None:
    """Its vectors are on disk, intact: rebuilding them (hours on a Pi) would be the wrong repair."""
    note(admin, "Kiln", "Restart the kiln controller with the blue button.")
    kn = knowledge(app)
    indexing.index_failed(kn, KnowledgeWorkerGone("the worker was killed"), "searching")
    jobs, _ = app.state.need(JOBS).history(None, limit=50, offset=0)
    assert not [j for j in jobs if j.kind == indexing.REBUILD_KIND]
    assert kn.degraded is None


def test_a_cancelled_embedding_stops_in_the_worker_and_the_worker_goes_on(app: Starlette, admin: Actor) -> None:
    note(admin, "Kiln", "Restart the kiln controller with the blue button.")
    kn = knowledge(app)
    seen: list[int] = []

    def cancel(done: int) -> None:
        seen.append(done)
        raise InterruptedError("cancelled by the test")

    texts = [f"passage number {n}" for n in range(300)]
    with pytest.raises(InterruptedError, match="cancelled by the test"):
        kn.embedder().embed(texts, progress=cancel)
    assert len(seen) == 1  # the worker stopped at the first report instead of embedding the rest
    assert kn.embedder().embed(["still here"]).shape == (1, kn.embedder().dimension)


def test_only_the_embedder_and_the_index_can_be_called(app: Starlette, admin: Actor) -> None:
    note(admin, "Kiln", "Restart the kiln controller with the blue button.")
    worker = worker_of(app)
    with pytest.raises(KnowledgeWorkerError, match=r"has no index\.__class__"):
        worker.call("index", "__class__")
    with pytest.raises(KnowledgeWorkerError, match=r"has no os\.system"):
        worker.call("os", "system", "true")
    assert titles(admin, "kiln controller") == ["Kiln"]


# The server as it runs: `devcell serve` with the real model.


def _libraries(pid: int) -> str:
    return Path(f"/proc/{pid}/maps").read_text()


def test_the_server_never_loads_the_model_or_chroma_and_its_worker_dies_with_it(tmp_path: Path) -> None:
    data = tmp_path / "data"
    create_admin(data)
    with ServerProcess(data) as server:
        server.wait_ready()
        with server.client(api_token(server), timeout=120) as client:
            status, body = client.request("POST", "/api/documents/notes", {"title": "Kiln", "text": "Blue button."})
            assert status == 201, body

            def found() -> bool:
                status, answer = client.request("GET", "/api/search?q=kiln%20blue%20button")
                assert status == 200, answer
                return bool(answer["items"]) and not answer["degraded"]

            wait_until(found, 120, "the note is found")
        workers = children(server.pid)
        assert len(workers) == 1, workers
        worker = workers[0]
        assert "onnxruntime" in _libraries(worker)
        assert "chromadb" in _libraries(worker)
        assert "onnxruntime" not in _libraries(server.pid)
        assert "chromadb" not in _libraries(server.pid)
        assert read_rss_kib(server.pid) < read_rss_kib(worker)

        server.kill()  # SIGKILL: no shutdown runs; the worker sees its stdin end and exits on its own
        wait_until(lambda: gone(worker), 60, f"the worker {worker} exited after the server was killed")


def search(actor: Actor, question: str) -> dict[str, Any]:
    response = actor.get("/api/search", params={"q": question})
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def index_finding(admin: Actor) -> dict[str, Any]:
    items = admin.get("/api/system/health?fresh=true").json()["items"]
    found: dict[str, Any] = next(item for item in items if item["name"] == "index")
    return found


def test_a_worker_that_cannot_start_is_retried_later_while_search_answers_from_keywords(
    app: Starlette, admin: Actor, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A worker that dies as it starts (a broken install; out of memory as the model loads on a Pi) is not started
    again on every call: search and Ask answer from keywords, the health page says what happened and where to read
    why, and once a worker starts again everything that waited is indexed."""
    note(admin, "Kiln", "Restart the kiln controller with the blue button.")
    worker = worker_of(app)
    worker.stop()
    monkeypatch.setenv("PYTHONHOME", "/nonexistent")  # the interpreter cannot start: exits with code 1
    starts = worker.starts

    with pytest.raises(KnowledgeWorkerDown, match="cannot start: it exited with code 1 before answering, 2 times"):
        knowledge(app).embedder().embed(["kiln controller"])
    assert worker.starts == starts + 2  # the first start, and one more try
    for _ in range(3):  # then none until its retry time
        found = search(admin, "kiln controller")
        assert found["degraded"]
        assert [(p["document_title"], p["similarity"]) for p in found["items"]] == [("Kiln", None)]
    assert worker.starts == starts + 2
    assert not worker.running

    asked = admin.post("/api/ask", json={"question": "kiln controller", "use_llm": False})
    assert asked.status_code == 200, asked.text
    assert [c["document_title"] for c in asked.json()["citations"]] == ["Kiln"]
    assert asked.json()["degraded"]

    waiting = note(admin, "Glaze", "Glaze recipes live in the blue binder.")
    assert waiting["status"] == "failed"
    assert "The knowledge worker cannot start" in str(waiting["reason"])

    health = index_finding(admin)
    assert health["severity"] == "critical", health
    assert "cannot start: it exited with code 1 before answering" in health["message"]
    assert health["fix"]["command"].startswith("journalctl -u devcell")
    problems = admin.get("/api/knowledge/status").json()["problems"]
    assert any("The knowledge worker cannot start" in p for p in problems), problems

    monkeypatch.delenv("PYTHONHOME")  # repaired: the next try after the retry time starts a worker
    wait_until(lambda: not search(admin, "kiln controller")["degraded"], 90, "search uses the vectors again", 1.0)
    assert worker.running
    glaze = int(str(waiting["id"]))
    wait_until(lambda: admin.get(f"/api/documents/{glaze}").json()["status"] == "indexed", 60, "Glaze indexed")
    assert titles(admin, "glaze binder")[0] == "Glaze"
    health = index_finding(admin)
    assert health["severity"] == "warning", health  # it happened within the hour: still said, no longer critical
    assert "stopped unexpectedly" in health["message"]


def test_a_worker_killed_by_the_kernel_is_named_on_the_health_page(app: Starlette, admin: Actor) -> None:
    note(admin, "Kiln", "Restart the kiln controller with the blue button.")
    assert index_finding(admin)["severity"] == "ok"
    worker = worker_of(app)
    victim = worker.pid
    assert victim is not None
    os.kill(victim, signal.SIGKILL)  # what the out-of-memory killer does
    wait_until(lambda: gone(victim), 30, "the worker died")

    assert titles(admin, "kiln controller") == ["Kiln"]  # a new worker answers
    health = index_finding(admin)
    assert health["severity"] == "warning", health
    assert "stopped unexpectedly once in the last hour (last: it was killed (SIGKILL;" in health["message"]
    assert "out-of-memory killer" in health["message"]


def test_a_worker_whose_program_cannot_be_run_is_a_failed_start(
    app: Starlette, admin: Actor, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The executable gone (an upgrade that stopped halfway): the same as a worker that dies as it starts."""
    note(admin, "Kiln", "Restart the kiln controller with the blue button.")
    worker = worker_of(app)
    worker.stop()
    monkeypatch.setattr(sys, "executable", "/nonexistent/devcell")
    for _ in range(4):
        found = search(admin, "kiln controller")
        assert found["degraded"]
        assert [p["document_title"] for p in found["items"]] == ["Kiln"]
    health = index_finding(admin)
    assert health["severity"] == "critical", health
    assert "cannot start: it could not be run (No such file or directory) before answering" in health["message"]


def test_a_document_is_deleted_while_no_worker_can_start_and_its_vectors_go_later(
    app: Starlette, admin: Actor, monkeypatch: pytest.MonkeyPatch
) -> None:
    note(admin, "Kiln", "Restart the kiln controller with the blue button.")
    glaze = note(admin, "Glaze", "Glaze recipes live in the blue binder.")
    worker = worker_of(app)
    worker.stop()
    monkeypatch.setenv("PYTHONHOME", "/nonexistent")
    assert search(admin, "glaze binder")["degraded"]  # two failed starts: the worker waits for its retry time

    response = admin.delete(f"/api/documents/{glaze['id']}")
    assert response.status_code == 204, response.text
    assert admin.get(f"/api/documents/{glaze['id']}").status_code == 404
    assert [p["document_title"] for p in search(admin, "glaze binder")["items"]] == []

    monkeypatch.delenv("PYTHONHOME")

    def whole() -> bool:
        status = admin.get("/api/knowledge/status").json()
        return bool(status["consistent"]) and status["vectors"] == status["chunks"] == 1

    wait_until(whole, 90, "the deleted document's vectors dropped by the repair", 1.0)
    assert titles(admin, "kiln controller") == ["Kiln"]
