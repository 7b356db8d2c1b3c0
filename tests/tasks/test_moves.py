"""Moving a task between scopes (issue #13, finding 1): a move is a delete from the old scope, so only an owner of
the task's project (or an administrator) may take a task out of it, and the mover needs the member role in the
target. A personal task moves into a project only by its creator (or an administrator)."""

from __future__ import annotations

from typing import Any

from tests.conftest import Actor
from tests.projects.conftest import add_member, error, new_project, ok
from tests.tasks.conftest import Team, new_task


def move(actor: Actor, task_id: int, project_id: int | None) -> Any:
    return actor.patch(f"/api/tasks/{task_id}", json={"project_id": project_id})


def bulk_move(actor: Actor, ids: list[int], project_id: int | None) -> Any:
    return actor.post("/api/tasks/bulk", json={"ids": ids, "action": "move", "project_id": project_id})


def project_of(actor: Actor, task_id: int) -> Any:
    return (ok(actor.get(f"/api/tasks/{task_id}"))["project"] or {}).get("id")


def test_a_member_cannot_take_someone_elses_task_out_of_the_project(team: Team) -> None:
    task = new_task(team.alice, project_id=team.project_id, assignee_id=team.uid(team.bob))["id"]
    refused = error(move(team.bob, task, None), 403)
    assert refused["code"] == "task_move_forbidden"
    assert "only an owner of the project or an administrator" in refused["message"]
    assert project_of(team.alice, task) == project_of(team.carol, task) == team.project_id


def test_a_member_cannot_take_even_their_own_task_out_of_the_project(team: Team) -> None:
    task = new_task(team.bob, project_id=team.project_id)["id"]
    assert error(move(team.bob, task, None), 403)["code"] == "task_move_forbidden"
    assert project_of(team.carol, task) == team.project_id


def test_a_member_cannot_move_a_task_to_another_project_they_belong_to(team: Team) -> None:
    task = new_task(team.bob, project_id=team.project_id)["id"]
    other = new_project(team.bob, "Bob's own")
    assert error(move(team.bob, task, other), 403)["code"] == "task_move_forbidden"
    assert project_of(team.alice, task) == team.project_id


def test_the_owner_may_move_a_task_out_to_its_creator(team: Team) -> None:
    """The task becomes a personal task of its creator and assignee, as when a project is archived away."""
    task = new_task(team.bob, project_id=team.project_id)["id"]
    assert ok(move(team.alice, task, None))["project"] is None
    assert project_of(team.bob, task) is None
    assert error(team.carol.get(f"/api/tasks/{task}"), 404)["code"] == "task_not_found"


def test_the_owner_needs_the_member_role_in_the_target(team: Team) -> None:
    task = new_task(team.alice, project_id=team.project_id)["id"]
    target = new_project(team.dave, "Dave's")
    assert error(move(team.alice, task, target), 404)["code"] == "project_not_found"
    add_member(team.dave, target, team.alice, "viewer")
    assert error(move(team.alice, task, target), 403)["code"] == "project_role_required"
    ok(team.dave.patch(f"/api/projects/{target}/members/alice", json={"role": "member"}))
    assert ok(move(team.alice, task, target))["project"]["id"] == target


def test_an_administrator_may_move_any_task(team: Team) -> None:
    task = new_task(team.bob, project_id=team.project_id)["id"]
    other = new_project(team.dave, "Dave's")
    assert ok(move(team.admin, task, other))["project"]["id"] == other
    assert ok(move(team.admin, task, None))["project"] is None


def test_a_personal_task_moves_into_a_project_by_its_creator(team: Team) -> None:
    task = new_task(team.bob)["id"]
    assert ok(move(team.bob, task, team.project_id))["project"]["id"] == team.project_id


def test_the_assignee_of_a_personal_task_cannot_move_it_away_from_its_creator(team: Team) -> None:
    task = new_task(team.dave, assignee_id=team.uid(team.bob))["id"]
    assert error(move(team.bob, task, team.project_id), 403)["code"] == "task_move_forbidden"
    assert project_of(team.dave, task) is None


def test_bulk_move_out_of_a_project_is_refused_for_a_member_and_changes_nothing(team: Team) -> None:
    personal = new_task(team.bob)["id"]
    theirs = new_task(team.alice, project_id=team.project_id)["id"]
    refused = error(bulk_move(team.bob, [personal, theirs], None), 403)
    assert (refused["code"], refused["detail"]["task_id"]) == ("task_move_forbidden", theirs)
    assert project_of(team.carol, theirs) == team.project_id


def test_bulk_move_to_another_project_is_refused_for_a_member(team: Team) -> None:
    task = new_task(team.bob, project_id=team.project_id)["id"]
    other = new_project(team.bob, "Bob's own")
    assert error(bulk_move(team.bob, [task], other), 403)["code"] == "task_move_forbidden"
    assert project_of(team.alice, task) == team.project_id


def test_bulk_move_by_the_owner_reports_what_it_moved(team: Team) -> None:
    moved = new_task(team.bob, project_id=team.project_id)["id"]
    already = new_task(team.alice)["id"]
    body = ok(bulk_move(team.alice, [moved, already], None))
    assert body == {"updated": 1, "skipped": [{"id": already, "reason": "already so"}]}
    assert project_of(team.bob, moved) is None
