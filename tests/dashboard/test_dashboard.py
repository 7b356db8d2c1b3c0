"""GET /api/dashboard: my day across standups, tasks and projects; only what I may see."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from starlette.applications import Starlette

from devcell.standups import _days
from tests.conftest import USER_PASSWORD, Actor, create_user, sign_in
from tests.dashboard.conftest import Sql, dashboard, new_project, new_task


def utc_today() -> date:
    return datetime.now(UTC).date()


def in_days(n: int) -> str:
    return (utc_today() + timedelta(days=n)).isoformat()


def test_dashboard_of_a_new_user(user: Actor) -> None:
    body = dashboard(user)
    today = utc_today()
    assert body["today"] == today.isoformat()
    assert body["standup"] == {"filed": False, "id": None, "day": today.isoformat()}
    assert body["my_tasks"] == {"todo": 0, "in_progress": 0, "blocked": 0, "done_recent": 0}
    assert (body["due_soon"], body["overdue"], body["recent_activity"], body["projects"]) == ([], [], [], [])
    chart = body["completed_by_day"]
    assert [entry["day"] for entry in chart] == [(today - timedelta(days=n)).isoformat() for n in range(13, -1, -1)]
    assert {entry["count"] for entry in chart} == {0}


def test_dashboard_standup_status_once_filed(user: Actor) -> None:
    entry = user.post("/api/standups", json={"today": "Plan"}).json()
    assert dashboard(user)["standup"] == {"filed": True, "id": entry["id"], "day": entry["day"]}


def test_my_tasks_counts_open_tasks_i_created_or_am_assigned(admin: Actor, user: Actor) -> None:
    for status in ("todo", "todo", "in_progress", "blocked", "done"):
        new_task(user, status=status)
    archived = new_task(user)
    user.patch(f"/api/tasks/{archived['id']}", json={"archived": True})
    new_task(admin, "Assigned to user", assignee_id=user.user["id"], status="blocked")
    new_task(admin, "Admin's own")
    assert dashboard(user)["my_tasks"] == {"todo": 2, "in_progress": 1, "blocked": 2, "done_recent": 1}


def test_my_tasks_leave_out_project_tasks_of_a_project_i_left(admin: Actor, user: Actor) -> None:
    project_id = new_project(admin, "Left", member=user)
    new_task(user, project_id=project_id)
    assert dashboard(user)["my_tasks"]["todo"] == 1
    assert user.delete(f"/api/projects/{project_id}/members/user").status_code == 204
    assert dashboard(user)["my_tasks"]["todo"] == 0


def test_due_soon_and_overdue_are_mine_and_open_soonest_first(admin: Actor, user: Actor) -> None:
    soon = new_task(user, "In three days", due_date=in_days(3))
    today = new_task(user, "Today", due_date=in_days(0))
    new_task(user, "Next month", due_date=in_days(30))
    new_task(user, "Done soon", due_date=in_days(1), status="done")
    late = new_task(user, "Late", due_date=in_days(-2))
    later = new_task(user, "Later", due_date=in_days(-5))
    new_task(admin, "Not mine", due_date=in_days(1))
    body = dashboard(user)
    assert [t["id"] for t in body["due_soon"]] == [today["id"], soon["id"]]
    assert [t["id"] for t in body["overdue"]] == [later["id"], late["id"]]
    assert body["overdue"][0]["overdue"] is True
    assert set(body["due_soon"][0]) >= {"title", "status", "can_edit", "comment_count", "project"}


def test_due_soon_and_overdue_hold_at_most_ten(user: Actor) -> None:
    for n in range(12):
        new_task(user, f"Soon {n}", due_date=in_days(n % 7))
        new_task(user, f"Late {n}", due_date=in_days(-1 - n))
    body = dashboard(user)
    assert (len(body["due_soon"]), len(body["overdue"])) == (10, 10)


def test_completed_by_day_counts_my_completions_per_local_day(user: Actor, sql: Sql) -> None:
    ids = [new_task(user, status="done")["id"] for _ in range(4)]
    now = datetime.now(UTC)
    stamp = "%Y-%m-%d %H:%M:%S"
    sql("UPDATE task SET completed_at = ? WHERE id = ?", (now - timedelta(days=3)).strftime(stamp), ids[0])
    sql("UPDATE task SET completed_at = ? WHERE id = ?", (now - timedelta(days=20)).strftime(stamp), ids[1])
    sql("UPDATE task SET archived = TRUE WHERE id = ?", ids[2])  # archived after finishing: still done work
    body = dashboard(user)
    chart = {entry["day"]: entry["count"] for entry in body["completed_by_day"]}
    assert chart[in_days(0)] == 2
    assert chart[in_days(-3)] == 1
    assert sum(chart.values()) == 3
    assert body["my_tasks"]["done_recent"] == 3


def test_completed_by_day_uses_the_users_local_day_b7(
    app: Starlette, admin: Actor, sql: Sql, monkeypatch: pytest.MonkeyPatch
) -> None:
    create_user(admin, "kiri", time_zone="Pacific/Kiritimati")  # UTC+14
    kiri = sign_in(app, "kiri", USER_PASSWORD)
    task_ids = [new_task(actor, status="done")["id"] for actor in (kiri, admin)]
    sql("UPDATE task SET completed_at = '2024-03-08 23:00:00' WHERE id IN (?, ?)", *task_ids)
    monkeypatch.setattr(_days, "clock", lambda: datetime(2024, 3, 8, 23, 30, tzinfo=UTC))
    kiri_chart = dashboard(kiri)["completed_by_day"]
    admin_chart = dashboard(admin)["completed_by_day"]
    assert kiri_chart[-1] == {"day": "2024-03-09", "count": 1}  # Saturday 13:00 in Kiritimati
    assert admin_chart[-1] == {"day": "2024-03-08", "count": 1}  # the admin has no zone: the appliance's UTC


def test_recent_activity_shows_only_what_i_may_see(admin: Actor, user: Actor, other: Actor) -> None:
    project_id = new_project(admin, "Shared", viewer=user)
    shared = new_task(admin, "Shared task", project_id=project_id)
    new_task(other, "Other's personal task")
    entry = other.post("/api/standups", json={"today": "Team-visible"}).json()
    items = dashboard(user)["recent_activity"]
    assert [(i["kind"], i["id"], i["action"]) for i in items] == [
        ("standup", entry["id"], "filed"),
        ("task", shared["id"], "created"),
    ]
    assert items[0]["actor"]["username"] == "other"
    assert items[1]["title"] == "Shared task"


def test_recent_activity_respects_private_standups(admin: Actor, user: Actor, other: Actor) -> None:
    other.post("/api/standups", json={"today": "Hidden"})
    assert admin.patch("/api/settings", json={"values": {"standup_visibility": "private"}}).status_code == 200
    assert dashboard(user)["recent_activity"] == []
    assert [i["kind"] for i in dashboard(admin)["recent_activity"]] == ["standup"]


def test_recent_activity_folds_one_edit_and_keeps_twenty(user: Actor) -> None:
    task = new_task(user, "Edited")
    user.patch(f"/api/tasks/{task['id']}", json={"title": "Edited twice", "priority": "high", "progress": 10})
    items = dashboard(user)["recent_activity"]
    assert [(i["action"], i["title"]) for i in items] == [("updated", "Edited twice"), ("created", "Edited twice")]
    for n in range(25):
        new_task(user, f"Bulk {n}")
    items = dashboard(user)["recent_activity"]
    assert len(items) == 20
    assert items[0]["title"] == "Bulk 24"
    assert [i["at"] for i in items] == sorted((i["at"] for i in items), reverse=True)


@pytest.fixture
def other(app: Starlette, admin: Actor) -> Actor:
    create_user(admin, "other")
    return sign_in(app, "other", USER_PASSWORD)


def test_project_cards_are_my_unarchived_projects_with_counts(admin: Actor, user: Actor, other: Actor) -> None:
    mine = new_project(admin, "Mine", member=user, viewer=other)
    archived = new_project(admin, "Archived", member=user)
    admin.patch(f"/api/projects/{archived}", json={"archived": True})
    new_project(admin, "Not mine")
    for status in ("todo", "blocked", "done", "done"):
        new_task(admin, project_id=mine, status=status)
    hidden = new_task(admin, project_id=mine)
    admin.patch(f"/api/tasks/{hidden['id']}", json={"archived": True})
    cards = dashboard(user)["projects"]
    assert [card["id"] for card in cards] == [mine]
    card = cards[0]
    assert (card["name"], card["status"], card["member_count"]) == ("Mine", "active", 3)
    assert card["task_counts"] == {"total": 4, "todo": 1, "in_progress": 0, "blocked": 1, "done": 2}


def test_project_cards_most_recently_active_first_at_most_twelve(admin: Actor, user: Actor) -> None:
    ids = [new_project(admin, f"P{n:02}", member=user) for n in range(13)]
    task = new_task(admin, project_id=ids[0])
    cards = dashboard(user)["projects"]
    assert len(cards) == 12
    assert cards[0]["id"] == ids[0]  # its task changed last
    assert cards[0]["last_update"] == task["updated_at"]
    assert cards[1]["id"] == ids[12]


def test_project_cards_of_an_admin_are_only_their_memberships(admin: Actor, user: Actor) -> None:
    new_project(user, "User's")
    assert dashboard(admin)["projects"] == []


def test_dashboard_query_count_does_not_grow_with_data(
    admin: Actor, user: Actor, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No query per task, project or standup: the same number of statements for a little and a lot of data."""
    from devcell.core.db import database

    def statements() -> int:
        seen: list[str] = []
        original = database.obj.execute_sql  # the database behind the proxy (a proxy takes no attributes)

        def counting(sql: str, *args: object, **kwargs: object) -> object:
            seen.append(sql)
            return original(sql, *args, **kwargs)

        with monkeypatch.context() as patch:
            patch.setattr(database.obj, "execute_sql", counting)
            dashboard(user)
        return len(seen)

    project_id = new_project(admin, "One", member=user)
    new_task(user, project_id=project_id, due_date=in_days(1))
    new_task(user, due_date=in_days(-1))
    user.post("/api/standups", json={"today": "Some"})  # one of each: the feed looks up authors once per page
    small = statements()
    for n in range(5):
        extra = new_project(admin, f"More {n}", member=user)
        new_task(user, project_id=extra, due_date=in_days(2))
        new_task(user, due_date=in_days(-3), status="blocked")
        new_task(user, status="done")
    admin.post("/api/standups", json={"today": "More"})
    assert statements() == small
