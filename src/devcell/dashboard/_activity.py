"""Recent activity for the dashboard: task changes and filed standups the caller may see, newest first."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from devcell.accounts.models import User
from devcell.dashboard.schemas import ActivityItem
from devcell.projects.schemas import UserRef
from devcell.standups import service as standups
from devcell.tasks.models import Task, TaskActivity
from devcell.tasks.service import visible_tasks

if TYPE_CHECKING:
    from devcell.core.auth import Principal

MAX_ITEMS = 20
# An edit of three fields logs three rows: read several items' worth by the created_at index and fold them,
# instead of grouping the whole activity table to find the newest twenty.
SCAN_ROWS = 5 * MAX_ITEMS


def _task_rows(principal: Principal) -> list[tuple[Any, ...]]:
    query = (
        TaskActivity.select(
            TaskActivity.task,
            Task.title,
            TaskActivity.action,
            TaskActivity.created_at,
            User.id,
            User.username,
            User.display_name,
        )
        .join_from(TaskActivity, Task, on=(TaskActivity.task == Task.id))
        .join_from(TaskActivity, User, on=(TaskActivity.actor == User.id))  # a deleted actor's rows drop out
        .order_by(TaskActivity.created_at.desc(), TaskActivity.id.desc())
        .limit(SCAN_ROWS)
    )
    visible = visible_tasks(principal)
    if visible is not None:
        query = query.where(visible)
    return list(cast(Any, query.tuples()))


def _task_items(principal: Principal) -> list[ActivityItem]:
    """Consecutive rows of one actor doing one thing to one task (the fields of one edit, or a burst of edits)
    fold into one item at the newest time."""
    items: list[ActivityItem] = []
    last: tuple[Any, ...] | None = None
    for task_id, title, action, at, actor_id, username, display_name in _task_rows(principal):
        if (task_id, actor_id, action) != last:
            actor = UserRef(id=actor_id, username=username, display_name=display_name)
            items.append(ActivityItem(kind="task", id=task_id, title=title, actor=actor, action=action, at=at))
        last = (task_id, actor_id, action)
    return items


def _standup_items(principal: Principal, visibility: str) -> list[ActivityItem]:
    return [
        ActivityItem(
            kind="standup",
            id=entry.id,
            title=f"Standup for {entry.day.isoformat()}",
            actor=entry.author,
            action="filed",
            at=entry.filed_at,
        )
        for entry in standups.recently_filed(principal, visibility, MAX_ITEMS)
    ]


def recent_activity(principal: Principal, visibility: str) -> list[ActivityItem]:
    merged = _task_items(principal) + _standup_items(principal, visibility)
    return sorted(merged, key=lambda item: item.at, reverse=True)[:MAX_ITEMS]
