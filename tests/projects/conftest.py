"""A small team for the work-tracking tests: a project owned by alice, with bob (member) and carol (viewer),
and dave, who is in no project."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx2
import pytest
from starlette.applications import Starlette

from tests.conftest import USER_PASSWORD, Actor, create_user, sign_in


@dataclass
class Team:
    admin: Actor
    alice: Actor  # owner
    bob: Actor  # member
    carol: Actor  # viewer
    dave: Actor  # outsider
    project_id: int

    def uid(self, actor: Actor) -> int:
        return int(actor.user["id"])  # type: ignore[call-overload]


def ok(response: httpx2.Response, status: int = 200) -> Any:
    assert response.status_code == status, response.text
    return response.json() if status != 204 else None


def error(response: httpx2.Response, status: int) -> dict[str, Any]:
    """The error object of a refused call, after checking the status."""
    assert response.status_code == status, response.text
    return dict(response.json()["error"])


def fields(response: httpx2.Response) -> set[str]:
    """The fields a 422 names."""
    return {item["field"] for item in error(response, 422)["detail"]}


def new_project(owner: Actor, name: str, **body: object) -> int:
    return int(ok(owner.post("/api/projects", json={"name": name, **body}), 201)["id"])


def add_member(owner: Actor, project_id: int, who: Actor, role: str) -> None:
    ok(owner.post(f"/api/projects/{project_id}/members", json={"username": who.user["username"], "role": role}), 201)


@pytest.fixture
def team(app: Starlette, admin: Actor) -> Team:
    actors = {}
    for name in ("alice", "bob", "carol", "dave"):
        create_user(admin, name, display_name=name.title())
        actors[name] = sign_in(app, name, USER_PASSWORD)
    project_id = new_project(actors["alice"], "Apollo", description="The *moon* shot.")
    add_member(actors["alice"], project_id, actors["bob"], "member")
    add_member(actors["alice"], project_id, actors["carol"], "viewer")
    return Team(admin=admin, project_id=project_id, **actors)
