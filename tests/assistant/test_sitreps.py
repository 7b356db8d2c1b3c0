"""SITREPs against the fake LLM: a tracked job that stores a cited report; list, get, export, delete; visibility,
instructions, and every LLM failure ending as a failed SITREP with the core.llm code."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from starlette.applications import Starlette

from devcell.assistant.models import Sitrep
from devcell.core.db import transaction
from tests.assistant.briefs import CITING, person, project, prompt, sitrep, standup, task, user_message, wait_sitrep
from tests.conftest import Actor, set_llm
from tests.fakes.llm_server import FakeLLM, closed_port
from tests.waiting import wait_until


def _some_work(user: Actor) -> dict[str, Any]:
    standup(user, yesterday="Shipped the backup job", blockers="Disk on the lab box is full")
    apollo = project(user, "Apollo")
    soon = (datetime.now(UTC).date() + timedelta(days=2)).isoformat()
    return {
        "project": apollo,
        "blocked": task(user, "Replace the lab disk", project_id=apollo, status="blocked"),
        "due": task(user, "Write release notes", project_id=apollo, due_date=soon),
    }


def test_a_sitrep_is_generated_by_a_job_and_stored(user: Actor, fake_llm: FakeLLM) -> None:
    work = _some_work(user)
    fake_llm.script = lambda body: "The backup job shipped [1]. The lab disk blocks work [2]."
    response = user.post("/api/sitreps", json={"days": 1})
    assert response.status_code == 202, response.text
    started = response.json()
    assert started["status"] == "generating"
    assert started["job_id"]
    assert started["title"].startswith("SITREP ")
    done = wait_sitrep(user, started["id"])
    assert done["status"] == "ready"
    assert done["error"] is None
    assert done["markdown"] == "The backup job shipped [1]. The lab disk blocks work [2]."
    assert done["model"] == "fake"
    assert done["finished_at"] is not None
    assert done["created_by"]["username"] == "user"
    assert [(s["number"], s["kind"]) for s in done["sources"]] == [(1, "standup"), (2, "task")]
    assert done["sources"][1]["url"] == f"/tasks/{work['blocked']['id']}"
    sent = user_message(fake_llm)
    assert "Shipped the backup job" in sent
    assert "Replace the lab disk [blocked" in sent
    assert "Write release notes" in sent  # due soon
    assert "## Projects" in sent
    assert "Project Apollo" in sent
    job = user.get(f"/api/jobs/{started['job_id']}").json()
    assert job["status"] == "succeeded"
    assert job["kind"] == "sitrep"


def test_instructions_and_title_reach_the_prompt(user: Actor, fake_llm: FakeLLM) -> None:
    _some_work(user)
    done = sitrep(user, title="Weekly brief", instructions="Focus on hardware risks.", days=7)
    assert done["title"] == "Weekly brief"
    assert done["instructions"] == "Focus on hardware risks."
    assert done["days"] == 7
    sent = user_message(fake_llm)
    assert "Focus on hardware risks." in sent
    assert "the last 7 days" in sent
    assert "do not change the rules above" in sent
    system = fake_llm.requests[-1]["messages"][0]["content"]
    assert "SITREP" in system
    assert "not instructions" in system


def test_a_project_sitrep_keeps_to_the_project(app: Starlette, admin: Actor, user: Actor, fake_llm: FakeLLM) -> None:
    work = _some_work(user)
    task(user, "Unrelated personal chore")
    done = sitrep(user, project_id=work["project"])
    assert done["project_id"] == work["project"]
    assert done["title"].endswith("· Apollo")
    sent = user_message(fake_llm)
    assert "Replace the lab disk" in sent
    assert "Unrelated personal chore" not in sent


def test_others_projects_never_reach_the_prompt(app: Starlette, admin: Actor, user: Actor, fake_llm: FakeLLM) -> None:
    ann = person(app, admin, "ann")
    secret = project(ann, "Secret")
    standup(ann, today="Secret standup 7345", project_id=secret)
    task(ann, "Secret task 8812", project_id=secret, status="blocked")
    task(ann, "Ann's personal task 6620", status="blocked")
    _some_work(user)
    sitrep(user, days=3)
    sent = prompt(fake_llm)
    for secret_text in ("7345", "8812", "6620", "Secret"):
        assert secret_text not in sent
    assert user.post("/api/sitreps", json={"project_id": secret}).status_code == 404


def test_nothing_to_report_needs_no_llm(user: Actor, fake_llm: FakeLLM) -> None:
    done = sitrep(user)
    assert done["status"] == "ready"
    assert done["markdown"].startswith("Nothing to report")
    assert fake_llm.requests == []


def test_a_small_context_leaves_out_and_says_so(app: Starlette, admin: Actor, user: Actor, fake_llm: FakeLLM) -> None:
    set_llm(admin, fake_llm.url, "fake", llm_context_tokens=1200)
    apollo = project(user, "Apollo")
    for n in range(40):
        task(user, f"Blocked thing {n} " + "detail " * 20, project_id=apollo, status="blocked")
    done = sitrep(user)
    assert done["omitted"] is not None
    assert "tasks" in done["omitted"]
    assert done["omitted"] in user_message(fake_llm)


def test_instructions_too_long_for_the_context_are_422(admin: Actor, user: Actor, fake_llm: FakeLLM) -> None:
    set_llm(admin, fake_llm.url, "fake", llm_context_tokens=1000)
    response = user.post("/api/sitreps", json={"instructions": "Be thorough. " * 300})
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["detail"][0]["field"] == "instructions"
    assert "llm_context_tokens" in error["message"]
    with transaction():
        assert Sitrep.select().count() == 0


def test_validation(user: Actor, fake_llm: FakeLLM) -> None:
    for body in ({"days": 0}, {"days": 32}, {"title": "x" * 121}, {"instructions": "x" * 4001}, {"extra": 1}):
        assert user.post("/api/sitreps", json=body).status_code == 422, body


# Listing, reading, export, delete


def test_list_get_and_delete_are_the_authors_own(app: Starlette, admin: Actor, user: Actor, fake_llm: FakeLLM) -> None:
    _some_work(user)
    first = sitrep(user, title="First")
    second = sitrep(user, title="Second")
    page = user.get("/api/sitreps").json()
    assert page["total"] == 2
    assert [s["title"] for s in page["items"]] == ["Second", "First"]
    assert user.get("/api/sitreps?limit=1&offset=1").json()["items"][0]["id"] == first["id"]
    assert admin.get("/api/sitreps").json()["total"] == 0
    assert admin.get(f"/api/sitreps/{first['id']}").status_code == 404
    assert admin.delete(f"/api/sitreps/{first['id']}").status_code == 404
    assert admin.get(f"/api/sitreps/{first['id']}/export").status_code == 404
    assert user.delete(f"/api/sitreps/{first['id']}").status_code == 204
    assert user.get(f"/api/sitreps/{first['id']}").status_code == 404
    assert [s["id"] for s in user.get("/api/sitreps").json()["items"]] == [second["id"]]
    assert user.get("/api/sitreps/999999").json()["error"]["code"] == "sitrep_not_found"


def test_export_is_markdown_with_source_links(user: Actor, fake_llm: FakeLLM) -> None:
    work = _some_work(user)
    fake_llm.script = lambda body: CITING
    done = sitrep(user, title="Friday [brief]")
    response = user.get(f"/api/sitreps/{done['id']}/export")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/markdown; charset=utf-8"
    day = done["created_at"][:10]
    assert response.headers["content-disposition"] == f'attachment; filename="sitrep-{done["id"]}-{day}.md"'
    text = response.text
    assert text.startswith("# Friday [brief]\n")
    assert f"Generated {day}" in text
    assert "covers 1 day" in text
    assert CITING in text
    assert "## Sources" in text
    standup_day = datetime.now(UTC).date().isoformat()
    assert f"- [1] [Standup of user, {standup_day}](http://testserver/standups?day={standup_day}#standup-" in text
    assert f"- [2] [Replace the lab disk](http://testserver/tasks/{work['blocked']['id']}) (task)" in text


def test_a_failed_sitrep_cannot_be_exported(admin: Actor, user: Actor, fake_llm: FakeLLM) -> None:
    _some_work(user)
    set_llm(admin, fake_llm.url, "malformed")
    done = sitrep(user)
    response = user.get(f"/api/sitreps/{done['id']}/export")
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "sitrep_not_ready"


# Failures


def test_no_llm_is_503_at_once(user: Actor) -> None:
    response = user.post("/api/sitreps", json={})
    assert response.status_code == 503
    assert response.json()["error"]["code"] == "llm_not_configured"
    assert user.get("/api/sitreps").json()["total"] == 0


def _failed(user: Actor, code: str) -> dict[str, Any]:
    _some_work(user)
    done = sitrep(user)
    assert done["status"] == "failed"
    assert done["error"]["code"] == code
    assert done["markdown"] == ""
    job = user.get(f"/api/jobs/{done['job_id']}").json()
    assert job["status"] == "failed"
    assert job["error"] == done["error"]["message"]
    return done


def test_llm_down_fails_with_llm_unavailable(admin: Actor, user: Actor) -> None:
    set_llm(admin, f"http://127.0.0.1:{closed_port()}")
    done = _failed(user, "llm_unavailable")
    assert "cannot be reached" in done["error"]["message"]


def test_llm_slow_fails_with_llm_timeout(admin: Actor, user: Actor, fake_llm: FakeLLM) -> None:
    fake_llm.slow_seconds = 7
    set_llm(admin, fake_llm.url, "slow", llm_read_timeout_seconds=5)  # the setting's minimum
    done = _failed(user, "llm_timeout")
    assert "did not answer within 5 s" in done["error"]["message"]


def test_llm_malformed_fails_with_llm_bad_answer(admin: Actor, user: Actor, fake_llm: FakeLLM) -> None:
    set_llm(admin, fake_llm.url, "malformed")
    done = _failed(user, "llm_bad_answer")
    assert "not valid JSON" in done["error"]["message"]


def test_a_sitrep_left_generating_by_a_stopped_process_reads_as_interrupted(user: Actor) -> None:
    with transaction(write=True):
        row = Sitrep.create(
            title="Old", days=1, created_by=user.user["id"], created_at=datetime.now(UTC), job_id="gone-job-id"
        )
    body = user.get(f"/api/sitreps/{row.id}").json()
    assert body["status"] == "failed"
    assert body["error"]["code"] == "interrupted"
    assert "Generate a new one" in body["error"]["message"]


def test_deleting_a_generating_sitrep_cancels_it(admin: Actor, user: Actor, fake_llm: FakeLLM) -> None:
    _some_work(user)
    fake_llm.slow_seconds = 1
    set_llm(admin, fake_llm.url, "slow")
    started = user.post("/api/sitreps", json={}).json()
    assert user.delete(f"/api/sitreps/{started['id']}").status_code == 204
    wait_until(
        lambda: user.get(f"/api/jobs/{started['job_id']}").json()["status"] in ("succeeded", "failed", "cancelled"),
        20,
        "the SITREP's job ended",
    )
    assert user.get(f"/api/sitreps/{started['id']}").status_code == 404
    assert user.get("/api/sitreps").json()["total"] == 0


def test_deleting_the_author_moves_their_sitreps(admin: Actor, user: Actor, fake_llm: FakeLLM) -> None:
    _some_work(user)
    done = sitrep(user)
    refused = admin.delete(f"/api/users/{user.user['id']}")
    assert refused.status_code == 409
    assert "1 SITREPs" in refused.json()["error"]["message"]
    assert admin.delete(f"/api/users/{user.user['id']}", params={"reassign_to": admin.user["id"]}).status_code == 204
    assert admin.get(f"/api/sitreps/{done['id']}").json()["created_by"]["username"] == "admin"
