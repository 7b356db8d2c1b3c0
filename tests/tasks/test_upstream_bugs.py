"""The original DevCell's task bugs (shared/reference/upstream-devcell.md §7.4) do not recur."""

from __future__ import annotations

from tests.conftest import Actor
from tests.projects.conftest import error, fields, ok
from tests.tasks.conftest import Team, new_task


def test_b1_filtering_by_status_and_someone_elses_tasks_never_500s(team: Team) -> None:
    """B1: a query parameter named `status` shadowed a module, so asking for another owner's tasks gave a 500."""
    new_task(team.bob, "Bob's", project_id=team.project_id, status="blocked")
    response = team.carol.get("/api/tasks", params={"status": "blocked", "assignee": team.uid(team.bob)})
    assert response.status_code == 200
    response = team.carol.get("/api/tasks", params={"status": "blocked", "mine": "true"})
    assert response.status_code == 200
    assert fields(team.carol.get("/api/tasks", params={"status": "blocked", "owner": "bob"})) == {"query.owner"}


def test_b2_archived_tasks_can_be_listed(user: Actor) -> None:
    """B2: `is_active` defaulted to true and hid the alias the UI sent, so archived tasks never showed."""
    task = new_task(user, "Old")
    ok(user.patch(f"/api/tasks/{task['id']}", json={"archived": True}))
    assert [t["title"] for t in ok(user.get("/api/tasks", params={"archived": "true"}))["items"]] == ["Old"]
    assert ok(user.get("/api/tasks", params={"archived": "all"}))["total"] == 1


def test_b3_null_clears_the_due_date_and_makes_a_task_personal(team: Team) -> None:
    """B3: null meant "unchanged", so Clear due date did nothing and tasks could not leave a project."""
    task = new_task(team.bob, project_id=team.project_id, due_date="2030-01-01")
    cleared = ok(team.alice.patch(f"/api/tasks/{task['id']}", json={"due_date": None, "project_id": None}))
    assert (cleared["due_date"], cleared["project"]) == (None, None)


def test_b4_members_list_each_others_project_tasks(team: Team) -> None:
    """B4: the owner filter was forced for non-admins, so members never saw colleagues' project tasks."""
    new_task(team.alice, "Alice's", project_id=team.project_id)
    listed = ok(team.bob.get("/api/tasks", params={"project": team.project_id}))["items"]
    assert [t["title"] for t in listed] == ["Alice's"]


def test_b21_delete_really_deletes_and_bulk_is_one_atomic_request(user: Actor) -> None:
    """B21: the UI said "delete permanently" but the server archived; bulk was N separate PUTs."""
    task = new_task(user)
    ok(user.delete(f"/api/tasks/{task['id']}"), 204)
    assert error(user.get(f"/api/tasks/{task['id']}"), 404)["code"] == "task_not_found"
    assert ok(user.get("/api/tasks", params={"archived": "all"}))["total"] == 0
    ids = [new_task(user)["id"] for _ in range(3)]
    assert error(user.post("/api/tasks/bulk", json={"ids": [*ids, 999], "action": "archive"}), 404)
    assert ok(user.get("/api/tasks", params={"archived": "true"}))["total"] == 0
    assert ok(user.post("/api/tasks/bulk", json={"ids": ids, "action": "archive"}))["updated"] == 3
