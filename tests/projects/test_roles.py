"""The role matrix of every projects route: who may read, edit and manage a project and its members."""

from __future__ import annotations

import itertools

import pytest
from starlette.applications import Starlette

from tests.conftest import Actor, create_user
from tests.rolematrix import ALL, MANAGERS, READERS, Request, RoleCase, World, build_world, check_case

PROJECT = "/api/projects/{project_id:int}"
MEMBERS = PROJECT + "/members"
MEMBER = MEMBERS + "/{username}"
_names = itertools.count()


def _new_project(world: World) -> Request:
    """A fresh project per call, for calls that remove it."""
    return Request(f"/api/projects/{world.new_project()}?tasks=archive")


def _bystander(world: World) -> str:
    """A user in no role of the matrix, created once per world: the target of add and remove cases."""
    if "bystander" not in world.extra:
        world.extra["bystander"] = create_user(world.admin, "matrix-bystander")["username"]
    return str(world.extra["bystander"])


def _remove_bystander(world: World) -> Request:
    """Removing someone else (a viewer or member removing themself would be leaving, which they may)."""
    project_id = world.new_project()
    added = world.owner.post(f"/api/projects/{project_id}/members", json={"username": _bystander(world)})
    assert added.status_code == 201, added.text
    return Request(f"/api/projects/{project_id}/members/{_bystander(world)}")


def _add_outsider(world: World) -> Request:
    body = {"username": world.outsider.user["username"], "role": "viewer"}
    return Request(f"/api/projects/{world.new_project()}/members", body)


CASES: list[RoleCase] = [
    RoleCase("GET", "/api/projects", lambda w: Request("/api/projects"), ALL),
    RoleCase("POST", "/api/projects", lambda w: Request("/api/projects", {"name": f"Made {next(_names)}"}), ALL),
    RoleCase("GET", PROJECT, lambda w: Request(f"/api/projects/{w.project_id}"), READERS),
    RoleCase("PATCH", PROJECT, lambda w: Request(f"/api/projects/{w.project_id}", {"description": "x"}), MANAGERS),
    RoleCase("DELETE", PROJECT, _new_project, MANAGERS),
    RoleCase("GET", MEMBERS, lambda w: Request(f"/api/projects/{w.project_id}/members"), READERS),
    RoleCase("POST", MEMBERS, _add_outsider, MANAGERS),
    RoleCase(
        "PATCH",
        MEMBER,
        lambda w: Request(f"/api/projects/{w.project_id}/members/{w.member.user['username']}", {"role": "member"}),
        MANAGERS,
    ),
    RoleCase("DELETE", MEMBER, _remove_bystander, MANAGERS),
]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_role_matrix(app: Starlette, admin: Actor, case: RoleCase) -> None:
    check_case(build_world(app, admin), case)
