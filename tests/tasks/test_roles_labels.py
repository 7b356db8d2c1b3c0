"""The role matrix of the label and checklist routes (the rest of the tasks routes: test_roles.py)."""

from __future__ import annotations

import itertools

import pytest
from starlette.applications import Starlette

from tests.conftest import Actor
from tests.rolematrix import EDITORS, MANAGERS, READERS, Request, RoleCase, World, allow, build_world, check_case

TASK = "/api/tasks/{task_id:int}"
LABEL = "/api/tasks/labels/{label_id:int}"
ITEM = TASK + "/checklist/{item_id:int}"
_names = itertools.count()


def _label(world: World, project_id: int | None) -> int:
    body = {"name": f"Label {next(_names)}", "colour": "green", "project_id": project_id}
    response = world.admin.post("/api/tasks/labels", json=body)
    assert response.status_code == 201, response.text
    return int(response.json()["id"])


def _item(world: World) -> tuple[int, int]:
    """A fresh project task with one checklist item: (task id, item id)."""
    task_id = world.new_task()
    response = world.admin.post(f"/api/tasks/{task_id}/checklist", json={"text": "Item"})
    assert response.status_code == 201, response.text
    return task_id, int(response.json()["id"])


def _item_request(world: World, body: dict[str, object] | None = None) -> Request:
    task_id, item_id = _item(world)
    return Request(f"/api/tasks/{task_id}/checklist/{item_id}", body)


def _new_label_body(world: World, project_id: int | None) -> dict[str, object]:
    return {"name": f"New {next(_names)}", "colour": "red", "project_id": project_id}


ADMIN_ONLY = allow("admin")
CASES: list[RoleCase] = [
    RoleCase("GET", "/api/tasks/labels", lambda w: Request(f"/api/tasks/labels?project={w.project_id}"), READERS),
    RoleCase(
        "POST", "/api/tasks/labels", lambda w: Request("/api/tasks/labels", _new_label_body(w, w.project_id)), MANAGERS
    ),
    # Global labels: administrators only; everyone else gets 403, not 404 (global labels are no secret).
    RoleCase(
        "POST",
        "/api/tasks/labels",
        lambda w: Request("/api/tasks/labels", _new_label_body(w, None)),
        ADMIN_ONLY,
        outsider_status=403,
    ),
    RoleCase(
        "PATCH", LABEL, lambda w: Request(f"/api/tasks/labels/{_label(w, w.project_id)}", {"colour": "blue"}), MANAGERS
    ),
    RoleCase(
        "PATCH",
        LABEL,
        lambda w: Request(f"/api/tasks/labels/{_label(w, None)}", {"colour": "blue"}),
        ADMIN_ONLY,
        outsider_status=403,
    ),
    RoleCase("DELETE", LABEL, lambda w: Request(f"/api/tasks/labels/{_label(w, w.project_id)}"), MANAGERS),
    RoleCase(
        "DELETE", LABEL, lambda w: Request(f"/api/tasks/labels/{_label(w, None)}"), ADMIN_ONLY, outsider_status=403
    ),
    RoleCase("GET", TASK + "/checklist", lambda w: Request(f"/api/tasks/{w.task_id}/checklist"), READERS),
    RoleCase(
        "POST", TASK + "/checklist", lambda w: Request(f"/api/tasks/{w.task_id}/checklist", {"text": "Hi"}), EDITORS
    ),
    RoleCase("PATCH", ITEM, lambda w: _item_request(w, {"done": True}), EDITORS),
    RoleCase("PATCH", ITEM, lambda w: _item_request(w, {"position": 0, "text": "Moved"}), EDITORS),
    RoleCase("DELETE", ITEM, _item_request, EDITORS),
    # Labels on tasks follow the task's edit right.
    RoleCase(
        "PATCH",
        TASK,
        lambda w: Request(f"/api/tasks/{w.new_task()}", {"label_ids": [_label(w, w.project_id)]}),
        EDITORS,
    ),
    RoleCase(
        "POST",
        "/api/tasks/bulk",
        lambda w: Request(
            "/api/tasks/bulk", {"ids": [w.new_task()], "action": "add_label", "label_id": _label(w, None)}
        ),
        EDITORS,
    ),
]


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c.id} #{CASES.index(c)}")
def test_role_matrix(app: Starlette, admin: Actor, case: RoleCase) -> None:
    check_case(build_world(app, admin), case)
