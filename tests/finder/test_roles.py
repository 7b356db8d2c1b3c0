"""The role matrix of the finder: every signed-in role may search (200); what each finds is its own."""

from __future__ import annotations

import pytest
from starlette.applications import Starlette

from tests.conftest import Actor
from tests.finder.conftest import find
from tests.rolematrix import ALL, Request, RoleCase, World, build_world, check_case

CASES: list[RoleCase] = [RoleCase("GET", "/api/find", lambda world: Request("/api/find?q=matrix"), ALL)]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_role_matrix(app: Starlette, admin: Actor, case: RoleCase) -> None:
    check_case(build_world(app, admin), case)


def test_project_and_its_task_reach_only_its_readers(app: Starlette, admin: Actor) -> None:
    world: World = build_world(app, admin)
    for role in ("viewer", "member", "owner", "admin"):
        found = find(world.actor(role), "matrix")
        assert [hit["id"] for hit in found["project"]] == [world.project_id], role
        assert [hit["id"] for hit in found["task"]] == [world.task_id], role
    outsider = find(world.outsider, "matrix")
    assert (outsider["project"], outsider["task"]) == ([], [])
    assert {hit["title"] for hit in outsider["person"]} >= {"matrix-owner"}  # colleagues are not private
