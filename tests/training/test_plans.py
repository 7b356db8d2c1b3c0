"""Plans and their units: store, read, list per project, rename, edit units, delete; what happens to plans when
their project or their creator goes."""

from __future__ import annotations

from tests.conftest import Actor
from tests.projects.conftest import error, fields, new_project, ok
from tests.training.conftest import UNITS, Team, new_plan


def test_create_returns_the_plan_with_units_in_week_order(team: Team) -> None:
    units = [UNITS[3], UNITS[0], UNITS[2], UNITS[1]]  # weeks 3, 1, 2, 1
    plan = new_plan(team.bob, team.project_id, units=units)
    assert plan["project"] == {"id": team.project_id, "name": "Apollo"}
    assert plan["created_by"]["username"] == "bob"
    assert plan["can_edit"] is True
    assert [(u["week"], u["title"]) for u in plan["units"]] == [
        (1, "Install the package"),
        (1, "Create the first admin"),
        (2, "Back up to a USB disk"),
        (3, "Restore drill"),
    ]
    assert all(u["task_id"] is None and u["task_status"] is None for u in plan["units"])
    assert plan["progress"] == [
        {"week": 1, "units": 2, "seeded": 0, "done": 0, "in_progress": 0},
        {"week": 2, "units": 1, "seeded": 0, "done": 0, "in_progress": 0},
        {"week": 3, "units": 1, "seeded": 0, "done": 0, "in_progress": 0},
    ]
    assert ok(team.carol.get(f"/api/training/plans/{plan['id']}")) == {**plan, "can_edit": False}


def test_create_validates_units(team: Team) -> None:
    body = {"project_id": team.project_id, "title": "Bad", "units": [{**UNITS[0], "week": 0}, {"title": ""}]}
    assert fields(team.bob.post("/api/training/plans", json=body)) == {"units.0.week", "units.1.title", "units.1.week"}
    empty = {"project_id": team.project_id, "title": "Empty", "units": []}
    assert fields(team.bob.post("/api/training/plans", json=empty)) == {"units"}
    too_many = {"project_id": team.project_id, "title": "Huge", "units": [UNITS[0]] * 501}
    assert fields(team.bob.post("/api/training/plans", json=too_many)) == {"units"}


def test_list_is_per_project_and_only_what_i_can_see(team: Team) -> None:
    other = new_project(team.dave, "Dave's lab")
    new_plan(team.bob, team.project_id, "Apollo ops")
    new_plan(team.dave, other, "Lab ops")
    assert [p["title"] for p in ok(team.carol.get("/api/training/plans"))["items"]] == ["Apollo ops"]
    assert [p["title"] for p in ok(team.dave.get("/api/training/plans"))["items"]] == ["Lab ops"]
    assert ok(team.admin.get("/api/training/plans"))["total"] == 2
    only = ok(team.admin.get(f"/api/training/plans?project={other}"))
    assert [p["title"] for p in only["items"]] == ["Lab ops"]
    assert error(team.carol.get(f"/api/training/plans?project={other}"), 404)["code"] == "project_not_found"


def test_list_summaries_count_units_weeks_and_pages(team: Team) -> None:
    for n in range(3):
        new_plan(team.bob, team.project_id, f"Plan {n}")
    page = ok(team.bob.get(f"/api/training/plans?project={team.project_id}&limit=2&offset=0"))
    assert page["total"] == 3
    assert page["limit"] == 2
    assert [p["title"] for p in page["items"]] == ["Plan 2", "Plan 1"]  # newest change first
    assert {k: page["items"][0][k] for k in ("units", "weeks", "seeded", "done")} == {
        "units": 4,
        "weeks": 3,
        "seeded": 0,
        "done": 0,
    }
    assert error(team.bob.get("/api/training/plans?colour=red"), 422)["code"] == "validation_failed"


def test_rename(team: Team) -> None:
    plan = new_plan(team.bob, team.project_id)
    renamed = ok(team.bob.patch(f"/api/training/plans/{plan['id']}", json={"title": "Ops, take two"}))
    assert renamed["title"] == "Ops, take two"
    assert fields(team.bob.patch(f"/api/training/plans/{plan['id']}", json={"title": None})) == {"title"}


def test_unit_add_edit_remove(team: Team) -> None:
    plan = new_plan(team.bob, team.project_id)
    path = f"/api/training/plans/{plan['id']}/units"
    added = ok(team.bob.post(path, json={"title": "Upgrade drill", "week": 2, "priority": "high"}), 201)
    assert added["description"] == ""
    assert added["task_id"] is None
    changed = ok(team.bob.patch(f"{path}/{added['id']}", json={"week": 4, "description": "On the spare Pi."}))
    assert (changed["week"], changed["description"], changed["title"]) == (4, "On the spare Pi.", "Upgrade drill")
    assert fields(team.bob.patch(f"{path}/{added['id']}", json={"week": 105})) == {"week"}
    assert fields(team.bob.patch(f"{path}/{added['id']}", json={"priority": None})) == {"priority"}
    assert [w["week"] for w in ok(team.bob.get(f"/api/training/plans/{plan['id']}"))["progress"]] == [1, 2, 3, 4]
    assert team.bob.delete(f"{path}/{added['id']}").status_code == 204
    assert len(ok(team.bob.get(f"/api/training/plans/{plan['id']}"))["units"]) == 4
    assert error(team.bob.delete(f"{path}/{added['id']}"), 404)["code"] == "training_unit_not_found"


def test_a_unit_of_another_plan_is_404(team: Team) -> None:
    first, second = new_plan(team.bob, team.project_id), new_plan(team.bob, team.project_id)
    unit_id = first["units"][0]["id"]
    response = team.bob.patch(f"/api/training/plans/{second['id']}/units/{unit_id}", json={"week": 2})
    assert error(response, 404)["code"] == "training_unit_not_found"


def test_a_plan_holds_at_most_500_units(team: Team) -> None:
    plan = new_plan(team.bob, team.project_id, units=[UNITS[0]] * 500)
    response = team.bob.post(f"/api/training/plans/{plan['id']}/units", json=UNITS[1])
    assert error(response, 422)["code"] == "training_plan_full"


def test_delete_plan(team: Team) -> None:
    plan = new_plan(team.bob, team.project_id)
    assert team.bob.delete(f"/api/training/plans/{plan['id']}").status_code == 204
    assert error(team.bob.get(f"/api/training/plans/{plan['id']}"), 404)["code"] == "training_plan_not_found"


def test_missing_plan_and_invisible_plan_answer_alike(team: Team) -> None:
    plan = new_plan(team.bob, team.project_id)
    invisible = error(team.dave.get(f"/api/training/plans/{plan['id']}"), 404)
    missing = error(team.dave.get("/api/training/plans/9999"), 404)
    assert invisible["code"] == missing["code"] == "training_plan_not_found"


def test_deleting_the_project_deletes_its_plans(team: Team) -> None:
    plan = new_plan(team.bob, team.project_id)
    assert team.alice.delete(f"/api/projects/{team.project_id}?tasks=delete").status_code == 204
    assert error(team.admin.get(f"/api/training/plans/{plan['id']}"), 404)["code"] == "training_plan_not_found"


def test_deleting_the_creator_hands_plans_over(team: Team, admin: Actor) -> None:
    plan = new_plan(team.bob, team.project_id)
    bob_id, alice_id = team.uid(team.bob), team.uid(team.alice)
    refused = error(admin.delete(f"/api/users/{bob_id}"), 409)
    assert "training plans" in refused["message"]
    assert admin.delete(f"/api/users/{bob_id}?reassign_to={alice_id}").status_code == 204
    assert ok(admin.get(f"/api/training/plans/{plan['id']}"))["created_by"]["username"] == "alice"
