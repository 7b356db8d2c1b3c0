"""Bulk actions: every action, skipped tasks with reasons, all-or-nothing permission checks."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import Actor
from tests.projects.conftest import add_member, error, fields, new_project, ok
from tests.tasks.conftest import Team, new_task


def bulk(actor: Actor, ids: list[int], action: str, **body: object) -> dict[str, Any]:
    return dict(ok(actor.post("/api/tasks/bulk", json={"ids": ids, "action": action, **body})))


def get(actor: Actor, task_id: int) -> dict[str, Any]:
    return dict(ok(actor.get(f"/api/tasks/{task_id}")))


def test_bulk_status_follows_the_progress_rules(user: Actor) -> None:
    ids = [new_task(user)["id"], new_task(user, status="done")["id"]]
    result = bulk(user, ids, "status", status="done")
    assert result == {"updated": 1, "skipped": [{"id": ids[1], "reason": "already so"}]}
    assert (get(user, ids[0])["progress"], get(user, ids[0])["completed_at"] is not None) == (100, True)


def test_bulk_shift_due_skips_undated_tasks(user: Actor) -> None:
    dated, undated = new_task(user, due_date="2030-01-30")["id"], new_task(user)["id"]
    result = bulk(user, [dated, undated], "shift_due", days=3)
    assert result == {"updated": 1, "skipped": [{"id": undated, "reason": "has no due date"}]}
    assert get(user, dated)["due_date"] == "2030-02-02"
    bulk(user, [dated], "shift_due", days=-7)
    assert get(user, dated)["due_date"] == "2030-01-26"


def test_bulk_assign_and_unassign(team: Team) -> None:
    in_project = new_task(team.bob, project_id=team.project_id)["id"]
    personal = new_task(team.bob)["id"]
    result = bulk(team.bob, [in_project, personal], "assign", assignee_id=team.uid(team.alice))
    assert result["updated"] == 2
    assert get(team.alice, personal)["assignee"]["username"] == "alice"
    assert bulk(team.bob, [in_project, personal], "assign", assignee_id=None)["updated"] == 2
    assert get(team.bob, in_project)["assignee"] is None


def test_bulk_assign_skips_tasks_whose_project_lacks_the_assignee(team: Team) -> None:
    in_project = new_task(team.bob, project_id=team.project_id)["id"]
    personal = new_task(team.bob)["id"]
    result = bulk(team.bob, [in_project, personal], "assign", assignee_id=team.uid(team.dave))
    assert result == {
        "updated": 1,
        "skipped": [{"id": in_project, "reason": "the assignee is not a member or owner of the task's project"}],
    }


def test_bulk_assign_skips_project_tasks_for_a_viewer(team: Team) -> None:
    in_project = new_task(team.bob, project_id=team.project_id)["id"]
    personal = new_task(team.bob)["id"]
    result = bulk(team.bob, [in_project, personal], "assign", assignee_id=team.uid(team.carol))
    assert result == {
        "updated": 1,
        "skipped": [{"id": in_project, "reason": "the assignee is not a member or owner of the task's project"}],
    }
    assert get(team.bob, in_project)["assignee"] is None


def test_bulk_assign_refuses_an_unknown_user(user: Actor) -> None:
    response = user.post("/api/tasks/bulk", json={"ids": [new_task(user)["id"]], "action": "assign", "assignee_id": 9})
    assert fields(response) == {"assignee_id"}


def test_bulk_archive_and_restore(user: Actor) -> None:
    ids = [new_task(user)["id"], new_task(user)["id"]]
    assert bulk(user, ids, "archive")["updated"] == 2
    assert all(get(user, i)["archived"] for i in ids)
    assert bulk(user, ids, "restore")["updated"] == 2
    activity = ok(user.get(f"/api/tasks/{ids[0]}/activity"))["items"]
    assert [a["action"] for a in activity[:2]] == ["restored", "archived"]


def test_bulk_move_into_a_project_and_back_to_personal(team: Team) -> None:
    ids = [new_task(team.bob)["id"], new_task(team.bob)["id"]]
    assert bulk(team.bob, ids, "move", project_id=team.project_id)["updated"] == 2
    assert get(team.carol, ids[0])["project"]["id"] == team.project_id
    assert bulk(team.alice, ids, "move", project_id=None)["updated"] == 2  # out of a project: its owner
    assert get(team.bob, ids[0])["project"] is None


def test_bulk_move_checks_the_target_project(team: Team) -> None:
    """A5: the original applied project_id without checking the target, even a nonexistent one."""
    mine = new_task(team.carol)["id"]
    response = team.carol.post("/api/tasks/bulk", json={"ids": [mine], "action": "move", "project_id": team.project_id})
    assert error(response, 403)["code"] == "project_role_required"
    response = team.dave.post(
        "/api/tasks/bulk", json={"ids": [new_task(team.dave)["id"]], "action": "move", "project_id": team.project_id}
    )
    assert error(response, 404)["code"] == "project_not_found"
    response = team.bob.post(
        "/api/tasks/bulk", json={"ids": [new_task(team.bob)["id"]], "action": "move", "project_id": 999}
    )
    assert error(response, 404)["code"] == "project_not_found"
    assert get(team.carol, mine)["project"] is None


def test_bulk_move_skips_tasks_whose_assignee_is_not_in_the_target(team: Team) -> None:
    task = new_task(team.bob, assignee_id=team.uid(team.dave))["id"]
    result = bulk(team.bob, [task], "move", project_id=team.project_id)
    assert result["skipped"] == [{"id": task, "reason": "the assignee is not a member or owner of the target project"}]


def test_bulk_is_all_or_nothing_on_permission(team: Team) -> None:
    mine = new_task(team.bob, project_id=team.project_id)["id"]
    other = new_project(team.dave, "Dave's")
    add_member(team.dave, other, team.bob, "viewer")
    read_only = new_task(team.dave, project_id=other)["id"]
    response = team.bob.post("/api/tasks/bulk", json={"ids": [mine, read_only], "action": "status", "status": "done"})
    assert error(response, 403)["code"] == "project_role_required"
    assert get(team.bob, mine)["status"] == "todo"
    invisible = new_task(team.dave)["id"]
    response = team.bob.post("/api/tasks/bulk", json={"ids": [mine, invisible], "action": "archive"})
    assert error(response, 404)["code"] == "task_not_found"
    assert get(team.bob, mine)["archived"] is False


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"ids": [], "action": "archive"}, "ids"),
        ({"ids": list(range(1, 502)), "action": "archive"}, "ids"),
        ({"ids": [1], "action": "explode"}, "action"),
        ({"ids": [1], "action": "status"}, "status"),
        ({"ids": [1], "action": "status", "status": "closed"}, "status"),
        ({"ids": [1], "action": "shift_due"}, "days"),
        ({"ids": [1], "action": "shift_due", "days": 366}, "days"),
    ],
)
def test_bulk_refuses_invalid_input(user: Actor, body: dict[str, Any], field: str) -> None:
    new_task(user)
    assert field in fields(user.post("/api/tasks/bulk", json=body))


def test_bulk_repeated_ids_count_once(user: Actor) -> None:
    task = new_task(user)["id"]
    assert bulk(user, [task, task], "archive") == {"updated": 1, "skipped": []}
