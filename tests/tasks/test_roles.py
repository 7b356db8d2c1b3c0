"""The role matrix of every tasks route, on a task of the matrix project (personal tasks: test_visibility.py)."""

from __future__ import annotations

import itertools

import pytest
from starlette.applications import Starlette

from tests.conftest import Actor
from tests.rolematrix import ALL, EDITORS, MANAGERS, READERS, Request, RoleCase, World, allow, build_world, check_case

TASK = "/api/tasks/{task_id:int}"
_names = itertools.count()


def _fresh_task(world: World) -> Request:
    return Request(f"/api/tasks/{world.new_task()}")


def _bulk(world: World) -> Request:
    return Request("/api/tasks/bulk", {"ids": [world.new_task()], "action": "status", "status": "in_progress"})


def _members_task(world: World) -> int:
    """A fresh project task created by the member: creating it does not make it theirs to take away."""
    response = world.member.post("/api/tasks", json={"title": "Member's task", "project_id": world.project_id})
    assert response.status_code == 201, response.text
    return int(response.json()["id"])


def _move(task_id: int, project_id: int | None) -> Request:
    return Request(f"/api/tasks/{task_id}", {"project_id": project_id})


def _bulk_move(task_id: int, project_id: int | None) -> Request:
    return Request("/api/tasks/bulk", {"ids": [task_id], "action": "move", "project_id": project_id})


def _admins_preset(world: World) -> Request:
    """Presets are private: even a project owner gets 404 for someone else's."""
    made = world.admin.post("/api/tasks/presets", json={"name": f"Admin's {next(_names)}", "filters": {}})
    assert made.status_code == 201, made.text
    return Request(f"/api/tasks/presets/{made.json()['id']}")


CASES: list[RoleCase] = [
    RoleCase("GET", "/api/tasks", lambda w: Request(f"/api/tasks?project={w.project_id}"), READERS),
    RoleCase(
        "POST", "/api/tasks", lambda w: Request("/api/tasks", {"title": "New", "project_id": w.project_id}), EDITORS
    ),
    RoleCase("POST", "/api/tasks/bulk", _bulk, EDITORS),
    RoleCase(
        "GET", "/api/tasks/export.csv", lambda w: Request(f"/api/tasks/export.csv?project={w.project_id}"), READERS
    ),
    RoleCase("GET", "/api/tasks/presets", lambda w: Request("/api/tasks/presets"), ALL),
    RoleCase(
        "POST",
        "/api/tasks/presets",
        lambda w: Request("/api/tasks/presets", {"name": f"Mine {next(_names)}", "filters": {"mine": True}}),
        ALL,
    ),
    RoleCase("DELETE", "/api/tasks/presets/{preset_id:int}", _admins_preset, allow("admin"), denied_status=404),
    RoleCase("GET", TASK, lambda w: Request(f"/api/tasks/{w.task_id}"), READERS),
    RoleCase("PATCH", TASK, lambda w: Request(f"/api/tasks/{w.task_id}", {"progress": 10}), EDITORS),
    RoleCase("DELETE", TASK, _fresh_task, MANAGERS),
    # Moves between scopes (issue #13): out of a project is a delete there (owner), into one needs member there.
    RoleCase("PATCH", TASK, lambda w: _move(_members_task(w), None), MANAGERS),
    RoleCase("PATCH", TASK, lambda w: _move(w.new_task(), w.new_project()), MANAGERS),
    RoleCase("PATCH", TASK, lambda w: _move(w.new_personal_task(), w.project_id), EDITORS),
    RoleCase("POST", "/api/tasks/bulk", lambda w: _bulk_move(_members_task(w), None), MANAGERS),
    RoleCase("POST", "/api/tasks/bulk", lambda w: _bulk_move(w.new_task(), w.new_project()), MANAGERS),
    RoleCase("POST", "/api/tasks/bulk", lambda w: _bulk_move(w.new_personal_task(), w.project_id), EDITORS),
    RoleCase("GET", TASK + "/comments", lambda w: Request(f"/api/tasks/{w.task_id}/comments"), READERS),
    RoleCase(
        "POST", TASK + "/comments", lambda w: Request(f"/api/tasks/{w.task_id}/comments", {"body": "Hi"}), EDITORS
    ),
    RoleCase("GET", TASK + "/activity", lambda w: Request(f"/api/tasks/{w.task_id}/activity"), READERS),
]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_role_matrix(app: Starlette, admin: Actor, case: RoleCase) -> None:
    check_case(build_world(app, admin), case)
