"""Comments on a task (Markdown; writing one counts as editing the task) and its activity log."""

from __future__ import annotations

from typing import TYPE_CHECKING

from devcell.accounts.service import UserBrief, user_briefs
from devcell.core.db import unit_of_work, utcnow
from devcell.core.signals import announce
from devcell.projects.service import user_ref
from devcell.tasks._access import require_task
from devcell.tasks._changes import log, signal_fields
from devcell.tasks.models import Task, TaskActivity, TaskComment
from devcell.tasks.schemas import ActivityList, ActivityOut, CommentIn, CommentList, CommentOut, TaskCommented

if TYPE_CHECKING:
    from devcell.core.auth import Principal


def _comment_out(comment: TaskComment, author: UserBrief) -> CommentOut:
    return CommentOut(id=comment.id, author=user_ref(author), body=comment.body, created_at=comment.created_at)


@unit_of_work()
def list_comments(principal: Principal, task_id: int) -> CommentList:
    """Oldest first, as a conversation reads."""
    require_task(principal, task_id, "see")
    rows = list(TaskComment.select().where(TaskComment.task == task_id).order_by(TaskComment.id))
    authors = user_briefs(c.author_id for c in rows)
    # Like the inner join this replaces: a comment whose author row is gone is left out.
    return CommentList(items=[_comment_out(c, authors[c.author_id]) for c in rows if c.author_id in authors])


@unit_of_work(write=True)
def add_comment(principal: Principal, task_id: int, data: CommentIn) -> CommentOut:
    """Viewers may read but not comment: a comment changes the task's conversation, so it needs edit rights."""
    task = require_task(principal, task_id, "edit")
    now = utcnow()
    comment = TaskComment.create(task=task_id, author=principal.user_id, body=data.body, created_at=now, updated_at=now)
    log(task_id, principal.user_id, "commented")
    announce(TaskCommented(**signal_fields(task, principal.user_id), comment_id=comment.id, body=data.body))
    # A comment is news on the task: it moves up in the default "recently updated" order.
    Task.update(updated_at=now).where(Task.id == task_id).execute()
    return _comment_out(comment, user_briefs([principal.user_id])[principal.user_id])


def _activity_out(row: TaskActivity, actor: UserBrief | None) -> ActivityOut:
    return ActivityOut(
        id=row.id,
        actor=None if actor is None else user_ref(actor),
        action=row.action,
        field=row.field,
        old_value=row.old_value,
        new_value=row.new_value,
        created_at=row.created_at,
    )


@unit_of_work()
def list_activity(principal: Principal, task_id: int) -> ActivityList:
    """Newest first. A deleted actor shows as null."""
    require_task(principal, task_id, "see")
    rows = list(TaskActivity.select().where(TaskActivity.task == task_id).order_by(TaskActivity.id.desc()))
    actors = user_briefs(a.actor_id for a in rows if a.actor_id is not None)
    return ActivityList(items=[_activity_out(a, None if a.actor_id is None else actors.get(a.actor_id)) for a in rows])
