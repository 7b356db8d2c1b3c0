"""The task list: visibility of personal and project tasks, every filter, sorting and pagination."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from devcell.core.config import Config
from devcell.tasks.routes import LIST_CACHE
from devcell.tasks.schemas import TaskPage
from tests.accounts.conftest import run_elsewhere
from tests.conftest import Actor
from tests.projects.conftest import add_member, error, fields, new_project, ok
from tests.tasks.conftest import Team, new_task


def titles(actor: Actor, **params: Any) -> list[str]:
    return [t["title"] for t in ok(actor.get("/api/tasks", params=params))["items"]]


def day(offset: int) -> str:
    return (date.today() + timedelta(days=offset)).isoformat()


# Visibility


def test_personal_tasks_are_seen_by_creator_and_assignee_only(team: Team) -> None:
    new_task(team.bob, "Bob's", assignee_id=team.uid(team.carol))
    assert titles(team.bob) == ["Bob's"]
    assert titles(team.carol) == ["Bob's"]
    assert titles(team.dave) == []
    assert titles(team.alice) == []
    assert titles(team.admin) == ["Bob's"]


def test_project_tasks_are_seen_by_every_member(team: Team) -> None:
    new_task(team.alice, "Shared", project_id=team.project_id)
    for actor in (team.alice, team.bob, team.carol, team.admin):
        assert titles(actor) == ["Shared"]
    assert titles(team.dave) == []


def test_members_see_each_others_tasks_in_a_project(team: Team) -> None:
    """B4: the original forced an owner filter, so members never saw each other's project tasks."""
    new_task(team.alice, "Alice's", project_id=team.project_id)
    new_task(team.bob, "Bob's", project_id=team.project_id)
    assert sorted(titles(team.carol, project=team.project_id)) == ["Alice's", "Bob's"]


def test_can_edit_per_row(team: Team) -> None:
    new_task(team.bob, "Project", project_id=team.project_id)
    new_task(team.bob, "Personal", assignee_id=team.uid(team.carol))
    rows = {t["title"]: t["can_edit"] for t in ok(team.carol.get("/api/tasks"))["items"]}
    assert rows == {"Project": False, "Personal": True}


def test_project_filter_on_an_invisible_project_is_404(team: Team) -> None:
    assert error(team.dave.get("/api/tasks", params={"project": team.project_id}), 404)["code"] == "project_not_found"
    assert error(team.dave.get("/api/tasks", params={"project": 999}), 404)["code"] == "project_not_found"


def test_leaving_a_project_hides_its_tasks(team: Team) -> None:
    new_task(team.alice, "Shared", project_id=team.project_id)
    ok(team.carol.delete(f"/api/projects/{team.project_id}/members/carol"), 204)
    assert titles(team.carol) == []


# Filters


def test_filter_mine(team: Team) -> None:
    new_task(team.alice, "Alice's", project_id=team.project_id)
    new_task(team.alice, "For Bob", project_id=team.project_id, assignee_id=team.uid(team.bob))
    new_task(team.bob, "By Bob", project_id=team.project_id)
    assert sorted(titles(team.bob, mine="true")) == ["By Bob", "For Bob"]


def test_filter_assignee_and_unassigned(team: Team) -> None:
    new_task(team.alice, "Bob's", project_id=team.project_id, assignee_id=team.uid(team.bob))
    new_task(team.alice, "Nobody's", project_id=team.project_id)
    assert titles(team.alice, assignee=team.uid(team.bob)) == ["Bob's"]
    assert titles(team.alice, assignee="none") == ["Nobody's"]


def test_filter_project_and_personal(team: Team) -> None:
    new_task(team.bob, "In Apollo", project_id=team.project_id)
    new_task(team.bob, "Personal")
    assert titles(team.bob, project=team.project_id) == ["In Apollo"]
    assert titles(team.bob, project="none") == ["Personal"]


def test_filter_status_and_priority_repeatable(user: Actor) -> None:
    new_task(user, "A", status="todo", priority="low")
    new_task(user, "B", status="blocked", priority="high")
    new_task(user, "C", status="done", priority="urgent")
    assert sorted(titles(user, status=["todo", "blocked"])) == ["A", "B"]
    assert titles(user, status="done") == ["C"]
    assert sorted(titles(user, priority=["high", "urgent"])) == ["B", "C"]


def test_filter_text_is_literal_and_case_insensitive(user: Actor) -> None:
    new_task(user, "Fix 50% of it")
    new_task(user, "Other", description="Mentions the FIREWALL")
    new_task(user, "Fix 500 things")
    assert titles(user, q="50%") == ["Fix 50% of it"]
    assert titles(user, q="firewall") == ["Other"]


def test_filter_text_folds_every_letter(user: Actor) -> None:
    """A team that writes German or French: "über" finds "Über", as on PostgreSQL (SQLite's lower() folds ASCII)."""
    new_task(user, "Über die Brücke")
    new_task(user, "Réunion d'ÉQUIPE", description="Ordre du jour: ÉTÉ")
    new_task(user, "Uber ride")
    assert titles(user, q="über") == ["Über die Brücke"]
    assert titles(user, q="BRÜCKE") == ["Über die Brücke"]
    assert titles(user, q="équipe") == ["Réunion d'ÉQUIPE"]
    assert titles(user, q="été") == ["Réunion d'ÉQUIPE"]  # in the description
    assert titles(user, q="uber") == ["Uber ride"]  # an ASCII needle never equals Ü


def test_filter_due_range_and_overdue(user: Actor) -> None:
    new_task(user, "Past", due_date=day(-3))
    new_task(user, "Past done", due_date=day(-3), status="done")
    new_task(user, "Soon", due_date=day(2))
    new_task(user, "Undated")
    assert sorted(titles(user, due_before=day(2))) == ["Past", "Past done", "Soon"]
    assert titles(user, due_after=day(0)) == ["Soon"]
    assert titles(user, due_after=day(-3), due_before=day(-3), status="todo") == ["Past"]
    assert titles(user, overdue="true") == ["Past"]


def test_filter_archived(user: Actor) -> None:
    new_task(user, "Live")
    gone = new_task(user, "Gone")
    ok(user.patch(f"/api/tasks/{gone['id']}", json={"archived": True}))
    assert titles(user) == ["Live"]
    assert titles(user, archived="true") == ["Gone"]
    assert sorted(titles(user, archived="all")) == ["Gone", "Live"]


def test_filter_origin_standup(user: Actor) -> None:
    new_task(user, "Plain")
    assert titles(user, origin_standup=1) == []


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"status": "closed"}, "query.status.0"),
        ({"priority": "asap"}, "query.priority.0"),
        ({"assignee": "someone"}, "query.assignee"),
        ({"project": "all"}, "query.project"),
        ({"due_before": "soon"}, "query.due_before"),
        ({"archived": "maybe"}, "query.archived"),
        ({"sort": "random"}, "query.sort"),
        ({"limit": 0}, "query.limit"),
        ({"limit": 201}, "query.limit"),
        ({"offset": -1}, "query.offset"),
        ({"owner": "x"}, "query.owner"),
    ],
)
def test_list_refuses_invalid_parameters(user: Actor, params: dict[str, object], field: str) -> None:
    assert any(f.startswith(field) for f in fields(user.get("/api/tasks", params=params)))


# Sorting and pagination


def test_default_sort_is_recently_updated_first(user: Actor) -> None:
    first, _second = new_task(user, "First"), new_task(user, "Second")
    ok(user.patch(f"/api/tasks/{first['id']}", json={"progress": 5}))
    assert titles(user) == ["First", "Second"]


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("title", ["alpha", "Bravo", "charlie"]),
        ("priority", ["Bravo", "alpha", "charlie"]),
        ("-priority", ["charlie", "alpha", "Bravo"]),
        ("due", ["charlie", "alpha", "Bravo"]),
        ("-due", ["alpha", "charlie", "Bravo"]),
        ("created", ["alpha", "Bravo", "charlie"]),
        ("-created", ["charlie", "Bravo", "alpha"]),
        ("status", ["Bravo", "charlie", "alpha"]),
        ("updated", ["alpha", "Bravo", "charlie"]),
    ],
)
def test_sort(user: Actor, sort: str, expected: list[str]) -> None:
    new_task(user, "alpha", priority="normal", due_date=day(5), status="done")
    new_task(user, "Bravo", priority="low", status="todo")
    new_task(user, "charlie", priority="urgent", due_date=day(1), status="in_progress")
    assert titles(user, sort=sort) == expected


def test_pagination_with_total(user: Actor) -> None:
    for n in range(5):
        new_task(user, f"T{n}")
    page = ok(user.get("/api/tasks", params={"limit": 2, "offset": 2, "sort": "title"}))
    TaskPage.model_validate(page)
    assert ([t["title"] for t in page["items"]], page["total"], page["limit"], page["offset"]) == (
        ["T2", "T3"],
        5,
        2,
        2,
    )


def test_comment_count_and_admin_sees_every_project(team: Team) -> None:
    other = new_project(team.dave, "Dave's")
    add_member(team.dave, other, team.bob, "viewer")
    task = new_task(team.dave, "Dave's task", project_id=other)
    ok(team.dave.post(f"/api/tasks/{task['id']}/comments", json={"body": "one"}), 201)
    ok(team.dave.post(f"/api/tasks/{task['id']}/comments", json={"body": "two"}), 201)
    row = ok(team.bob.get("/api/tasks"))["items"][0]
    assert (row["title"], row["comment_count"], row["can_edit"]) == ("Dave's task", 2, False)
    assert titles(team.admin) == ["Dave's task"]


# The list is served from core.cache.ReadCache while nothing changes: it must never show a replaced answer.


def test_list_shows_a_change_made_right_after_it_was_served(team: Team) -> None:
    task = new_task(team.bob, "Before", project_id=team.project_id)
    assert titles(team.carol, project=team.project_id) == ["Before"]
    ok(team.bob.patch(f"/api/tasks/{task['id']}", json={"title": "After"}))
    assert titles(team.carol, project=team.project_id) == ["After"]


def test_list_shows_a_change_made_by_another_process(team: Team, config: Config) -> None:
    task = new_task(team.bob, "Before", project_id=team.project_id)
    assert titles(team.carol, project=team.project_id) == ["Before"]
    run_elsewhere(config, "UPDATE task SET title = 'Edited elsewhere' WHERE id = ?", task["id"])
    assert titles(team.carol, project=team.project_id) == ["Edited elsewhere"]


def test_list_answers_depend_on_who_asks(team: Team) -> None:
    new_task(team.bob, "Mine", project_id=team.project_id)
    assert titles(team.bob, project=team.project_id) == ["Mine"]
    response = team.dave.get("/api/tasks", params={"project": team.project_id})
    assert response.status_code == 404  # the outsider does not get the member's cached page


def test_list_loses_access_at_once_when_removed_from_the_project(team: Team) -> None:
    new_task(team.bob, "Secret", project_id=team.project_id)
    assert titles(team.carol, project=team.project_id) == ["Secret"]
    ok(team.alice.delete(f"/api/projects/{team.project_id}/members/carol"), 204)
    assert team.carol.get("/api/tasks", params={"project": team.project_id}).status_code == 404


def test_an_invalid_list_query_is_refused_every_time_and_never_cached(team: Team) -> None:
    new_task(team.bob, "Listed")
    misses, hits = LIST_CACHE.misses, LIST_CACHE.hits
    for _ in range(2):
        assert fields(team.bob.get("/api/tasks", params={"limit": "many"})) == {"query.limit"}
    assert (LIST_CACHE.misses, LIST_CACHE.hits) == (misses, hits)  # refused before the cache was asked
    assert titles(team.bob) == ["Listed"]
