"""Checklists: add, edit, tick, move, delete; same rights as editing the task; viewers read; counts on list rows."""

from __future__ import annotations

from typing import Any

from tests.conftest import Actor
from tests.projects.conftest import error, fields, ok
from tests.tasks.conftest import Team, new_task


def checklist(actor: Actor, task_id: int) -> dict[str, Any]:
    return dict(ok(actor.get(f"/api/tasks/{task_id}/checklist")))


def texts(actor: Actor, task_id: int) -> list[str]:
    return [item["text"] for item in checklist(actor, task_id)["items"]]


def add(actor: Actor, task_id: int, text: str) -> dict[str, Any]:
    return dict(ok(actor.post(f"/api/tasks/{task_id}/checklist", json={"text": text}), 201))


def item_path(task_id: int, item: dict[str, Any]) -> str:
    return f"/api/tasks/{task_id}/checklist/{item['id']}"


def test_items_are_added_in_order(user: Actor) -> None:
    task = new_task(user, "T")
    first = add(user, task["id"], "  Write tests ")
    assert first == {"id": first["id"], "text": "Write tests", "done": False, "position": 0}
    add(user, task["id"], "Ship")
    assert checklist(user, task["id"])["items"][1]["position"] == 1
    assert texts(user, task["id"]) == ["Write tests", "Ship"]


def test_tick_untick_and_edit(user: Actor) -> None:
    task = new_task(user, "T")
    item = add(user, task["id"], "One")
    add(user, task["id"], "Two")
    ticked = ok(user.patch(item_path(task["id"], item), json={"done": True}))
    assert ticked["done"] is True
    got = checklist(user, task["id"])
    assert (got["done"], got["total"]) == (1, 2)
    ok(user.patch(item_path(task["id"], item), json={"text": "Uno", "done": False}))
    assert checklist(user, task["id"])["items"][0] == {"id": item["id"], "text": "Uno", "done": False, "position": 0}


def test_move_an_item_up_and_down(user: Actor) -> None:
    task = new_task(user, "T")
    a, b, c = (add(user, task["id"], text) for text in "abc")
    ok(user.patch(item_path(task["id"], c), json={"position": 0}))
    assert texts(user, task["id"]) == ["c", "a", "b"]
    ok(user.patch(item_path(task["id"], c), json={"position": 2}))
    assert texts(user, task["id"]) == ["a", "b", "c"]
    ok(user.patch(item_path(task["id"], a), json={"position": 1}))
    assert [(i["text"], i["position"]) for i in checklist(user, task["id"])["items"]] == [("b", 0), ("a", 1), ("c", 2)]
    del b


def test_delete_closes_the_gap(user: Actor) -> None:
    task = new_task(user, "T")
    a, _b, _c = (add(user, task["id"], text) for text in "abc")
    ok(user.delete(item_path(task["id"], a)), 204)
    assert [(i["text"], i["position"]) for i in checklist(user, task["id"])["items"]] == [("b", 0), ("c", 1)]
    assert error(user.delete(item_path(task["id"], a)), 404)["code"] == "checklist_item_not_found"


def test_bad_input_is_422(user: Actor) -> None:
    task = new_task(user, "T")
    path = f"/api/tasks/{task['id']}/checklist"
    assert fields(user.post(path, json={"text": ""})) == {"text"}
    assert fields(user.post(path, json={"text": "   "})) == {"text"}
    assert fields(user.post(path, json={"text": "x" * 501})) == {"text"}
    assert fields(user.post(path, json={})) == {"text"}
    item = add(user, task["id"], "x" * 500)
    assert fields(user.patch(item_path(task["id"], item), json={"position": 1})) == {"position"}
    assert fields(user.patch(item_path(task["id"], item), json={"position": -1})) == {"position"}
    assert fields(user.patch(item_path(task["id"], item), json={"done": None})) == {"done"}
    assert fields(user.patch(item_path(task["id"], item), json={"text": "ok", "extra": 1})) == {"extra"}


def test_a_checklist_holds_at_most_100_items(user: Actor) -> None:
    task = new_task(user, "T")
    for n in range(100):
        add(user, task["id"], f"Item {n}")
    assert fields(user.post(f"/api/tasks/{task['id']}/checklist", json={"text": "one more"})) == {"text"}


def test_an_item_of_another_task_is_404(user: Actor) -> None:
    one, two = new_task(user, "One"), new_task(user, "Two")
    item = add(user, one["id"], "a")
    assert error(user.patch(item_path(two["id"], item), json={"done": True}), 404)["code"] == (
        "checklist_item_not_found"
    )


def test_viewers_read_and_outsiders_see_nothing(team: Team) -> None:
    task = new_task(team.bob, "T", project_id=team.project_id)
    item = add(team.bob, task["id"], "a")
    assert texts(team.carol, task["id"]) == ["a"]
    assert error(team.carol.post(f"/api/tasks/{task['id']}/checklist", json={"text": "b"}), 403)
    assert error(team.carol.patch(item_path(task["id"], item), json={"done": True}), 403)
    assert error(team.dave.get(f"/api/tasks/{task['id']}/checklist"), 404)["code"] == "task_not_found"
    assert error(team.dave.delete(item_path(task["id"], item)), 404)["code"] == "task_not_found"
    assert error(team.bob.get("/api/tasks/99999/checklist"), 404)["code"] == "task_not_found"


def test_changes_show_in_the_activity_and_the_list(user: Actor) -> None:
    task = new_task(user, "T")
    item = add(user, task["id"], "Deploy")
    ok(user.patch(item_path(task["id"], item), json={"done": True}))
    actions = [
        (a["action"], a["field"], a["new_value"]) for a in ok(user.get(f"/api/tasks/{task['id']}/activity"))["items"]
    ]
    assert actions[:2] == [("checked", "checklist", "Deploy"), ("updated", "checklist", "Deploy")]
    row = ok(user.get(f"/api/tasks/{task['id']}"))
    assert (row["checklist_done"], row["checklist_total"]) == (1, 1)
    assert row["updated_at"] > task["updated_at"]


def test_deleting_the_task_deletes_its_checklist(user: Actor) -> None:
    task = new_task(user, "T")
    add(user, task["id"], "a")
    ok(user.delete(f"/api/tasks/{task['id']}"), 204)
    assert error(user.get(f"/api/tasks/{task['id']}/checklist"), 404)
