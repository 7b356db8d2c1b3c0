"""Labels: global (administrators) and per project (owners), on tasks at create and patch, list filter, bulk add and
remove, CSV export, moves between projects, deletion."""

from __future__ import annotations

import csv
import io
from typing import Any

from tests.conftest import Actor
from tests.projects.conftest import add_member, error, fields, new_project, ok
from tests.tasks.conftest import Team, new_task

FOREIGN = "belongs to another project: a task carries global labels and labels of its own project only"


def new_label(actor: Actor, name: str, colour: str = "blue", project_id: int | None = None) -> dict[str, Any]:
    return dict(
        ok(actor.post("/api/tasks/labels", json={"name": name, "colour": colour, "project_id": project_id}), 201)
    )


def names(task: dict[str, Any]) -> list[str]:
    return [label["name"] for label in task["labels"]]


def listed(actor: Actor, **params: object) -> list[str]:
    return [task["title"] for task in ok(actor.get("/api/tasks", params={"sort": "title", **params}))["items"]]


def test_admin_creates_a_global_label_everyone_sees(team: Team) -> None:
    label = new_label(team.admin, "  Bug ", "red")
    expected = {"id": label["id"], "name": "Bug", "colour": "red", "project_id": None, "project": None}
    assert label == {**expected, "can_manage": True}
    [seen] = ok(team.dave.get("/api/tasks/labels"))["items"]
    assert seen["name"] == "Bug"
    assert seen["can_manage"] is False


def test_only_an_admin_manages_global_labels(team: Team) -> None:
    response = team.alice.post("/api/tasks/labels", json={"name": "Bug", "colour": "red"})
    assert error(response, 403)["code"] == "global_labels_forbidden"
    label = new_label(team.admin, "Bug")
    assert error(team.alice.patch(f"/api/tasks/labels/{label['id']}", json={"colour": "green"}), 403)
    assert error(team.alice.delete(f"/api/tasks/labels/{label['id']}"), 403)


def test_project_owner_manages_the_projects_labels(team: Team) -> None:
    label = new_label(team.alice, "Frontend", "teal", team.project_id)
    assert label["project"] == {"id": team.project_id, "name": "Apollo"}
    assert label["can_manage"] is True
    renamed = ok(team.alice.patch(f"/api/tasks/labels/{label['id']}", json={"name": "UI", "colour": "purple"}))
    assert (renamed["name"], renamed["colour"]) == ("UI", "purple")
    bob_sees = ok(team.bob.get("/api/tasks/labels", params={"project": team.project_id}))["items"]
    assert [(item["name"], item["can_manage"]) for item in bob_sees] == [("UI", False)]
    assert error(
        team.bob.post("/api/tasks/labels", json={"name": "X", "colour": "red", "project_id": team.project_id}), 403
    )


def test_a_projects_labels_are_hidden_from_outsiders(team: Team) -> None:
    label = new_label(team.alice, "Secret", project_id=team.project_id)
    assert ok(team.dave.get("/api/tasks/labels"))["items"] == []
    assert error(team.dave.get("/api/tasks/labels", params={"project": team.project_id}), 404)
    assert error(team.dave.patch(f"/api/tasks/labels/{label['id']}", json={"name": "Mine"}), 404)["code"] == (
        "label_not_found"
    )


def test_label_lists_by_scope(team: Team) -> None:
    new_label(team.admin, "global")
    new_label(team.alice, "apollo", project_id=team.project_id)
    other = new_project(team.admin, "Other")
    new_label(team.admin, "other", project_id=other)
    scopes = {"all": {}, "none": {"project": "none"}, "apollo": {"project": team.project_id}}
    by = {
        scope: [x["name"] for x in ok(team.bob.get("/api/tasks/labels", params=p))["items"]]
        for scope, p in scopes.items()
    }
    assert by == {"all": ["global", "apollo"], "none": ["global"], "apollo": ["global", "apollo"]}
    assert [x["name"] for x in ok(team.admin.get("/api/tasks/labels"))["items"]] == ["global", "apollo", "other"]


def test_label_names_are_unique_in_their_scope_without_case(team: Team) -> None:
    new_label(team.admin, "Bug")
    assert error(team.admin.post("/api/tasks/labels", json={"name": "BUG", "colour": "red"}), 409)["code"] == (
        "label_name_taken"
    )
    new_label(team.alice, "bug", project_id=team.project_id)  # another scope: fine
    second = new_label(team.admin, "Feature")
    assert error(team.admin.patch(f"/api/tasks/labels/{second['id']}", json={"name": "bug"}), 409)
    ok(team.admin.patch(f"/api/tasks/labels/{second['id']}", json={"name": "FEATURE"}))  # its own name, new case


def test_bad_label_input_is_422(team: Team) -> None:
    post = lambda body: team.admin.post("/api/tasks/labels", json=body)  # noqa: E731
    assert fields(post({"name": "", "colour": "red"})) == {"name"}
    assert fields(post({"name": "x" * 41, "colour": "red"})) == {"name"}
    assert fields(post({"name": "Ok", "colour": "#ff0000"})) == {"colour"}
    assert fields(post({"name": "Ok", "colour": "red", "extra": 1})) == {"extra"}
    label = new_label(team.admin, "Ok")
    assert fields(team.admin.patch(f"/api/tasks/labels/{label['id']}", json={"name": None})) == {"name"}
    assert error(team.admin.patch("/api/tasks/labels/999", json={"name": "x"}), 404)["code"] == "label_not_found"
    assert error(post({"name": "Ok", "colour": "red", "project_id": 999}), 404)["code"] == "project_not_found"


def test_task_labels_on_create_and_patch(team: Team) -> None:
    bug, ui = new_label(team.admin, "Bug", "red"), new_label(team.alice, "UI", "teal", team.project_id)
    task = new_task(team.bob, "Fix", project_id=team.project_id, label_ids=[ui["id"], bug["id"]])
    assert names(task) == ["Bug", "UI"]
    assert task["labels"][0] == {"id": bug["id"], "name": "Bug", "colour": "red", "project_id": None}
    patched = ok(team.bob.patch(f"/api/tasks/{task['id']}", json={"label_ids": [ui["id"]]}))
    assert names(patched) == ["UI"]
    assert names(ok(team.bob.get(f"/api/tasks/{task['id']}"))) == ["UI"]
    activity = ok(team.bob.get(f"/api/tasks/{task['id']}/activity"))["items"][0]
    assert (activity["field"], activity["old_value"], activity["new_value"]) == ("labels", "Bug, UI", "UI")
    assert names(ok(team.bob.patch(f"/api/tasks/{task['id']}", json={"label_ids": []}))) == []


def test_a_label_of_another_project_is_422_with_a_clear_message(team: Team) -> None:
    other = new_project(team.admin, "Other")
    foreign = new_label(team.admin, "Elsewhere", project_id=other)
    response = team.bob.post(
        "/api/tasks", json={"title": "T", "project_id": team.project_id, "label_ids": [foreign["id"]]}
    )
    detail = error(response, 422)["detail"]
    assert detail == [{"field": "label_ids", "message": f"label {foreign['id']} {FOREIGN}"}]
    personal = new_task(team.bob, "Personal")
    assert fields(team.bob.patch(f"/api/tasks/{personal['id']}", json={"label_ids": [foreign["id"]]})) == {"label_ids"}
    assert fields(team.bob.patch(f"/api/tasks/{personal['id']}", json={"label_ids": [12345]})) == {"label_ids"}
    assert fields(team.bob.patch(f"/api/tasks/{personal['id']}", json={"label_ids": None})) == {"label_ids"}


def test_a_viewer_cannot_change_labels(team: Team) -> None:
    bug = new_label(team.admin, "Bug")
    task = new_task(team.bob, "T", project_id=team.project_id)
    assert error(team.carol.patch(f"/api/tasks/{task['id']}", json={"label_ids": [bug["id"]]}), 403)


def test_moving_a_task_keeps_global_labels_and_drops_the_old_projects(team: Team) -> None:
    bug, ui = new_label(team.admin, "Bug"), new_label(team.alice, "UI", project_id=team.project_id)
    task = new_task(team.alice, "T", project_id=team.project_id, label_ids=[bug["id"], ui["id"]])
    other = new_project(team.alice, "Other")
    moved = ok(team.alice.patch(f"/api/tasks/{task['id']}", json={"project_id": other}))
    assert names(moved) == ["Bug"]


def test_moving_and_labelling_at_once_checks_the_new_project(team: Team) -> None:
    other = new_project(team.alice, "Other")
    there = new_label(team.alice, "There", project_id=other)
    task = new_task(team.alice, "T", project_id=team.project_id)
    moved = ok(team.alice.patch(f"/api/tasks/{task['id']}", json={"project_id": other, "label_ids": [there["id"]]}))
    assert names(moved) == ["There"]


def test_deleting_a_label_removes_it_from_tasks(team: Team) -> None:
    bug, ui = new_label(team.admin, "Bug"), new_label(team.alice, "UI", project_id=team.project_id)
    task = new_task(team.bob, "T", project_id=team.project_id, label_ids=[bug["id"], ui["id"]])
    ok(team.alice.delete(f"/api/tasks/labels/{ui['id']}"), 204)
    assert names(ok(team.bob.get(f"/api/tasks/{task['id']}"))) == ["Bug"]
    assert error(team.alice.delete(f"/api/tasks/labels/{ui['id']}"), 404)


def test_deleting_a_project_deletes_its_labels(team: Team) -> None:
    bug = new_label(team.admin, "Bug")
    new_label(team.alice, "UI", project_id=team.project_id)
    task = new_task(team.alice, "T", project_id=team.project_id, label_ids=[bug["id"]])
    ok(team.alice.delete(f"/api/projects/{team.project_id}", params={"tasks": "archive"}), 204)
    assert [x["name"] for x in ok(team.admin.get("/api/tasks/labels"))["items"]] == ["Bug"]
    assert names(ok(team.alice.get(f"/api/tasks/{task['id']}"))) == ["Bug"]


def test_filter_by_labels_needs_all_of_them(team: Team) -> None:
    bug, ui = new_label(team.admin, "Bug"), new_label(team.alice, "UI", project_id=team.project_id)
    new_task(team.bob, "Both", project_id=team.project_id, label_ids=[bug["id"], ui["id"]])
    new_task(team.bob, "Bug only", label_ids=[bug["id"]])
    new_task(team.bob, "None")
    assert listed(team.bob, label=bug["id"]) == ["Both", "Bug only"]
    assert listed(team.bob, label=[bug["id"], ui["id"]]) == ["Both"]
    assert ok(team.bob.get("/api/tasks", params={"label": bug["id"]}))["total"] == 2
    assert fields(team.bob.get("/api/tasks", params={"label": "bug"})) == {"query.label.0"}


def test_list_rows_carry_labels_and_checklist_counts(team: Team) -> None:
    bug = new_label(team.admin, "Bug", "red")
    task = new_task(team.bob, "T", label_ids=[bug["id"]])
    ok(team.bob.post(f"/api/tasks/{task['id']}/checklist", json={"text": "one"}), 201)
    [row] = ok(team.bob.get("/api/tasks"))["items"]
    assert names(row) == ["Bug"]
    assert (row["checklist_done"], row["checklist_total"]) == (0, 1)


def test_renaming_a_label_shows_on_tasks(team: Team) -> None:
    bug = new_label(team.admin, "Bug")
    task = new_task(team.bob, "T", label_ids=[bug["id"]])
    ok(team.admin.patch(f"/api/tasks/labels/{bug['id']}", json={"name": "Defect", "colour": "orange"}))
    [label] = ok(team.bob.get(f"/api/tasks/{task['id']}"))["labels"]
    assert label == {"id": bug["id"], "name": "Defect", "colour": "orange", "project_id": None}


def bulk(actor: Actor, ids: list[int], action: str, **body: object) -> Any:
    return actor.post("/api/tasks/bulk", json={"ids": ids, "action": action, **body})


def test_bulk_add_and_remove_a_label(team: Team) -> None:
    ui = new_label(team.alice, "UI", project_id=team.project_id)
    inside = new_task(team.bob, "Inside", project_id=team.project_id)
    personal = new_task(team.bob, "Personal")
    done = ok(bulk(team.bob, [inside["id"], personal["id"]], "add_label", label_id=ui["id"]))
    assert done["updated"] == 1
    assert done["skipped"] == [{"id": personal["id"], "reason": f"the label {FOREIGN}"}]
    assert listed(team.bob, label=ui["id"]) == ["Inside"]
    again = ok(bulk(team.bob, [inside["id"]], "add_label", label_id=ui["id"]))
    assert again == {"updated": 0, "skipped": [{"id": inside["id"], "reason": "already so"}]}
    assert ok(bulk(team.bob, [inside["id"]], "remove_label", label_id=ui["id"]))["updated"] == 1
    assert listed(team.bob, label=ui["id"]) == []


def test_bulk_label_refusals(team: Team) -> None:
    task = new_task(team.bob, "T", project_id=team.project_id)
    assert fields(bulk(team.bob, [task["id"]], "add_label")) == {"label_id"}
    assert fields(bulk(team.bob, [task["id"]], "add_label", label_id=999)) == {"label_id"}
    other = new_project(team.admin, "Other")
    hidden = new_label(team.admin, "Hidden", project_id=other)
    assert fields(bulk(team.bob, [task["id"]], "add_label", label_id=hidden["id"])) == {"label_id"}
    bug = new_label(team.admin, "Bug")
    assert error(bulk(team.carol, [task["id"]], "add_label", label_id=bug["id"]), 403)


def test_csv_export_has_a_labels_column(team: Team) -> None:
    bug, ui = new_label(team.admin, "=Bug"), new_label(team.alice, "UI", project_id=team.project_id)
    new_task(team.bob, "T", project_id=team.project_id, label_ids=[ui["id"], bug["id"]])
    response = team.bob.get("/api/tasks/export.csv", params={"label": ui["id"]})
    [row] = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"), newline="")))
    assert row["labels"] == "'=Bug, UI"


def test_a_member_of_two_projects_sees_both_projects_labels(team: Team) -> None:
    other = new_project(team.admin, "Other")
    add_member(team.admin, other, team.bob, "viewer")
    new_label(team.admin, "There", project_id=other)
    new_label(team.alice, "Here", project_id=team.project_id)
    assert [x["project"]["name"] for x in ok(team.bob.get("/api/tasks/labels"))["items"]] == ["Apollo", "Other"]
