"""Helpers for the summaries and SITREP tests: people, projects, standups and tasks through the API, the prompt
the fake LLM received, and waiting for a SITREP job."""

from __future__ import annotations

from typing import Any

from starlette.applications import Starlette

from tests.conftest import USER_PASSWORD, Actor, create_user, sign_in
from tests.fakes.llm_server import FakeLLM
from tests.waiting import wait_until

CITING = "Ann finished the parser [1]. Work continues [2]."


def person(app: Starlette, admin: Actor, username: str) -> Actor:
    create_user(admin, username)
    return sign_in(app, username, USER_PASSWORD)


def project(owner: Actor, name: str, **roles: Actor) -> int:
    """A project owned by `owner`, with `roles` as {role: actor}."""
    response = owner.post("/api/projects", json={"name": name})
    assert response.status_code == 201, response.text
    project_id = int(response.json()["id"])
    for role, actor in roles.items():
        body = {"username": actor.user["username"], "role": role.rstrip("0123456789")}
        added = owner.post(f"/api/projects/{project_id}/members", json=body)
        assert added.status_code == 201, added.text
    return project_id


def standup(actor: Actor, **fields: Any) -> dict[str, Any]:
    body = {"today": "Work on the parser", **fields}
    response = actor.post("/api/standups", json=body)
    assert response.status_code == 201, response.text
    return dict(response.json())


def task(actor: Actor, title: str, **fields: Any) -> dict[str, Any]:
    response = actor.post("/api/tasks", json={"title": title, **fields})
    assert response.status_code == 201, response.text
    return dict(response.json())


def prompt(fake: FakeLLM, index: int = -1) -> str:
    """Everything one request to the fake LLM said (system and user messages)."""
    return "\n".join(m["content"] for m in fake.requests[index]["messages"])


def user_message(fake: FakeLLM, index: int = -1) -> str:
    return str(fake.requests[index]["messages"][-1]["content"])


def wait_sitrep(actor: Actor, sitrep_id: int, timeout: float = 30.0) -> dict[str, Any]:
    """Poll until the SITREP is no longer generating and its job has ended."""
    last: dict[str, Any] = {}

    def ended() -> dict[str, Any] | None:
        body: dict[str, Any] = actor.get(f"/api/sitreps/{sitrep_id}").json()
        last.update(body)
        return body if body["status"] != "generating" and _job_done(actor, body.get("job_id")) else None

    return wait_until(ended, timeout, lambda: f"SITREP {sitrep_id} still {last.get('status')}")


def _job_done(actor: Actor, job_id: str | None) -> bool:
    if not job_id:
        return True
    return bool(actor.get(f"/api/jobs/{job_id}").json()["status"] in ("succeeded", "failed", "cancelled"))


def sitrep(actor: Actor, **fields: Any) -> dict[str, Any]:
    """Generate a SITREP and wait for it."""
    response = actor.post("/api/sitreps", json=fields)
    assert response.status_code == 202, response.text
    return wait_sitrep(actor, int(response.json()["id"]))
