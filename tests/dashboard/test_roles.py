"""The role matrix of the dashboard route.

The dashboard is personal: every signed-in role gets its own (200), with only what it may see; what each role
sees is checked in test_dashboard.py. Here the matrix member has filed a standup in the matrix project and the
project holds a task, so every call renders real project data, and the outsider's call must still succeed
without it (the dashboard never answers 404 for a project the caller is not in).
"""

from __future__ import annotations

import pytest
from starlette.applications import Starlette

from tests.conftest import Actor
from tests.rolematrix import ALL, Request, RoleCase, World, build_world, check_case


def _dashboard(world: World) -> Request:
    if "standup" not in world.extra:
        body = {"blockers": "Matrix blocker", "project_id": world.project_id}
        filed = world.member.post("/api/standups", json=body)
        assert filed.status_code == 201, filed.text
        world.extra["standup"] = filed.json()["id"]
    return Request("/api/dashboard")


CASES: list[RoleCase] = [RoleCase("GET", "/api/dashboard", _dashboard, ALL)]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_role_matrix(app: Starlette, admin: Actor, case: RoleCase) -> None:
    check_case(build_world(app, admin), case)


def test_project_data_reaches_only_project_readers(app: Starlette, admin: Actor) -> None:
    world = build_world(app, admin)
    _dashboard(world)
    for role in ("viewer", "member", "owner"):
        body = world.actor(role).get("/api/dashboard").json()
        assert [card["id"] for card in body["projects"]] == [world.project_id], role
        assert {item["kind"] for item in body["recent_activity"]} == {"task", "standup"}, role
    outsider = world.outsider.get("/api/dashboard").json()
    assert (outsider["projects"], outsider["recent_activity"]) == ([], [])
