"""DevCell's LLM features against a real small model (issue #16): llama-cpp-python's server with
SmolLM2-135M-Instruct at context 2048, the real app over HTTP in process, nothing of ours faked.

A 135M model is not a good reviewer or planner; what is tested is that DevCell turns what it says into valid,
honest results: structured answers that validate, answers cut at a limit that say so, streams that fail loudly,
briefs that cite or warn. Every test prints what it measured (run with -s to see it).

All real-model tests are in this one file: parallel runs keep a file on one worker, so one server serves them."""

from __future__ import annotations

import time
from typing import Any

import pytest

from tests.conftest import Actor
from tests.documents.conftest import note
from tests.llm_real import checks, server
from tests.llm_real.proxy import RecordingProxy
from tests.waiting import wait_until

pytestmark = pytest.mark.slow  # a real LLM server process (and ~4 minutes of generation on 2 cores)

REVIEW_RUNS, REVIEW_VALID = 10, 9
TRANSFORM_RUNS = 3
SITREP_RUNS = 2
SITREP_TIMEOUT_S = 900.0


def cut_is_said(proxy: RecordingProxy, mark: int, answer: str, truncated: object, what: str) -> list[dict[str, Any]]:
    """The completions since `mark`: each sent max_tokens, and if the one whose text was delivered (a feature may
    ask twice) stopped at a limit (finish_reason "length", or the context full), the answer is marked truncated.
    Returns what they were, for the log."""
    sent = proxy.since(mark)
    assert sent, f"{what}: no completion reached the LLM server"
    for exchange in sent:
        assert exchange.max_tokens, f"{what}: a completion was requested without max_tokens: {exchange.brief()}"
    for exchange in proxy.delivered(mark, answer):
        if exchange.status == 200 and exchange.reached(server.N_CTX):
            assert truncated is True, f"{what}: the generation stopped at a limit unnoticed: {exchange.brief()}"
    return [exchange.brief() for exchange in sent]


# -- review ---------------------------------------------------------------------------------------------------


def test_review_is_a_valid_structured_review_nine_times_in_ten(admin: Actor, real_llm: RecordingProxy) -> None:
    problems: list[str | None] = []
    seconds: list[float] = []
    for _ in range(REVIEW_RUNS):
        started = time.monotonic()
        response = admin.post("/api/review", json={"code": checks.BUGGY, "language": "python"})
        seconds.append(round(time.monotonic() - started, 1))
        problems.append(checks.review_problem(response.status_code, response.json()))
    valid = problems.count(None)
    server.say(f"review: {valid}/{REVIEW_RUNS} valid; seconds {seconds}; problems {[p for p in problems if p]}")
    assert valid >= REVIEW_VALID, f"only {valid} of {REVIEW_RUNS} reviews were valid: {problems}"


# -- training transform ---------------------------------------------------------------------------------------


def test_training_transform_of_the_sample_gives_valid_units_for_every_part(
    admin: Actor, real_llm: RecordingProxy
) -> None:
    project = admin.post("/api/projects", json={"name": "Operations training"})
    assert project.status_code == 201, project.text
    sample = admin.get("/api/training/sample").json()["text"]
    request = {"text": sample, "format": "markdown", "project_id": project.json()["id"]}
    measured: list[dict[str, Any]] = []
    for run in range(1, TRANSFORM_RUNS + 1):
        mark = real_llm.mark()
        started = time.monotonic()
        response = admin.post("/api/training/transform", json=request)
        took = round(time.monotonic() - started, 1)
        body = response.json()
        problem = checks.units_problem(response.status_code, body)
        assert problem is None, f"run {run}: {problem}"
        units = body["units"]
        given = checks.sections_given(sample, body["warnings"])
        measured.append({"units": len(units), "parts_given": len(given), "weeks": sorted({u["week"] for u in units}),
                         "seconds": took, "completions": [e.brief() for e in real_llm.since(mark)]})  # fmt: skip
    server.say(f"training transform: {measured}")
    short = [m for m in measured if m["units"] < m["parts_given"]]
    assert not short, f"fewer units than roadmap parts given to the model: {short}"


# -- ask and chat: an answer ends normally or says it was cut; an overflowing stream is an error ------------------


def _answer(response: Any, stream: bool, text_key: str) -> dict[str, Any]:
    """The JSON answer, or a stream's `done` event (which must end it)."""
    assert response.status_code == 200, response.text
    if not stream:
        return dict(response.json())
    found = checks.events(response.text)
    assert found, "an empty event stream"
    kind, done = found[-1]
    assert kind == "done", found[-3:]
    return dict(done)


def test_ask_and_chat_answers_end_normally_or_are_marked_truncated(admin: Actor, real_llm: RecordingProxy) -> None:
    note(admin, "Backups of the lab appliance", checks.BACKUP_NOTE)
    chat = [{"role": "user", "content": checks.CHAT}]
    long_chat = [{"role": "user", "content": checks.LONG_CHAT}]
    calls: list[tuple[str, str, dict[str, Any], str]] = [
        ("ask", "/api/ask", {"question": checks.QUESTION, "use_llm": True, "stream": False}, "answer"),
        ("ask stream", "/api/ask", {"question": checks.QUESTION, "use_llm": True, "stream": True}, "answer"),
        ("chat", "/api/chat", {"messages": chat, "stream": False}, "reply"),
        ("chat stream", "/api/chat", {"messages": chat, "stream": True}, "reply"),
        ("long chat stream", "/api/chat", {"messages": long_chat, "stream": True}, "reply"),
    ]
    seen = []
    for what, url, request, text_key in calls:
        mark = real_llm.mark()
        answer = _answer(admin.post(url, json=request), bool(request["stream"]), text_key)
        assert str(answer[text_key] or "").strip(), f"{what}: an empty answer: {answer}"
        assert isinstance(answer["truncated"], bool), f"{what}: no truncated flag: {answer}"
        if url == "/api/ask":
            assert answer["mode"] == "llm", answer
        sent = cut_is_said(real_llm, mark, answer[text_key], answer["truncated"], what)
        seen.append({"call": what, "truncated": answer["truncated"], "completions": sent})
    server.say(f"ask and chat: {seen}")


def test_a_stream_that_overflows_the_models_context_ends_with_an_error(admin: Actor, real_llm: RecordingProxy) -> None:
    # The admin claims a context of 8,000 tokens; the model has 2,048. The message fits the claim, not the model.
    response = admin.patch("/api/settings", json={"values": {"llm_context_tokens": 8000}})
    assert response.status_code == 200, response.text
    long_message = " ".join(f"line {n}: the backup job wrote its archive and verified it." for n in range(300))
    mark = real_llm.mark()
    response = admin.post("/api/chat", json={"messages": [{"role": "user", "content": long_message}], "stream": True})
    assert response.status_code == 200, response.text
    found = checks.events(response.text)
    sent = [e.brief() for e in real_llm.since(mark)]
    server.say(f"overflowing stream: events {[kind for kind, _ in found][-3:]}, completions {sent}")
    assert [kind for kind, _ in found if kind == "done"] == [], f"done after an overflow: {found[-1]}"
    assert found[-1][0] == "error", found[-3:]


# -- SITREP: cites its inputs, or says it could not check them ------------------------------------------------


def seed_work(admin: Actor) -> None:
    project = admin.post("/api/projects", json={"name": "Lab appliance"})
    assert project.status_code == 201, project.text
    for title, status in checks.TASKS:
        created = admin.post("/api/tasks", json={"title": title, "project_id": project.json()["id"], "status": status})
        assert created.status_code == 201, created.text
    standup = admin.post("/api/standups", json=checks.STANDUP)
    assert standup.status_code == 201, standup.text


def finished_sitrep(actor: Actor, sitrep_id: int) -> dict[str, Any]:
    def finished() -> dict[str, Any]:
        body: dict[str, Any] = actor.get(f"/api/sitreps/{sitrep_id}").json()
        return body if body["status"] in ("ready", "failed") else {}

    return wait_until(finished, SITREP_TIMEOUT_S, f"SITREP {sitrep_id} ready or failed", every=0.5)


def test_a_sitrep_cites_its_inputs_or_carries_a_warning(admin: Actor, real_llm: RecordingProxy) -> None:
    seed_work(admin)
    seen = []
    for _ in range(SITREP_RUNS):
        started = time.monotonic()
        created = admin.post("/api/sitreps", json={})
        assert created.status_code == 202, created.text
        body = finished_sitrep(admin, created.json()["id"])
        assert isinstance(body["warnings"], list), body
        assert isinstance(body["truncated"], bool), body
        seen.append({"status": body["status"], "warnings": body["warnings"], "truncated": body["truncated"],
                     "sources": [s["number"] for s in body["sources"]], "error": body["error"],
                     "cited": sorted(checks.cited(body["markdown"])), "seconds": round(time.monotonic() - started, 1),
                     "problem": checks.sitrep_problem(body)})  # fmt: skip
    server.say(f"SITREP: {seen}")
    assert [s["problem"] for s in seen] == [None] * SITREP_RUNS, seen
