"""Seeding tasks from units: one task per unit in the plan's project with the right due date, nothing twice,
and progress per week from the tasks' status."""

from __future__ import annotations

from datetime import date
from typing import Any

from devcell.training._seed import due_date
from tests.conftest import Actor
from tests.projects.conftest import error, fields, new_project, ok
from tests.training.conftest import Team, new_plan

START = "2026-03-02"  # a Monday


def seed(actor: Actor, plan: dict[str, Any], unit_ids: list[int], **body: object) -> Any:
    payload = {"unit_ids": unit_ids, "start_date": START, **body}
    return actor.post(f"/api/training/plans/{plan['id']}/seed", json=payload)


def ids(plan: dict[str, Any]) -> list[int]:
    return [unit["id"] for unit in plan["units"]]


def test_due_date_is_the_last_day_of_the_units_week() -> None:
    assert due_date(date(2026, 3, 2), 1) == date(2026, 3, 8)
    assert due_date(date(2026, 3, 2), 3) == date(2026, 3, 22)
    assert due_date(date(2026, 12, 28), 2) == date(2027, 1, 10)


def test_seeding_creates_one_task_per_unit_in_the_project(team: Team) -> None:
    plan = new_plan(team.bob, team.project_id)
    body = ok(seed(team.bob, plan, ids(plan), assignee_id=team.uid(team.bob)), 201)
    assert body["skipped"] == []
    assert [(c["title"], c["due_date"]) for c in body["created"]] == [
        ("Install the package", "2026-03-08"),
        ("Create the first admin", "2026-03-08"),
        ("Back up to a USB disk", "2026-03-15"),
        ("Restore drill", "2026-03-22"),
    ]
    task = ok(team.carol.get(f"/api/tasks/{body['created'][3]['task_id']}"))
    assert task["project"]["id"] == team.project_id
    assert task["priority"] == "urgent"
    assert task["assignee"]["username"] == "bob"
    assert task["creator"]["username"] == "bob"
    assert task["description"] == (
        f"Restore on a spare machine.\n\nFrom the training plan [Ops basics](/training/{plan['id']}), week 3."
    )
    units = ok(team.bob.get(f"/api/training/plans/{plan['id']}"))["units"]
    assert [(u["task_id"], u["task_status"], u["task_due_date"]) for u in units] == [
        (c["task_id"], "todo", c["due_date"]) for c in body["created"]
    ]


def test_seeding_again_skips_seeded_units_with_the_reason(team: Team) -> None:
    plan = new_plan(team.bob, team.project_id)
    first = ok(seed(team.bob, plan, ids(plan)[:2]), 201)
    again = ok(seed(team.bob, plan, ids(plan)), 201)
    assert [c["unit_id"] for c in again["created"]] == ids(plan)[2:]
    assert again["skipped"] == [
        {"unit_id": c["unit_id"], "task_id": c["task_id"], "reason": f"already seeded as task #{c['task_id']}"}
        for c in first["created"]
    ]
    assert ok(team.bob.get(f"/api/tasks?project={team.project_id}"))["total"] == 4


def test_a_unit_listed_twice_is_seeded_once_and_strangers_are_skipped(team: Team) -> None:
    plan, other = new_plan(team.bob, team.project_id), new_plan(team.bob, team.project_id)
    unit = ids(plan)[0]
    body = ok(seed(team.bob, plan, [unit, unit, ids(other)[0]]), 201)
    assert [c["unit_id"] for c in body["created"]] == [unit]
    assert body["skipped"] == [{"unit_id": ids(other)[0], "task_id": None, "reason": "not a unit of this plan"}]


def test_a_deleted_task_can_be_seeded_again(team: Team) -> None:
    plan = new_plan(team.bob, team.project_id)
    task_id = ok(seed(team.bob, plan, ids(plan)[:1]), 201)["created"][0]["task_id"]
    assert team.alice.delete(f"/api/tasks/{task_id}").status_code == 204
    assert ok(team.bob.get(f"/api/training/plans/{plan['id']}"))["units"][0]["task_id"] is None
    [again] = ok(seed(team.bob, plan, ids(plan)[:1]), 201)["created"]
    assert ok(team.bob.get(f"/api/tasks/{again['task_id']}"))["title"] == "Install the package"
    assert ok(team.bob.get(f"/api/training/plans/{plan['id']}"))["units"][0]["task_id"] == again["task_id"]


def test_a_task_moved_out_of_sight_still_counts_as_seeded(team: Team) -> None:
    plan = new_plan(team.bob, team.project_id)
    task_id = ok(seed(team.bob, plan, ids(plan)[:1]), 201)["created"][0]["task_id"]
    elsewhere = new_project(team.alice, "Hidden")
    ok(team.alice.patch(f"/api/tasks/{task_id}", json={"project_id": elsewhere}))
    assert ok(team.bob.get(f"/api/training/plans/{plan['id']}"))["units"][0]["task_id"] is None  # bob cannot see it
    again = ok(seed(team.bob, plan, ids(plan)[:1]), 201)
    assert again == {
        "created": [],
        "skipped": [{"unit_id": ids(plan)[0], "task_id": None, "reason": "already seeded as a task you cannot see"}],
    }


def test_an_assignee_outside_the_project_refuses_the_whole_seed(team: Team) -> None:
    plan = new_plan(team.bob, team.project_id)
    assert fields(seed(team.bob, plan, ids(plan), assignee_id=team.uid(team.dave))) == {"assignee_id"}
    assert all(u["task_id"] is None for u in ok(team.bob.get(f"/api/training/plans/{plan['id']}"))["units"])
    assert ok(team.bob.get(f"/api/tasks?project={team.project_id}"))["total"] == 0


def test_seed_input_is_validated(team: Team) -> None:
    plan = new_plan(team.bob, team.project_id)
    assert fields(seed(team.bob, plan, [])) == {"unit_ids"}
    assert fields(seed(team.bob, plan, ids(plan), start_date="next monday")) == {"start_date"}


def test_viewer_cannot_seed(team: Team) -> None:
    plan = new_plan(team.bob, team.project_id)
    assert error(seed(team.carol, plan, ids(plan)), 403)["code"] == "project_role_required"


def test_progress_per_week_follows_the_tasks(team: Team) -> None:
    plan = new_plan(team.bob, team.project_id)
    created = ok(seed(team.bob, plan, ids(plan)[:3]), 201)["created"]
    ok(team.bob.patch(f"/api/tasks/{created[0]['task_id']}", json={"status": "done"}))
    ok(team.bob.patch(f"/api/tasks/{created[1]['task_id']}", json={"status": "in_progress"}))
    ok(team.bob.patch(f"/api/tasks/{created[2]['task_id']}", json={"status": "done"}))
    got = ok(team.carol.get(f"/api/training/plans/{plan['id']}"))["progress"]
    assert got == [
        {"week": 1, "units": 2, "seeded": 2, "done": 1, "in_progress": 1},
        {"week": 2, "units": 1, "seeded": 1, "done": 1, "in_progress": 0},
        {"week": 3, "units": 1, "seeded": 0, "done": 0, "in_progress": 0},
    ]
    summary = ok(team.carol.get(f"/api/training/plans?project={team.project_id}"))["items"][0]
    assert (summary["units"], summary["weeks"], summary["seeded"], summary["done"]) == (4, 3, 3, 2)


def test_deleting_the_plan_keeps_its_tasks(team: Team) -> None:
    plan = new_plan(team.bob, team.project_id)
    task_id = ok(seed(team.bob, plan, ids(plan)[:1]), 201)["created"][0]["task_id"]
    assert team.bob.delete(f"/api/training/plans/{plan['id']}").status_code == 204
    assert ok(team.bob.get(f"/api/tasks/{task_id}"))["title"] == "Install the package"
