"""My task numbers for the dashboard: open tasks by status and completions per local day, one query each."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from devcell.standups.service import day_start_utc
from devcell.tasks import service as tasks

if TYPE_CHECKING:
    from devcell.core.auth import Principal

CHART_DAYS = 14
OPEN_STATUSES = ("todo", "in_progress", "blocked")


def open_counts(principal: Principal) -> dict[str, int]:
    return tasks.my_open_counts(principal, OPEN_STATUSES)


def chart_days(today: date) -> list[date]:
    return [today - timedelta(days=back) for back in range(CHART_DAYS - 1, -1, -1)]


def completed_by_day(principal: Principal, today: date, zone: ZoneInfo) -> dict[date, int]:
    """My tasks completed on each of the last 14 local days (archived ones count: the work was done)."""
    first = chart_days(today)[0]
    completed = tasks.my_completion_times(principal, day_start_utc(first, zone))
    counts = Counter(when.astimezone(zone).date() for when in completed)
    return {day: counts.get(day, 0) for day in chart_days(today)}
