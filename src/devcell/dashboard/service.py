"""The dashboard: the caller's day across standups, tasks and projects, read in one consistent snapshot."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from devcell.core.db import unit_of_work
from devcell.dashboard import _activity, _projects, _tasks
from devcell.dashboard.schemas import DashboardOut, DayCount, MyTasks, StandupStatus
from devcell.standups import service as standups
from devcell.tasks import service as tasks
from devcell.tasks.schemas import TaskOut, TaskQuery

if TYPE_CHECKING:
    from datetime import date

    from devcell.core.auth import Principal

LIST_MAX = 10
DUE_SOON_DAYS = 7


def _task_list(principal: Principal, query: TaskQuery, appliance_zone: str) -> list[TaskOut]:
    """Through the task list itself, so the dashboard shows exactly what the Tasks page would."""
    page = tasks.list_tasks(principal, query, appliance_zone)
    return [TaskOut.model_validate(item) for item in page["items"]]


def _due_soon(principal: Principal, today: date, appliance_zone: str) -> list[TaskOut]:
    query = TaskQuery.model_validate(
        {
            "mine": True,
            "status": list(_tasks.OPEN_STATUSES),
            "due_after": today,
            "due_before": today + timedelta(days=DUE_SOON_DAYS),
            "sort": "due",
            "limit": LIST_MAX,
        }
    )
    return _task_list(principal, query, appliance_zone)


def _overdue(principal: Principal, appliance_zone: str) -> list[TaskOut]:
    return _task_list(
        principal,
        TaskQuery.model_validate({"mine": True, "overdue": True, "sort": "due", "limit": LIST_MAX}),
        appliance_zone,
    )


def _my_tasks(principal: Principal, completed: dict[date, int]) -> MyTasks:
    return MyTasks(**_tasks.open_counts(principal), done_recent=sum(completed.values()))


@unit_of_work()
def dashboard(principal: Principal, visibility: str, appliance_zone: str) -> DashboardOut:
    """A fixed number of queries whatever the data size (no query per task, project or standup)."""
    zone = standups.user_zone(principal.user_id, appliance_zone)
    today = standups.local_today(zone)
    entry_id = standups.own_entry_id(principal.user_id, today)
    completed = _tasks.completed_by_day(principal, today, zone)
    return DashboardOut(
        today=today,
        standup=StandupStatus(filed=entry_id is not None, id=entry_id, day=today),
        my_tasks=_my_tasks(principal, completed),
        due_soon=_due_soon(principal, today, appliance_zone),
        overdue=_overdue(principal, appliance_zone),
        recent_activity=_activity.recent_activity(principal, visibility),
        projects=_projects.project_cards(principal),
        completed_by_day=[DayCount(day=day, count=n) for day, n in completed.items()],
    )
