"""The role matrix of the watch routes: watching is reading, so every reader of a task or project may watch it;
an outsider gets 404 (ids do not leak). The inbox routes are per user (test_inbox.py: another user's
notification is 404 for everyone, administrators too)."""

from __future__ import annotations

import pytest
from starlette.applications import Starlette

from tests.conftest import Actor
from tests.rolematrix import READERS, Request, RoleCase, build_world, check_case

TASK_WATCH = "/api/tasks/{task_id:int}/watch"
PROJECT_WATCH = "/api/projects/{project_id:int}/watch"

CASES: list[RoleCase] = [
    RoleCase(method, TASK_WATCH, lambda w: Request(f"/api/tasks/{w.task_id}/watch"), READERS)
    for method in ("GET", "PUT", "DELETE")
] + [
    RoleCase(method, PROJECT_WATCH, lambda w: Request(f"/api/projects/{w.project_id}/watch"), READERS)
    for method in ("GET", "PUT", "DELETE")
]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_role_matrix(app: Starlette, admin: Actor, case: RoleCase) -> None:
    check_case(build_world(app, admin), case)
