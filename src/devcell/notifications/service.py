"""The inbox: delivering notifications (preferences, never to the one who acted, once per dedupe key), listing
them as their recipient may see them now, marking read, preferences, watching, pruning."""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, cast

from peewee import Expression, IntegrityError

from devcell.accounts.service import principal_of, user_briefs
from devcell.core.db import after_commit, database, unit_of_work, utcnow
from devcell.notifications._live import STREAMS
from devcell.notifications.errors import NotificationNotFound
from devcell.notifications.models import Notification, NotificationPreference, Watch
from devcell.notifications.schemas import (
    KIND_RANK,
    KINDS,
    Kind,
    NotificationOut,
    NotificationPage,
    NotificationQuery,
    PreferenceList,
    PreferenceOut,
    PreferencePatch,
    UnreadOut,
)
from devcell.projects.service import member_project_ids, require_project, rows_of, user_ref
from devcell.tasks import service as tasks
from devcell.tasks.errors import TaskNotFound

if TYPE_CHECKING:
    from devcell.core.auth import Principal

MAX_EXCERPT = 280  # enough to see what it is about; the link opens the rest


@dataclass(frozen=True)
class Note:
    """A notification to deliver."""

    recipient_id: int
    kind: str
    actor_id: int | None
    subject_type: str
    subject_id: str
    project_id: int | None
    title: str
    link: str
    excerpt: str = ""
    dedupe: str | None = None


def excerpt(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= MAX_EXCERPT else flat[: MAX_EXCERPT - 1] + "…"


# Delivering


@unit_of_work(write=True)
def deliver(notes: Iterable[Note]) -> int:
    """Store each note its recipient wants (nobody is told about their own action; a dedupe key already used for
    the recipient is skipped) and push it to their open tabs once committed; returns how many were stored."""
    wanted = [n for n in notes if n.recipient_id != n.actor_id]
    muted = _muted({n.recipient_id for n in wanted})
    stored = 0
    for note in wanted:
        if (note.recipient_id, note.kind) in muted:
            continue
        row = _store(note)
        if row is not None:
            stored += 1
            after_commit(functools.partial(_push_new, row))
    return stored


def _muted(user_ids: set[int]) -> set[tuple[int, str]]:
    if not user_ids:
        return set()
    rows = NotificationPreference.select(NotificationPreference.user, NotificationPreference.kind).where(
        NotificationPreference.user.in_(sorted(user_ids)),
        NotificationPreference.enabled == False,  # noqa: E712
    )
    return {(int(user), str(kind)) for user, kind in rows_of(rows)}


def _store(note: Note) -> Notification | None:
    """Insert the note; news about a subject the recipient has an unread notification for replaces that one
    (a new row, so it sorts first) and counts it. Deduplicated notes (due dates) stay separate."""
    fields = {**note.__dict__, "title": note.title[:500], "excerpt": excerpt(note.excerpt), "events": 1}
    if note.dedupe is None:
        fields.update(_gather(note))
    try:
        with database.atomic():  # a savepoint inside deliver's transaction: a duplicate undoes only itself
            return Notification.create(
                recipient=fields.pop("recipient_id"),
                actor=fields.pop("actor_id"),
                project=fields.pop("project_id"),
                created_at=utcnow(),
                **fields,
            )
    except IntegrityError:  # this dedupe key was delivered to the recipient before
        return None


def _gather(note: Note) -> dict[str, object]:
    """Take over (and delete) the recipient's unread notification about the same subject: its count, and its
    headline when it was the more important kind ("assigned you" outranks a later "commented")."""
    earlier = Notification.get_or_none(
        (Notification.recipient == note.recipient_id)
        & (Notification.subject_type == note.subject_type)
        & (Notification.subject_id == note.subject_id)
        & Notification.read_at.is_null()
        & Notification.dedupe.is_null()
    )
    if earlier is None:
        return {}
    earlier.delete_instance()
    taken: dict[str, object] = {"events": earlier.events + 1}
    if KIND_RANK.get(earlier.kind, 1) > KIND_RANK.get(note.kind, 1):
        taken.update(kind=earlier.kind, title=earlier.title, excerpt=earlier.excerpt, actor_id=earlier.actor_id)
    return taken


def _push_new(row: Notification) -> None:
    STREAMS.publish(row.recipient_id, ("notification", _out(row).model_dump(mode="json")))
    _push_count(row.recipient_id)


def _push_count(user_id: int) -> None:
    STREAMS.publish(user_id, ("unread", {"unread": _unread_for(user_id)}))


def end_streams() -> None:
    """Finish every open notifications stream (the server is stopping)."""
    STREAMS.end_all()


# Reading


def _inbox(user_id: int, is_admin: bool) -> Expression:
    """The user's notifications as they may see them now: one about a project they have left is hidden."""
    mine: Expression = Notification.recipient == user_id
    if is_admin:
        return mine
    return mine & (Notification.project.is_null() | Notification.project.in_(member_project_ids(user_id)))


@unit_of_work()
def _unread_for(user_id: int) -> int:
    principal = principal_of(user_id)
    if principal is None:
        return 0
    return _unread(principal)


def _unread(principal: Principal) -> int:
    where = _inbox(principal.user_id, principal.is_admin) & Notification.read_at.is_null()
    return int(Notification.select().where(where).count())


def _out(row: Notification, actor: object | None = None) -> NotificationOut:
    if actor is None and row.actor_id is not None:
        actor = user_briefs([row.actor_id]).get(row.actor_id)
    return NotificationOut(
        id=row.id,
        kind=cast(Kind, row.kind),
        actor=None if actor is None else user_ref(actor),  # type: ignore[arg-type]
        title=row.title,
        excerpt=row.excerpt,
        link=row.link,
        events=row.events,
        created_at=row.created_at,
        read_at=row.read_at,
    )


@unit_of_work()
def list_notifications(principal: Principal, query: NotificationQuery) -> NotificationPage:
    """Newest first; `unread` lists only those not read yet."""
    where = _inbox(principal.user_id, principal.is_admin)
    if query.unread:
        where &= Notification.read_at.is_null()
    select = Notification.select().where(where)
    total = select.count()
    rows = list(select.order_by(Notification.id.desc()).limit(query.limit).offset(query.offset))
    actors = user_briefs(r.actor_id for r in rows if r.actor_id is not None)
    items = [_out(r, actors.get(r.actor_id) if r.actor_id is not None else None) for r in rows]
    return NotificationPage(items=items, total=total, limit=query.limit, offset=query.offset, unread=_unread(principal))


@unit_of_work()
def unread_count(principal: Principal) -> UnreadOut:
    return UnreadOut(unread=_unread(principal))


@unit_of_work(write=True)
def mark_read(principal: Principal, notification_id: int, read: bool = True) -> NotificationOut:
    """Mark one read (or unread again); every open tab of the user hears the new count."""
    row = Notification.get_or_none((Notification.id == notification_id) & _inbox(principal.user_id, principal.is_admin))
    if row is None:
        raise NotificationNotFound(notification_id)
    row.read_at = (row.read_at or utcnow()) if read else None
    row.save()
    after_commit(lambda: _push_count(principal.user_id))
    return _out(row)


@unit_of_work(write=True)
def mark_all_read(principal: Principal, up_to_id: int | None) -> UnreadOut:
    where = (Notification.recipient == principal.user_id) & Notification.read_at.is_null()
    if up_to_id is not None:
        where &= Notification.id <= up_to_id
    Notification.update(read_at=utcnow()).where(where).execute()
    after_commit(lambda: _push_count(principal.user_id))
    return UnreadOut(unread=_unread(principal))


# Preferences


@unit_of_work()
def preferences(principal: Principal) -> PreferenceList:
    muted = _muted({principal.user_id})
    return PreferenceList(
        items=[
            PreferenceOut(kind=cast(Kind, kind), label=label, enabled=(principal.user_id, kind) not in muted)
            for kind, label in KINDS.items()
        ]
    )


@unit_of_work(write=True)
def update_preferences(principal: Principal, patch: PreferencePatch) -> PreferenceList:
    for kind, enabled in patch.enabled.items():
        NotificationPreference.insert(user=principal.user_id, kind=kind, enabled=enabled).on_conflict(
            conflict_target=[NotificationPreference.user, NotificationPreference.kind],
            update={NotificationPreference.enabled: enabled},
        ).execute()
    return preferences(principal)


# Watching


def _set_watch(user_id: int, subject_type: str, subject_id: int, watching: bool) -> None:
    Watch.insert(
        user=user_id, subject_type=subject_type, subject_id=subject_id, watching=watching, created_at=utcnow()
    ).on_conflict(
        conflict_target=[Watch.user, Watch.subject_type, Watch.subject_id], update={Watch.watching: watching}
    ).execute()


def _choices(subject_type: str, subject_id: int) -> dict[int, bool]:
    """Who chose to watch (True) or unwatch (False) the subject."""
    rows = Watch.select(Watch.user, Watch.watching).where(
        (Watch.subject_type == subject_type) & (Watch.subject_id == subject_id)
    )
    return {int(user): bool(watching) for user, watching in rows_of(rows)}


def _task_watchers(task: tasks.TaskPeople) -> set[int]:
    """A task's own watchers; its creator and assignee; the watchers of its project: all but who unwatched it."""
    on_task = _choices("task", task.id)
    on_project = _choices("project", task.project_id) if task.project_id is not None else {}
    by_default = {task.creator_id, *([task.assignee_id] if task.assignee_id is not None else [])}
    by_default |= {user for user, watching in on_project.items() if watching}
    return {u for u, watching in on_task.items() if watching} | {u for u in by_default if on_task.get(u, True)}


def _check_subject(principal: Principal, subject_type: str, subject_id: int) -> None:
    if subject_type == "task":
        if not tasks.can_see(principal, subject_id):
            raise TaskNotFound(subject_id)
    else:
        require_project(principal, subject_id, "viewer")


@unit_of_work()
def is_watching(principal: Principal, subject_type: str, subject_id: int) -> bool:
    _check_subject(principal, subject_type, subject_id)
    if subject_type == "project":
        return _choices("project", subject_id).get(principal.user_id, False)
    task = tasks.task_people(subject_id)
    return task is not None and principal.user_id in _task_watchers(task)


@unit_of_work(write=True)
def set_watching(principal: Principal, subject_type: str, subject_id: int, watching: bool) -> bool:
    _check_subject(principal, subject_type, subject_id)
    _set_watch(principal.user_id, subject_type, subject_id, watching)
    return watching


@unit_of_work()
def task_watchers(task_id: int) -> set[int]:
    """Who is told about comments and status changes of the task (see _task_watchers)."""
    task = tasks.task_people(task_id)
    return set() if task is None else _task_watchers(task)


# Keeping the inbox small


@unit_of_work(write=True)
def prune(retention_days: int, now: datetime | None = None) -> int:
    """Delete notifications older than the retention (days); returns how many."""
    cutoff = (now or utcnow()) - timedelta(days=retention_days)
    return int(Notification.delete().where(Notification.created_at < cutoff).execute())
