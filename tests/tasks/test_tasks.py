"""Tasks: create, read, edit (partial, null clears), the progress/status rules, delete, and who may do each."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from devcell.tasks.schemas import TaskOut
from tests.conftest import Actor
from tests.projects.conftest import error, fields, ok
from tests.tasks.conftest import Team, new_task


def patch(actor: Actor, task_id: int, **body: object) -> dict[str, object]:
    return dict(ok(actor.patch(f"/api/tasks/{task_id}", json=body)))


# Create


def test_create_personal_task_with_defaults(user: Actor) -> None:
    task = new_task(user, "Write report")
    TaskOut.model_validate(task)
    assert (task["status"], task["progress"], task["priority"], task["archived"]) == ("todo", 0, "normal", False)
    assert (task["project"], task["assignee"], task["due_date"], task["completed_at"]) == (None, None, None, None)
    assert task["creator"]["username"] == "user"
    assert (task["can_edit"], task["comment_count"], task["overdue"]) == (True, 0, False)


def test_create_in_a_project_with_assignee(team: Team) -> None:
    body = {"project_id": team.project_id, "assignee_id": team.uid(team.alice), "priority": "urgent"}
    task = new_task(team.bob, "Fuel", due_date="2030-01-02", **body)
    assert task["project"] == {"id": team.project_id, "name": "Apollo"}
    assert (task["assignee"]["username"], task["priority"], task["due_date"]) == ("alice", "urgent", "2030-01-02")


def test_create_done_sets_progress_and_completion(user: Actor) -> None:
    task = new_task(user, status="done", progress=10)
    assert (task["progress"], task["completed_at"] is not None) == (100, True)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "title"),
        ({"title": " "}, "title"),
        ({"title": "x" * 201}, "title"),
        ({"title": "t", "status": "closed"}, "status"),
        ({"title": "t", "progress": 101}, "progress"),
        ({"title": "t", "progress": -1}, "progress"),
        ({"title": "t", "priority": "asap"}, "priority"),
        ({"title": "t", "due_date": "tomorrow"}, "due_date"),
        ({"title": "t", "owner": "me"}, "owner"),
        ({"title": "t", "origin_standup_id": 1}, "origin_standup_id"),
    ],
)
def test_create_refuses_invalid_fields(user: Actor, body: dict[str, object], field: str) -> None:
    assert field in fields(user.post("/api/tasks", json=body))


def test_create_refuses_unknown_or_inactive_assignee(team: Team) -> None:
    assert fields(team.bob.post("/api/tasks", json={"title": "t", "assignee_id": 999})) == {"assignee_id"}
    ok(team.admin.patch(f"/api/users/{team.uid(team.dave)}", json={"active": False}))
    assert fields(team.bob.post("/api/tasks", json={"title": "t", "assignee_id": team.uid(team.dave)})) == {
        "assignee_id"
    }


def test_create_refuses_an_assignee_outside_the_project(team: Team) -> None:
    body = {"title": "t", "project_id": team.project_id, "assignee_id": team.uid(team.dave)}
    assert fields(team.bob.post("/api/tasks", json=body)) == {"assignee_id"}


def test_a_viewer_cannot_be_assigned_a_project_task(team: Team) -> None:
    body = {"title": "t", "project_id": team.project_id, "assignee_id": team.uid(team.carol)}
    response = team.bob.post("/api/tasks", json=body)
    assert response.status_code == 422, response.text
    assert response.json()["error"]["detail"] == [
        {
            "field": "assignee_id",
            "message": "must be a member or owner of the task's project (viewers can't be assigned tasks)",
        }
    ]
    task = new_task(team.bob, project_id=team.project_id)
    assert fields(team.bob.patch(f"/api/tasks/{task['id']}", json={"assignee_id": team.uid(team.carol)})) == {
        "assignee_id"
    }
    personal = new_task(team.bob, assignee_id=team.uid(team.carol))  # anyone can take a personal task ...
    moved = team.bob.patch(f"/api/tasks/{personal['id']}", json={"project_id": team.project_id})
    assert fields(moved) == {"assignee_id"}  # ... but not into a project they only view
    assert new_task(team.bob, project_id=team.project_id, assignee_id=team.uid(team.bob))["assignee"]["id"] == (
        team.uid(team.bob)
    )


def test_create_in_a_project_needs_member_role(team: Team) -> None:
    body = {"title": "t", "project_id": team.project_id}
    assert error(team.carol.post("/api/tasks", json=body), 403)["code"] == "project_role_required"
    assert error(team.dave.post("/api/tasks", json=body), 404)["code"] == "project_not_found"
    assert error(team.bob.post("/api/tasks", json={**body, "project_id": 999}), 404)["code"] == "project_not_found"


# Read


def test_get_task_404_when_missing(user: Actor) -> None:
    assert error(user.get("/api/tasks/999"), 404)["code"] == "task_not_found"


def test_viewer_reads_but_cannot_edit(team: Team) -> None:
    task = new_task(team.bob, project_id=team.project_id)
    assert ok(team.carol.get(f"/api/tasks/{task['id']}"))["can_edit"] is False
    assert error(team.carol.patch(f"/api/tasks/{task['id']}", json={"progress": 5}), 403)["code"] == (
        "project_role_required"
    )


def test_overdue_is_due_before_today_and_not_done(user: Actor) -> None:
    yesterday = (date.today() - timedelta(days=2)).isoformat()
    late = new_task(user, due_date=yesterday)
    assert late["overdue"] is True
    assert patch(user, late["id"], status="done")["overdue"] is False


# Edit


def test_patch_changes_only_the_fields_sent(user: Actor) -> None:
    task = new_task(user, "Old", description="Keep", priority="high")
    changed = patch(user, task["id"], title="New")
    assert (changed["title"], changed["description"], changed["priority"]) == ("New", "Keep", "high")
    assert changed["updated_at"] > task["updated_at"]


def test_patch_without_changes_keeps_updated_at(user: Actor) -> None:
    task = new_task(user, "Same")
    assert patch(user, task["id"], title="Same")["updated_at"] == task["updated_at"]


@pytest.mark.parametrize("field", ["title", "status", "progress", "priority", "archived"])
def test_patch_refuses_null_where_a_value_is_required(user: Actor, field: str) -> None:
    task = new_task(user)
    assert fields(user.patch(f"/api/tasks/{task['id']}", json={field: None})) == {field}


def test_patch_null_clears_due_date_assignee_and_description(team: Team) -> None:
    body = {"due_date": "2030-01-01", "assignee_id": team.uid(team.alice), "description": "d"}
    task = new_task(team.bob, project_id=team.project_id, **body)
    cleared = patch(team.bob, task["id"], due_date=None, assignee_id=None, description=None)
    assert (cleared["due_date"], cleared["assignee"], cleared["description"]) == (None, None, "")


def test_patch_moves_between_project_and_personal(team: Team) -> None:
    task = new_task(team.bob)
    moved = patch(team.bob, task["id"], project_id=team.project_id)
    assert moved["project"]["id"] == team.project_id
    # Out of the project again: the owner's call (tests/tasks/test_moves.py has who may move what).
    assert patch(team.alice, task["id"], project_id=None)["project"] is None


def test_patch_into_a_project_needs_member_role_there(team: Team) -> None:
    task = new_task(team.carol)
    response = team.carol.patch(f"/api/tasks/{task['id']}", json={"project_id": team.project_id})
    assert error(response, 403)["code"] == "project_role_required"
    response = team.dave.patch(f"/api/tasks/{new_task(team.dave)['id']}", json={"project_id": team.project_id})
    assert error(response, 404)["code"] == "project_not_found"


def test_patch_move_refuses_an_assignee_outside_the_target(team: Team) -> None:
    task = new_task(team.bob, assignee_id=team.uid(team.dave))
    assert fields(team.bob.patch(f"/api/tasks/{task['id']}", json={"project_id": team.project_id})) == {"assignee_id"}


def test_personal_task_is_edited_by_creator_and_assignee_only(team: Team) -> None:
    task = new_task(team.bob, assignee_id=team.uid(team.carol))
    assert patch(team.carol, task["id"], progress=40)["progress"] == 40
    assert error(team.dave.patch(f"/api/tasks/{task['id']}", json={"progress": 1}), 404)["code"] == "task_not_found"
    assert patch(team.admin, task["id"], progress=50)["progress"] == 50


# Progress and status rules


def test_status_done_forces_progress_100_and_sets_completed_at(user: Actor) -> None:
    done = patch(user, new_task(user)["id"], status="done", progress=30)
    assert (done["progress"], done["completed_at"] is not None) == (100, True)


def test_progress_100_alone_does_not_close_the_task(user: Actor) -> None:
    assert patch(user, new_task(user)["id"], progress=100)["status"] == "todo"


def test_lowering_progress_of_a_done_task_reopens_it(user: Actor) -> None:
    task = new_task(user, status="done")
    reopened = patch(user, task["id"], progress=80)
    assert (reopened["status"], reopened["progress"], reopened["completed_at"]) == ("in_progress", 80, None)


def test_leaving_done_clears_completed_at(user: Actor) -> None:
    task = new_task(user, status="done")
    assert patch(user, task["id"], status="blocked")["completed_at"] is None


def test_explicit_status_wins_over_the_reopen_rule(user: Actor) -> None:
    task = new_task(user, status="done")
    assert patch(user, task["id"], status="todo", progress=0)["status"] == "todo"


# Delete


def test_delete_is_real_and_takes_comments_along(user: Actor) -> None:
    task = new_task(user)
    ok(user.post(f"/api/tasks/{task['id']}/comments", json={"body": "bye"}), 201)
    ok(user.delete(f"/api/tasks/{task['id']}"), 204)
    assert error(user.get(f"/api/tasks/{task['id']}"), 404)["code"] == "task_not_found"


def test_delete_personal_task_only_by_its_creator(team: Team) -> None:
    task = new_task(team.bob, assignee_id=team.uid(team.carol))
    assert error(team.carol.delete(f"/api/tasks/{task['id']}"), 403)["code"] == "task_edit_forbidden"
    ok(team.bob.delete(f"/api/tasks/{task['id']}"), 204)


def test_delete_project_task_needs_the_owner(team: Team) -> None:
    task = new_task(team.bob, project_id=team.project_id)
    assert error(team.bob.delete(f"/api/tasks/{task['id']}"), 403)["code"] == "project_role_required"
    ok(team.alice.delete(f"/api/tasks/{task['id']}"), 204)


def test_archive_and_restore_with_patch(user: Actor) -> None:
    task = new_task(user)
    assert patch(user, task["id"], archived=True)["archived"] is True
    assert patch(user, task["id"], archived=False)["archived"] is False


# Owned data


def test_deleting_a_user_with_tasks_is_refused_until_reassigned(team: Team) -> None:
    task = new_task(team.dave, assignee_id=team.uid(team.carol))
    ok(team.dave.post(f"/api/tasks/{task['id']}/comments", json={"body": "mine"}), 201)
    refused = error(team.admin.delete(f"/api/users/{team.uid(team.dave)}"), 409)
    assert refused["detail"] == {"tasks": 1, "task comments": 1}
    ok(team.admin.delete(f"/api/users/{team.uid(team.dave)}?reassign_to={team.uid(team.bob)}"), 204)
    kept = ok(team.bob.get(f"/api/tasks/{task['id']}"))
    assert (kept["creator"]["username"], kept["assignee"]["username"]) == ("bob", "carol")
    comments = ok(team.bob.get(f"/api/tasks/{task['id']}/comments"))["items"]
    assert comments[0]["author"]["username"] == "bob"
