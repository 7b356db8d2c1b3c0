"""The project-role authorization matrix shared by the work-tracking slices.

Each slice declares `CASES: list[RoleCase]` in `tests/<slice>/test_roles.py` and runs them with `check_case`.
A case names the route (method + template, exactly as declared in the slice's ROUTES), builds a concrete request
from the `World`, and says which roles succeed. The others must be refused: an outsider (signed in, not a member)
gets 404 for anything inside a project it cannot see, so project ids do not leak; a member whose role is too low
gets 403. `tests/test_role_coverage.py` fails when a route of these slices has no case.

`make` is called once per role, so a case whose call changes or removes something (PATCH, DELETE) creates a fresh
target through `world.admin` each time instead of sharing one. `world.caller` names the role it is called for, for
targets that must belong to the caller (a personal task).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx2
from starlette.applications import Starlette

from tests.conftest import USER_PASSWORD, Actor, create_user, sign_in

ROLES = ("outsider", "viewer", "member", "owner", "admin")


@dataclass
class World:
    """A project with one user in each role, plus an outsider, and one task of the project."""

    app: Starlette
    admin: Actor
    owner: Actor
    member: Actor
    viewer: Actor
    outsider: Actor
    project_id: int
    task_id: int
    extra: dict[str, Any] = field(default_factory=dict)
    caller: str = "admin"  # the role `make` builds the request for (check_case sets it): for the caller's own data

    def actor(self, role: str) -> Actor:
        return getattr(self, role)  # type: ignore[no-any-return]

    def new_personal_task(self) -> int:
        """A fresh personal task of the role about to call (a personal task is only its creator's to move)."""
        response = self.actor(self.caller).post("/api/tasks", json={"title": "Matrix personal task"})
        assert response.status_code == 201, response.text
        return int(response.json()["id"])

    def new_task(self, **fields: object) -> int:
        """A fresh task in the project, created by the admin."""
        body = {"title": "Matrix task", "project_id": self.project_id, **fields}
        response = self.admin.post("/api/tasks", json=body)
        assert response.status_code == 201, response.text
        return int(response.json()["id"])

    def new_project(self) -> int:
        """A fresh project with the same owner, member and viewer."""
        return make_project(self, name=f"Matrix project {len(self.extra)}")


@dataclass(frozen=True)
class Request:
    url: str
    json: dict[str, Any] | list[Any] | None = None


@dataclass(frozen=True)
class RoleCase:
    method: str
    route: str  # the route's declared path template, e.g. "/api/projects/{project_id:int}"
    make: Callable[[World], Request]
    allowed: frozenset[str]
    denied_status: int = 403
    outsider_status: int = 404

    @property
    def id(self) -> str:
        return f"{self.method} {self.route}"

    def expected_denial(self, role: str) -> int:
        return self.outsider_status if role == "outsider" else self.denied_status


def allow(*roles: str) -> frozenset[str]:
    unknown = set(roles) - set(ROLES)
    assert not unknown, f"unknown roles {unknown}"
    return frozenset(roles)


ALL = allow(*ROLES)
READERS = allow("viewer", "member", "owner", "admin")
EDITORS = allow("member", "owner", "admin")
MANAGERS = allow("owner", "admin")


def make_project(world: World, name: str) -> int:
    world.extra[name] = True
    response = world.owner.post("/api/projects", json={"name": name, "description": "For the role matrix."})
    assert response.status_code == 201, response.text
    project_id = int(response.json()["id"])
    for role in ("member", "viewer"):
        username = world.actor(role).user["username"]
        added = world.owner.post(f"/api/projects/{project_id}/members", json={"username": username, "role": role})
        assert added.status_code in (200, 201), added.text
    return project_id


def build_world(app: Starlette, admin: Actor) -> World:
    actors = {}
    for role in ("owner", "member", "viewer", "outsider"):
        create_user(admin, f"matrix-{role}")
        actors[role] = sign_in(app, f"matrix-{role}", USER_PASSWORD)
    world = World(app=app, admin=admin, project_id=0, task_id=0, **actors)
    world.project_id = make_project(world, "Matrix project")
    world.task_id = world.new_task()
    return world


def send(actor: Actor, method: str, request: Request) -> httpx2.Response:
    kwargs: dict[str, Any] = {} if request.json is None else {"json": request.json}
    return actor.client.request(method, request.url, headers=actor.headers, **kwargs)


def check_case(world: World, case: RoleCase) -> None:
    """Call the case as every role; collect every mismatch so one run shows the whole row of the matrix."""
    failures = []
    for role in ROLES:
        world.caller = role
        response = send(world.actor(role), case.method, case.make(world))
        if role in case.allowed:
            if not 200 <= response.status_code < 300:
                failures.append(f"{role}: expected success, got {response.status_code} {response.text[:200]}")
        elif response.status_code != case.expected_denial(role):
            failures.append(f"{role}: expected {case.expected_denial(role)}, got {response.status_code}")
    assert failures == [], f"{case.id}: " + "; ".join(failures)
