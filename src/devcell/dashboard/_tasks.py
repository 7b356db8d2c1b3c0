"""My task numbers for the dashboard: open tasks by status and completions per local day, one query each."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any, cast
from zoneinfo import ZoneInfo

from peewee import Expression, fn

from devcell.standups.service import day_start_utc
from devcell.tasks.models import Task
from devcell.tasks.service import visible_tasks

if TYPE_CHECKING:
    from devcell.core.auth import Principal

CHART_DAYS = 14
OPEN_STATUSES = ("todo", "in_progress", "blocked")


def mine(principal: Principal) -> Expression:
    """ "My" tasks as the task list's `mine` filter means it (created by or assigned to me), still visible to me:
    a project task stays hidden once I leave its project."""
    me = principal.user_id
    own: Expression = (Task.creator == me) | (Task.assignee == me)
    visible = visible_tasks(principal)
    return own if visible is None else own & visible


def open_counts(principal: Principal) -> dict[str, int]:
    query = (
        Task.select(Task.status, fn.COUNT(Task.id))
        .where(mine(principal), Task.archived == False, Task.status.in_(OPEN_STATUSES))  # noqa: E712
        .group_by(Task.status)
    )
    return {str(status): int(n) for status, n in cast(Any, query.tuples())}


def chart_days(today: date) -> list[date]:
    return [today - timedelta(days=back) for back in range(CHART_DAYS - 1, -1, -1)]


def completed_by_day(principal: Principal, today: date, zone: ZoneInfo) -> dict[date, int]:
    """My tasks completed on each of the last 14 local days (archived ones count: the work was done)."""
    first = chart_days(today)[0]
    query = Task.select(Task.completed_at).where(
        mine(principal), Task.status == "done", Task.completed_at >= day_start_utc(first, zone)
    )
    counts = Counter(completed.astimezone(zone).date() for (completed,) in cast(Any, query.tuples()))
    return {day: counts.get(day, 0) for day in chart_days(today)}
