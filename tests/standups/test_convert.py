"""POST /api/standups/{id}/convert: chosen lines become tasks that remember their origin, all or none."""

from __future__ import annotations

from typing import Any

import httpx2
import pytest
from starlette.applications import Starlette

from tests.conftest import Actor
from tests.standups.conftest import error, filed, make_project, person


def convert(actor: Actor, standup_id: int, *items: dict[str, Any]) -> httpx2.Response:
    return actor.post(f"/api/standups/{standup_id}/convert", json={"items": list(items)})


def task_count(actor: Actor) -> int:
    return int(actor.get("/api/tasks?archived=all").json()["total"])


def test_convert_creates_tasks_with_origin_and_section_default_status(user: Actor) -> None:
    entry = filed(user, yesterday="- Shipped", blockers="- CI is red")
    response = convert(
        user, entry["id"], {"section": "blockers", "text": "Fix CI"}, {"section": "yesterday", "text": "Write notes"}
    )
    assert response.status_code == 201, response.text
    tasks = response.json()["tasks"]
    assert [(t["title"], t["status"], t["origin_standup_id"]) for t in tasks] == [
        ("Fix CI", "blocked", entry["id"]),
        ("Write notes", "todo", entry["id"]),
    ]
    assert tasks[0]["creator"]["id"] == user.user["id"]


def test_convert_shows_the_linked_tasks_on_the_standup(user: Actor) -> None:
    entry = filed(user)
    made = convert(user, entry["id"], {"section": "today", "text": "Review", "status": "in_progress"}).json()
    linked = user.get(f"/api/standups/{entry['id']}").json()["tasks"]
    assert linked == [{"id": made["tasks"][0]["id"], "title": "Review", "status": "in_progress"}]
    listed = user.get("/api/standups").json()["items"][0]["tasks"]
    assert listed == linked


def test_convert_the_same_line_twice_is_allowed(user: Actor) -> None:
    entry = filed(user)
    item = {"section": "today", "text": "Same"}
    assert convert(user, entry["id"], item).status_code == 201
    assert convert(user, entry["id"], item).status_code == 201
    assert len(user.get(f"/api/standups/{entry['id']}").json()["tasks"]) == 2


def test_convert_with_an_invalid_status_is_422_not_500_b9(user: Actor) -> None:
    """Upstream B9: the task's validation error escaped from the service as a 500."""
    entry = filed(user)
    response = convert(
        user, entry["id"], {"section": "today", "text": "Ok"}, {"section": "today", "text": "x", "status": "urgent"}
    )
    assert response.status_code == 422
    assert error(response)["detail"][0]["field"] == "items.1.status"
    assert task_count(user) == 0


@pytest.mark.parametrize(
    ("item", "field"),
    [
        ({"section": "later", "text": "x"}, "items.0.section"),
        ({"section": "today", "text": ""}, "items.0.text"),
        ({"section": "today", "text": "x" * 201}, "items.0.text"),
        ({"section": "today", "text": "x", "due_date": "soon"}, "items.0.due_date"),
        ({"section": "today", "text": "x", "progress": 50}, "items.0.progress"),
    ],
)
def test_convert_invalid_item_is_422_on_the_item_field(user: Actor, item: dict[str, Any], field: str) -> None:
    entry = filed(user)
    response = convert(user, entry["id"], item)
    assert response.status_code == 422
    assert error(response)["detail"][0]["field"] == field


@pytest.mark.parametrize("count", [0, 51])
def test_convert_needs_1_to_50_items(user: Actor, count: int) -> None:
    entry = filed(user)
    response = convert(user, entry["id"], *([{"section": "today", "text": "x"}] * count))
    assert response.status_code == 422
    assert error(response)["detail"][0]["field"] == "items"


def test_convert_unknown_assignee_is_422_naming_the_item_and_creates_nothing(user: Actor) -> None:
    entry = filed(user)
    response = convert(
        user, entry["id"], {"section": "today", "text": "First"}, {"section": "today", "text": "x", "assignee_id": 999}
    )
    assert response.status_code == 422
    assert error(response)["detail"][0]["field"] == "items.1.assignee_id"
    assert task_count(user) == 0  # the first task was rolled back with the refusal


def test_convert_lands_in_the_standups_project_unless_told_otherwise(admin: Actor, user: Actor) -> None:
    project_id = make_project(admin, member=user)
    entry = filed(user, project_id=project_id)
    tasks = convert(
        user,
        entry["id"],
        {"section": "today", "text": "In project"},
        {"section": "today", "text": "Personal", "project_id": None},
        {"section": "today", "text": "Due", "due_date": "2030-01-02", "assignee_id": user.user["id"]},
    ).json()["tasks"]
    assert [t["project"] and t["project"]["id"] for t in tasks] == [project_id, None, project_id]
    assert (tasks[2]["due_date"], tasks[2]["assignee"]["id"]) == ("2030-01-02", user.user["id"])


def test_convert_into_a_project_where_i_am_viewer_is_403_and_creates_nothing(admin: Actor, user: Actor) -> None:
    project_id = make_project(admin, viewer=user)
    entry = filed(user, project_id=project_id)  # viewers may file in the project
    response = convert(user, entry["id"], {"section": "today", "text": "x"})
    assert response.status_code == 403
    assert error(response)["code"] == "project_role_required"
    assert task_count(admin) == 0


def test_convert_into_a_project_i_cannot_see_is_404(admin: Actor, user: Actor) -> None:
    project_id = make_project(admin)
    entry = filed(user)
    assert convert(user, entry["id"], {"section": "today", "text": "x", "project_id": project_id}).status_code == 404


def test_convert_someone_elses_entry_is_403(user: Actor, other: Actor) -> None:
    entry = filed(user)
    response = convert(other, entry["id"], {"section": "today", "text": "x"})
    assert response.status_code == 403
    assert error(response)["code"] == "standup_author_required"


def test_convert_unknown_entry_is_404(user: Actor) -> None:
    assert convert(user, 999_999, {"section": "today", "text": "x"}).status_code == 404


def test_admin_converts_anyones_entry(admin: Actor, user: Actor) -> None:
    entry = filed(user)
    assert convert(admin, entry["id"], {"section": "today", "text": "For user"}).status_code == 201


def test_linked_tasks_show_only_those_the_caller_can_see(app: Starlette, admin: Actor, user: Actor) -> None:
    """A personal task converted by the author is theirs alone; a reader of the standup does not see it."""
    reader = person(app, admin, "reader")
    entry = filed(user)
    convert(user, entry["id"], {"section": "today", "text": "Private to me"})
    assert len(user.get(f"/api/standups/{entry['id']}").json()["tasks"]) == 1
    assert reader.get(f"/api/standups/{entry['id']}").json()["tasks"] == []
    assert len(admin.get(f"/api/standups/{entry['id']}").json()["tasks"]) == 1


def test_converted_tasks_are_the_authors_unless_the_item_says_so(app: Starlette, admin: Actor, user: Actor) -> None:
    entry = filed(user, today="- Mine\n- Nobody's")
    made = convert(
        user, entry["id"], {"section": "today", "text": "Mine"}, {"section": "today", "text": "x", "assignee_id": None}
    ).json()["tasks"]
    assert [t["assignee"] and t["assignee"]["id"] for t in made] == [user.user["id"], None]
    # An administrator converting someone's entry: still the author's.
    other = filed(person(app, admin, "olga"), today="- Hers")
    [task] = convert(admin, other["id"], {"section": "today", "text": "Hers"}).json()["tasks"]
    assert task["assignee"]["username"] == "olga"


def test_converted_tasks_stay_unassigned_where_the_author_only_views(app: Starlette, admin: Actor) -> None:
    viewer = person(app, admin, "vera")
    project_id = make_project(admin, viewer=viewer)
    entry = filed(viewer, today="- Look")
    response = convert(admin, entry["id"], {"section": "today", "text": "Look", "project_id": project_id})
    assert response.status_code == 201, response.text
    assert response.json()["tasks"][0]["assignee"] is None
