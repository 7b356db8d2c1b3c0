"""Recent activity for the dashboard: task changes and filed standups the caller may see, newest first."""

from __future__ import annotations

from typing import TYPE_CHECKING

from devcell.accounts.service import user_briefs
from devcell.dashboard.schemas import ActivityItem
from devcell.projects.service import user_ref
from devcell.standups import service as standups
from devcell.tasks.service import recent_changes

if TYPE_CHECKING:
    from devcell.core.auth import Principal

MAX_ITEMS = 20
# An edit of three fields logs three rows: read several items' worth by the created_at index and fold them,
# instead of grouping the whole activity table to find the newest twenty.
SCAN_ROWS = 5 * MAX_ITEMS


def _task_items(principal: Principal) -> list[ActivityItem]:
    """Consecutive rows of one actor doing one thing to one task (the fields of one edit, or a burst of edits)
    fold into one item at the newest time. Two queries: the changes, then their actors' names in one batch."""
    changes = recent_changes(principal, SCAN_ROWS)
    actors = user_briefs(c.actor_id for c in changes)
    items: list[ActivityItem] = []
    last: tuple[int, int, str] | None = None
    for change in changes:
        user = actors.get(change.actor_id)
        if user is None:  # no such user: left out, like the rows of a deleted actor
            continue
        if (change.task_id, change.actor_id, change.action) != last:
            item = ActivityItem(
                kind="task", id=change.task_id, title=change.title, actor=user_ref(user), action=change.action,
                at=change.created_at,
            )  # fmt: skip
            items.append(item)
        last = (change.task_id, change.actor_id, change.action)
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
