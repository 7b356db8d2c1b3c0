"""Project cards for the dashboard: my projects with member and task counts, in two queries."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from devcell.core.db import run_sql
from devcell.dashboard.schemas import ProjectCard
from devcell.projects.schemas import TaskCounts

if TYPE_CHECKING:
    from devcell.core.auth import Principal

MAX_CARDS = 12
# Most recently active first: a project's last update is its own or its newest task's, whichever is later.
CARDS = """SELECT p.id, p.name, p.status,
    COALESCE(
        (SELECT MAX(t.updated_at) FROM task t WHERE t.project_id = p.id AND t.updated_at > p.updated_at), p.updated_at
    ) AS last_update,
    (SELECT COUNT(*) FROM project_member c WHERE c.project_id = p.id)
FROM project p JOIN project_member m ON m.project_id = p.id AND m.user_id = ?
WHERE NOT p.archived
ORDER BY last_update DESC, p.id DESC
LIMIT ?"""
COUNTS = """SELECT project_id, status, COUNT(*) FROM task
WHERE NOT archived AND project_id IN ({marks}) GROUP BY project_id, status"""


def _stored_time(value: str | datetime) -> datetime:
    """A timestamp read with raw SQL: naive UTC (see core.db.UTCDateTimeField), text on SQLite."""
    return (datetime.fromisoformat(value) if isinstance(value, str) else value).replace(tzinfo=UTC)


def _task_counts(project_ids: list[int]) -> dict[int, TaskCounts]:
    by_status: dict[int, dict[str, int]] = defaultdict(dict)
    if project_ids:
        sql = COUNTS.format(marks=", ".join("?" * len(project_ids)))
        for project_id, status, n in run_sql(sql, project_ids).fetchall():
            by_status[project_id][status] = n
    return {pid: TaskCounts(total=sum(by_status[pid].values()), **by_status[pid]) for pid in project_ids}


def project_cards(principal: Principal) -> list[ProjectCard]:
    """Projects I am a member of (administrators too: the dashboard is personal), not archived."""
    rows = run_sql(CARDS, (principal.user_id, MAX_CARDS)).fetchall()
    counts = _task_counts([row[0] for row in rows])
    return [
        ProjectCard(
            id=pid,
            name=name,
            status=status,
            member_count=members,
            task_counts=counts[pid],
            last_update=_stored_time(last_update),
        )
        for pid, name, status, last_update, members in rows
    ]
