"""The live transcript of a workflow run as server-sent events: replayed, then followed to the end of the run."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import orjson

from devcell.assistant.workflows import service
from devcell.assistant.workflows._transcript import Transcripts
from devcell.core.auth import Principal
from tests.assistant.test_workflows import by_role, finished, start
from tests.conftest import Actor, set_llm
from tests.fakes.llm_server import FakeLLM, closed_port
from tests.waiting import wait_until

Event = tuple[str, dict[str, Any]]


def parse(lines: Iterator[str]) -> Iterator[Event]:
    name = None
    for line in lines:
        if line.startswith("event: "):
            name = line[len("event: ") :]
        elif line.startswith("data: ") and name is not None:
            yield name, orjson.loads(line[len("data: ") :])


def events(actor: Actor, run_id: int) -> list[Event]:
    with actor.client.stream("GET", f"/api/workflows/{run_id}/events") as response:
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/event-stream")
        return list(parse(response.iter_lines()))


def texts(received: list[Event]) -> dict[int, str]:
    out: dict[int, str] = {}
    for name, data in received:
        if name == "delta":
            out[data["index"]] = out.get(data["index"], "") + data["text"]
    return out


def step_events(received: list[Event]) -> list[tuple[int, str]]:
    return [(d["index"], d["status"]) for n, d in received if n == "step"]


def test_a_live_stream_follows_the_run_to_its_end(user: Actor, fake_llm: FakeLLM) -> None:
    fake_llm.script = by_role
    fake_llm.piece_delay = 0.05
    received = events(user, start(user)["id"])
    assert step_events(received) == [(i, s) for i in range(5) for s in ("running", "done")]
    assert received[-1][0] == "done"
    run = received[-1][1]
    assert run["status"] == "succeeded"
    assert texts(received) == {s["index"]: s["output"] for s in run["steps"]}
    assert sum(1 for n, _ in received if n == "delta") > 5  # pieces, not whole answers


def test_a_finished_run_is_replayed_from_storage(user: Actor, fake_llm: FakeLLM) -> None:
    fake_llm.script = by_role
    run = finished(user, start(user)["id"])
    received = events(user, run["id"])
    assert [n for n, _ in received] == ["step", "delta", "step"] * 5 + ["done"]
    assert texts(received)[2] == run["artifacts"]["tasks"]
    assert received[-1][1]["status"] == "succeeded"


def test_a_reader_joining_mid_run_gets_the_finished_steps_whole(user: Actor, fake_llm: FakeLLM) -> None:
    fake_llm.script = by_role
    fake_llm.piece_delay = 0.2
    run_id = start(user)["id"]
    wait_until(lambda: len(fake_llm.requests) == 2)
    received = events(user, run_id)
    assert received[:3] == [
        ("step", {"index": 0, "role": "product_owner", "status": "running"}),
        ("delta", {"index": 0, "text": "Output of the product_owner."}),
        ("step", {"index": 0, "role": "product_owner", "status": "done", "truncated": False}),
    ]
    assert received[-1][1]["status"] == "succeeded"
    assert texts(received)[4] == "Output of the reporter."


def test_a_failed_run_sends_the_error_then_the_run(admin: Actor, user: Actor) -> None:
    set_llm(admin, f"http://127.0.0.1:{closed_port()}")
    received = events(user, start(user)["id"])
    names = [n for n, _ in received]
    assert names[-2:] == ["error", "done"]
    assert received[-2][1]["code"] == "llm_unavailable"
    assert received[-1][1]["status"] == "failed"
    assert step_events(received) == [(0, "running"), (0, "failed")]


def test_a_failed_run_replayed_from_storage_reads_as_it_did_live(admin: Actor, user: Actor) -> None:
    # The steps after the failed one never started: the replay must not show them running then skipped
    # (a reader that came a moment late once saw four phantom steps).
    set_llm(admin, f"http://127.0.0.1:{closed_port()}")
    run = finished(user, start(user)["id"])
    assert run["status"] == "failed"
    received = events(user, run["id"])
    assert [n for n, _ in received] == ["step", "step", "error", "done"]
    assert step_events(received) == [(0, "running"), (0, "failed")]
    assert received[1][1] == {"index": 0, "role": "product_owner", "status": "failed", "truncated": False}


def test_cancelling_ends_the_stream(user: Actor, fake_llm: FakeLLM) -> None:
    fake_llm.script = lambda body: "One slow answer in three pieces."
    fake_llm.piece_delay = 0.3
    run_id = start(user)["id"]
    received: list[Event] = []
    with user.client.stream("GET", f"/api/workflows/{run_id}/events") as response:
        stream = parse(response.iter_lines())
        for event in stream:
            received.append(event)
            if event[0] == "delta":
                break
        canceller = threading.Thread(target=user.post, args=(f"/api/workflows/{run_id}/cancel",))
        canceller.start()
        received.extend(stream)
        canceller.join()
    assert received[-1][0] == "done"
    assert received[-1][1]["status"] == "cancelled"
    assert (0, "skipped") in step_events(received)
    assert len(fake_llm.requests) == 1


def test_a_run_cut_off_by_a_restart_is_shown_as_interrupted(user: Actor, fake_llm: FakeLLM) -> None:
    fake_llm.piece_delay = 0.3
    created = start(user)
    wait_until(lambda: len(fake_llm.requests) == 1)
    principal = Principal(user_id=int(user.user["id"]), username="user", role="user")
    after_restart = service.get_run(principal, created["id"], Transcripts())  # a new process knows no live run
    assert after_restart.status == "failed"
    assert after_restart.error is not None
    assert (after_restart.error.code, after_restart.error.message) == ("interrupted", service.INTERRUPTED)
    run = finished(user, created["id"])  # the old job's own ending does not overwrite it
    assert run["status"] == "failed"
    assert run["error"]["code"] == "interrupted"
    assert user.post(f"/api/jobs/{created['job_id']}/cancel").status_code in (202, 409)


def test_events_of_an_unknown_run_are_404(user: Actor) -> None:
    assert user.get("/api/workflows/999/events").status_code == 404
