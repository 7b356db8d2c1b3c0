"""The role matrix of every standups route, around one project-scoped entry.

The subject is a standup the matrix *member* filed in the matrix project. Its readers are the project's readers
(viewer, member, owner) and administrators; an outsider gets 404 for it and for anything naming the project.
Only its author (the member) and administrators change it: the owner and the viewer can read it, so they get
403. Filing, today and the export are per caller; the project decides who may name it.
"""

from __future__ import annotations

import pytest
from starlette.applications import Starlette

from tests.conftest import Actor
from tests.rolematrix import ALL, READERS, Request, RoleCase, World, allow, build_world, check_case

ONE = "/api/standups/{standup_id:int}"
AUTHOR_OR_ADMIN = allow("member", "admin")


def members_entry(world: World) -> int:
    """The member's entry for today in the project: the existing one, or a new one if a case deleted it."""
    response = world.member.post("/api/standups", json={"today": "Matrix work", "project_id": world.project_id})
    if response.status_code == 409:
        return int(response.json()["error"]["detail"]["id"])
    assert response.status_code == 201, response.text
    return int(response.json()["id"])


def _one(world: World) -> Request:
    return Request(f"/api/standups/{members_entry(world)}")


def _listed_by_project(world: World) -> Request:
    members_entry(world)
    return Request(f"/api/standups?project={world.project_id}")


def _export_of_project(world: World) -> Request:
    day = world.member.get("/api/standups/today").json()["day"]
    return Request(f"/api/standups/export?day={day}&project={world.project_id}")


def _convert(world: World) -> Request:
    items = [{"section": "blockers", "text": "Matrix blocker"}]
    return Request(f"/api/standups/{members_entry(world)}/convert", {"items": items})


CASES: list[RoleCase] = [
    RoleCase("GET", "/api/standups", _listed_by_project, READERS),
    # Every role files its own entry in the project: any reader of a project may file there.
    RoleCase(
        "POST", "/api/standups", lambda w: Request("/api/standups", {"today": "x", "project_id": w.project_id}), READERS
    ),
    RoleCase("GET", "/api/standups/today", lambda w: Request("/api/standups/today"), ALL),
    RoleCase("GET", "/api/standups/roster", lambda w: Request(f"/api/standups/roster?project={w.project_id}"), READERS),
    RoleCase("GET", "/api/standups/export", _export_of_project, READERS),
    RoleCase("GET", ONE, _one, READERS),
    RoleCase(
        "PATCH", ONE, lambda w: Request(f"/api/standups/{members_entry(w)}", {"blockers": "edited"}), AUTHOR_OR_ADMIN
    ),
    # make() runs before each role's call, so after the member's delete a fresh entry is filed for the next roles.
    RoleCase("DELETE", ONE, _one, AUTHOR_OR_ADMIN),
    RoleCase("POST", ONE + "/convert", _convert, AUTHOR_OR_ADMIN),
]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_role_matrix(app: Starlette, admin: Actor, case: RoleCase) -> None:
    check_case(build_world(app, admin), case)
