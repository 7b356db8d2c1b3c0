"""Comments on tasks and the activity log: who changed what, when."""

from __future__ import annotations

import pytest

from devcell.tasks.schemas import ActivityList, CommentList
from tests.projects.conftest import error, fields, ok
from tests.tasks.conftest import Team, new_task


def activity(team: Team, task_id: int) -> list[tuple[str, str, str | None, str | None]]:
    items = ok(team.bob.get(f"/api/tasks/{task_id}/activity"))["items"]
    return [(a["action"], a["field"], a["old_value"], a["new_value"]) for a in items]


def test_comments_are_listed_oldest_first(team: Team) -> None:
    task = new_task(team.bob, project_id=team.project_id)["id"]
    ok(team.bob.post(f"/api/tasks/{task}/comments", json={"body": "First **md**"}), 201)
    ok(team.alice.post(f"/api/tasks/{task}/comments", json={"body": "Second"}), 201)
    listed = ok(team.carol.get(f"/api/tasks/{task}/comments"))
    CommentList.model_validate(listed)
    got = [(c["author"]["username"], c["body"]) for c in listed["items"]]
    assert got == [("bob", "First **md**"), ("alice", "Second")]


def test_comment_moves_the_task_up_and_is_logged(team: Team) -> None:
    task = new_task(team.bob, project_id=team.project_id)
    comment = ok(team.alice.post(f"/api/tasks/{task['id']}/comments", json={"body": "Hi"}), 201)
    assert comment["author"]["username"] == "alice"
    assert ok(team.bob.get(f"/api/tasks/{task['id']}"))["updated_at"] > task["updated_at"]
    assert activity(team, task["id"])[0] == ("commented", "", None, None)


def test_viewers_may_not_comment(team: Team) -> None:
    task = new_task(team.bob, project_id=team.project_id)["id"]
    assert error(team.carol.post(f"/api/tasks/{task}/comments", json={"body": "Hi"}), 403)["code"] == (
        "project_role_required"
    )
    assert error(team.dave.post(f"/api/tasks/{task}/comments", json={"body": "Hi"}), 404)["code"] == "task_not_found"


@pytest.mark.parametrize("body", [{}, {"body": ""}, {"body": "   "}, {"body": "x" * 10_001}])
def test_comment_body_is_validated(team: Team, body: dict[str, str]) -> None:
    task = new_task(team.bob)["id"]
    assert fields(team.bob.post(f"/api/tasks/{task}/comments", json=body)) == {"body"}


def test_comments_of_a_missing_task_are_404(team: Team) -> None:
    assert error(team.bob.get("/api/tasks/999/comments"), 404)["code"] == "task_not_found"
    assert error(team.bob.get("/api/tasks/999/activity"), 404)["code"] == "task_not_found"


def test_activity_has_one_row_per_changed_field_newest_first(team: Team) -> None:
    task = new_task(team.bob, "Old", project_id=team.project_id)["id"]
    body = {"title": "New", "priority": "high", "assignee_id": team.uid(team.alice), "due_date": "2030-05-01"}
    ok(team.bob.patch(f"/api/tasks/{task}", json=body))
    rows = activity(team, task)
    assert rows[-1] == ("created", "", None, None)
    assert sorted(rows[:-1]) == [
        ("updated", "assignee", None, "alice"),
        ("updated", "due_date", None, "2030-05-01"),
        ("updated", "priority", "normal", "high"),
        ("updated", "title", "Old", "New"),
    ]


def test_activity_names_who_and_when(team: Team) -> None:
    task = new_task(team.bob, project_id=team.project_id)["id"]
    ok(team.alice.patch(f"/api/tasks/{task}", json={"status": "blocked"}))
    listed = ok(team.carol.get(f"/api/tasks/{task}/activity"))
    ActivityList.model_validate(listed)
    latest = listed["items"][0]
    assert (latest["actor"]["username"], latest["field"]) == ("alice", "status")
    assert latest["created_at"].endswith("Z")


def test_activity_logs_moves_archive_and_restore(team: Team) -> None:
    task = new_task(team.bob)["id"]
    ok(team.bob.patch(f"/api/tasks/{task}", json={"project_id": team.project_id}))
    ok(team.bob.patch(f"/api/tasks/{task}", json={"archived": True}))
    ok(team.bob.patch(f"/api/tasks/{task}", json={"archived": False}))
    assert activity(team, task)[:3] == [
        ("restored", "archived", "true", "false"),
        ("archived", "archived", "false", "true"),
        ("moved", "project", None, "Apollo"),
    ]


def test_activity_of_a_deleted_actor_shows_null(team: Team) -> None:
    task = new_task(team.bob, project_id=team.project_id)["id"]
    ok(team.alice.patch(f"/api/tasks/{task}", json={"progress": 10}))
    ok(team.alice.patch(f"/api/projects/{team.project_id}/members/bob", json={"role": "owner"}))
    ok(team.admin.delete(f"/api/users/{team.uid(team.alice)}?reassign_to={team.uid(team.bob)}"), 204)
    latest = ok(team.bob.get(f"/api/tasks/{task}/activity"))["items"][0]
    assert (latest["actor"], latest["field"]) == (None, "progress")
