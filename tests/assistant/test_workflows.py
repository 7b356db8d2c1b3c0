"""Multi-agent workflows through the API with the fake LLM: pipelines, a run as a job, steps and artifacts,
prompts within the budget, the LLM absent, down, slow or broken, cancel, delete, and other users."""

from __future__ import annotations

import re
import time
from typing import Any

import pytest
from starlette.applications import Starlette

from devcell.core.prompts import prompt_tokens
from tests.conftest import USER_PASSWORD, Actor, create_user, set_llm, sign_in
from tests.fakes.llm_server import FakeLLM, closed_port
from tests.waiting import wait_until

WAIT = 20.0
TASKS = "- Add the export endpoint - returns CSV\n- **Write the export tests**\n  - nested detail\n1. Document it\n"
FEATURE_ROLES = ["product_owner", "architect", "planner", "tester", "reporter"]


def role_of(body: dict[str, Any]) -> str:
    match = re.search(r"\(role: (\w+)\)", body["messages"][0]["content"])
    assert match, body["messages"][0]["content"]
    return match.group(1)


def by_role(body: dict[str, Any]) -> str:
    role = role_of(body)
    return TASKS if role == "planner" else f"Output of the {role}."


def start(actor: Actor, pipeline: str = "feature", text: str = "CSV export of the task list", **more: Any) -> Any:
    response = actor.post("/api/workflows", json={"pipeline": pipeline, "input": text, **more})
    assert response.status_code == 202, response.text
    return response.json()


def finished(actor: Actor, run_id: int) -> dict[str, Any]:
    result: dict[str, Any] = {}

    def done() -> bool:
        result.update(actor.get(f"/api/workflows/{run_id}").json())
        return result["status"] in ("succeeded", "failed", "cancelled")

    wait_until(done, WAIT, f"workflow {run_id} ended")
    return result


def test_pipelines_name_their_roles_and_artifacts(user: Actor) -> None:
    items = {p["id"]: p for p in user.get("/api/workflows/pipelines").json()["items"]}
    assert [r["id"] for r in items["feature"]["roles"]] == FEATURE_ROLES
    assert items["feature"]["artifacts"] == ["user_story", "design", "tasks", "test_plan", "summary"]
    assert [r["id"] for r in items["pr_review"]["roles"]] == [
        "code_reviewer", "security_reviewer", "tester", "refactor_planner", "reporter"]  # fmt: skip
    assert items["pr_review"]["artifacts"] == [
        "review_findings", "security_findings", "test_plan", "refactor_plan", "summary"]  # fmt: skip
    assert [r["id"] for r in items["bug_triage"]["roles"]] == [
        "triage", "root_cause", "fix_planner", "regression_tester", "reporter"]  # fmt: skip
    assert items["bug_triage"]["artifacts"] == ["triage", "root_cause", "fix_plan", "regression_tests", "summary"]


def test_a_feature_run_goes_through_every_role(user: Actor, fake_llm: FakeLLM) -> None:
    fake_llm.script = by_role
    created = start(user)
    assert created["status"] in ("queued", "running")
    assert created["title"] == "CSV export of the task list"
    assert [s["role"] for s in created["steps"]] == FEATURE_ROLES
    run = finished(user, created["id"])
    assert run["status"] == "succeeded", run
    assert run["error"] is None
    assert [s["status"] for s in run["steps"]] == ["done"] * 5
    assert [s["truncated"] for s in run["steps"]] == [False] * 5
    assert [role_of(r) for r in fake_llm.requests] == FEATURE_ROLES
    assert run["artifacts"]["user_story"] == "Output of the product_owner."
    assert run["artifacts"]["tasks"] == TASKS
    assert run["task_titles"] == ["Add the export endpoint", "Write the export tests", "Document it"]
    assert run["finished_at"] is not None
    assert user.get(f"/api/jobs/{run['job_id']}").json()["status"] == "succeeded"


def test_a_step_cut_off_at_the_length_limit_is_marked(user: Actor, fake_llm: FakeLLM) -> None:
    fake_llm.script = by_role
    fake_llm.finish_reason = "length"
    run = finished(user, start(user)["id"])
    assert run["status"] == "succeeded"
    assert [s["truncated"] for s in run["steps"]] == [True] * 5
    assert all(request["max_tokens"] > 0 for request in fake_llm.requests)


def test_each_role_gets_the_input_and_the_previous_outputs(user: Actor, fake_llm: FakeLLM) -> None:
    fake_llm.script = by_role
    finished(user, start(user, "bug_triage", "Login fails after the upgrade")["id"])
    prompts = [r["messages"][1]["content"] for r in fake_llm.requests]
    assert all("Login fails after the upgrade" in p for p in prompts)
    assert "Output of the" not in prompts[0]
    assert "## Triage (triage)\n\nOutput of the triage." in prompts[1]
    assert prompts[4].index("Output of the triage.") < prompts[4].index("Output of the regression_tester.")
    assert all(r["stream"] is True for r in fake_llm.requests)


def test_prompts_stay_within_the_context_and_say_what_was_left_out(user: Actor, fake_llm: FakeLLM) -> None:
    fake_llm.script = lambda body: "word " * 600  # each answer ~1,000 tokens of a 3,000-token context
    long_input = "The report. " + "Steps to reproduce it. " * 900  # ~20,000 characters
    run = finished(user, start(user, "bug_triage", long_input[:20_000])["id"])
    assert run["status"] == "succeeded"
    for request in fake_llm.requests:
        assert prompt_tokens(request["messages"]) + request["max_tokens"] <= 3000
    assert "The input was cut to its first" in run["steps"][0]["omitted"]
    assert "earlier agents' outputs were left out" in run["steps"][4]["omitted"]
    assert "earlier agents' outputs were left out" in fake_llm.requests[4]["messages"][1]["content"]


def test_the_project_labels_the_run_and_the_prompt(admin: Actor, user: Actor, fake_llm: FakeLLM) -> None:
    project = user.post("/api/projects", json={"name": "Exports"}).json()
    run = finished(user, start(user, project_id=project["id"], title="Exports plan")["id"])
    assert (run["project_id"], run["title"]) == (project["id"], "Exports plan")
    assert fake_llm.requests[0]["messages"][1]["content"].startswith("Project: Exports")


@pytest.mark.parametrize(
    "body",
    [
        {"pipeline": "feature", "input": ""},
        {"pipeline": "feature", "input": "x" * 20_001},
        {"pipeline": "waterfall", "input": "x"},
        {"pipeline": "feature", "input": "x", "title": "t" * 121},
    ],
    ids=["empty", "too-long", "unknown-pipeline", "long-title"],
)
def test_invalid_requests_are_422(user: Actor, fake_llm: FakeLLM, body: dict[str, Any]) -> None:
    assert user.post("/api/workflows", json=body).status_code == 422


def test_a_project_i_cannot_see_is_404(admin: Actor, user: Actor, fake_llm: FakeLLM) -> None:
    project = admin.post("/api/projects", json={"name": "Hidden"}).json()
    response = user.post("/api/workflows", json={"pipeline": "feature", "input": "x", "project_id": project["id"]})
    assert response.status_code == 404
    assert user.get("/api/workflows").json()["total"] == 0


def test_no_llm_is_503_at_once_and_nothing_is_started(user: Actor) -> None:
    response = user.post("/api/workflows", json={"pipeline": "feature", "input": "x"})
    assert response.status_code == 503
    assert response.json()["error"]["code"] == "llm_not_configured"
    assert user.get("/api/workflows").json()["total"] == 0
    assert user.get("/api/jobs").json()["total"] == 0


def _failed_run(user: Actor, code: str) -> dict[str, Any]:
    run = finished(user, start(user)["id"])
    assert run["status"] == "failed"
    assert run["error"]["code"] == code
    assert [s["status"] for s in run["steps"]] == ["failed", "skipped", "skipped", "skipped", "skipped"]
    # The run is marked failed inside its job; the job runner records the job's end just after (seen in CI: still
    # "running" when read at once on a loaded machine).
    job = wait_until(
        lambda: (found := user.get(f"/api/jobs/{run['job_id']}").json())["status"] != "running" and found,
        30,
        "the run's job ended",
    )
    assert (job["status"], job["error"]) == ("failed", run["error"]["message"])
    return run


def test_llm_down_fails_the_step_and_the_run(admin: Actor, user: Actor) -> None:
    set_llm(admin, f"http://127.0.0.1:{closed_port()}")
    run = _failed_run(user, "llm_unavailable")
    assert "cannot be reached" in run["error"]["message"]


@pytest.mark.parametrize("model", ["malformed", "error500"])
def test_bad_llm_answers_fail_the_run(admin: Actor, user: Actor, fake_llm: FakeLLM, model: str) -> None:
    set_llm(admin, fake_llm.url, model)
    _failed_run(user, "llm_bad_answer")
    assert len(fake_llm.requests) == 1  # no further role was asked


def test_slow_llm_fails_the_run_with_llm_timeout(admin: Actor, user: Actor, fake_llm: FakeLLM) -> None:
    fake_llm.slow_seconds = 6
    set_llm(admin, fake_llm.url, "slow", llm_read_timeout_seconds=5)
    run = _failed_run(user, "llm_timeout")
    assert "did not answer within 5 s" in run["error"]["message"]


def test_a_failure_in_a_later_step_keeps_the_earlier_ones(user: Actor, fake_llm: FakeLLM) -> None:
    def script(body: dict[str, Any]) -> str:
        if role_of(body) == "architect":
            raise RuntimeError("the fake server drops the connection")
        return by_role(body)

    fake_llm.script = script
    run = finished(user, start(user)["id"])
    assert (run["status"], run["error"]["code"]) == ("failed", "llm_unavailable")
    assert [s["status"] for s in run["steps"]] == ["done", "failed", "skipped", "skipped", "skipped"]
    assert run["artifacts"] == {"user_story": "Output of the product_owner."}
    assert len(fake_llm.requests) == 2


def test_cancel_stops_further_llm_calls(user: Actor, fake_llm: FakeLLM) -> None:
    fake_llm.script = lambda body: "A long answer, piece by piece."
    fake_llm.piece_delay = 0.4
    created = start(user)
    wait_until(lambda: len(fake_llm.requests) == 1, WAIT)
    response = user.post(f"/api/workflows/{created['id']}/cancel")
    assert response.status_code == 202
    run = finished(user, created["id"])
    assert run["status"] == "cancelled"
    assert run["error"] is None
    assert [s["status"] for s in run["steps"]] == ["skipped"] * 5
    time.sleep(1.5)  # longer than a whole answer would have taken
    assert len(fake_llm.requests) == 1
    assert user.get(f"/api/jobs/{run['job_id']}").json()["status"] == "cancelled"
    again = user.post(f"/api/workflows/{created['id']}/cancel")
    assert (again.status_code, again.json()["status"]) == (202, "cancelled")


def test_cancel_after_a_step_keeps_the_finished_step(user: Actor, fake_llm: FakeLLM) -> None:
    fake_llm.script = by_role
    fake_llm.piece_delay = 0.3
    created = start(user)
    wait_until(lambda: len(fake_llm.requests) == 2, WAIT)
    user.post(f"/api/workflows/{created['id']}/cancel")
    run = finished(user, created["id"])
    assert run["status"] == "cancelled"
    assert [s["status"] for s in run["steps"]] == ["done", "skipped", "skipped", "skipped", "skipped"]
    assert run["artifacts"] == {"user_story": "Output of the product_owner."}
    assert len(fake_llm.requests) == 2


def test_delete_cancels_a_running_run(user: Actor, fake_llm: FakeLLM) -> None:
    fake_llm.piece_delay = 0.4
    created = start(user)
    wait_until(lambda: len(fake_llm.requests) == 1, WAIT)
    assert user.delete(f"/api/workflows/{created['id']}").status_code == 204
    assert user.get(f"/api/workflows/{created['id']}").status_code == 404
    wait_until(lambda: user.get(f"/api/jobs/{created['job_id']}").json()["status"] == "cancelled", WAIT)
    time.sleep(1.5)
    assert len(fake_llm.requests) == 1
    assert user.get("/api/workflows").json()["total"] == 0


def test_list_shows_my_runs_newest_first(user: Actor, fake_llm: FakeLLM) -> None:
    first = finished(user, start(user, text="First idea")["id"])
    second = finished(user, start(user, "pr_review", "diff --git a/x b/x")["id"])
    page = user.get("/api/workflows?limit=1").json()
    assert (page["total"], page["limit"], page["offset"]) == (2, 1, 0)
    assert [r["id"] for r in page["items"]] == [second["id"]]
    assert set(page["items"][0]) >= {"pipeline", "title", "status", "error", "job_id", "created_by", "created_at"}
    assert "steps" not in page["items"][0]
    assert user.get("/api/workflows?offset=1").json()["items"][0]["id"] == first["id"]
    assert user.get("/api/workflows?bogus=1").status_code == 422


def test_another_users_run_is_404_even_for_an_admin(
    app: Starlette, admin: Actor, user: Actor, fake_llm: FakeLLM
) -> None:
    run = finished(user, start(user)["id"])
    create_user(admin, "other")
    other = sign_in(app, "other", USER_PASSWORD)
    for actor in (other, admin):
        base = f"/api/workflows/{run['id']}"
        assert actor.get(base).status_code == 404
        assert actor.get(base + "/events").status_code == 404
        assert actor.post(base + "/cancel").status_code == 404
        assert actor.post(base + "/tasks", json={"titles": ["x"]}).status_code == 404
        assert actor.delete(base).status_code == 404
        assert actor.get("/api/workflows").json()["total"] == 0
    assert user.get(f"/api/workflows/{run['id']}").status_code == 200
