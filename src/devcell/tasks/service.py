"""Tasks: list, read, create (the seam standups use), edit, delete; the hooks projects and accounts call."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from peewee import Case, Expression, fn

from devcell.accounts.service import OwnedData, register_owned_data
from devcell.core.db import unit_of_work, utcnow
from devcell.core.signals import announce
from devcell.projects.service import on_project_deletion, provide_task_counts, rows_of
from devcell.tasks import _access, _changes, _labels, _query
from devcell.tasks._access import check_move_out, require_task
from devcell.tasks.models import Task, TaskActivity, TaskComment
from devcell.tasks.schemas import TaskCreate, TaskCreated, TaskOut, TaskPatch, TaskQuery

if TYPE_CHECKING:
    from collections.abc import Iterable

    from peewee import ModelSelect

    from devcell.core.auth import Principal
    from devcell.tasks.schemas import TaskStatus


@unit_of_work()
def list_tasks(principal: Principal, query: TaskQuery, default_tz: str = "UTC") -> dict[str, Any]:
    """A page of visible tasks as a JSON-ready dict (see _query for why not TaskOut models)."""
    where, viewer = _query.build_where(query, principal, default_tz)
    items = _query.fetch(where, viewer, query.sort, query.limit, query.offset)
    return {"items": items, "total": _query.count(where), "limit": query.limit, "offset": query.offset}


def _out(principal: Principal, task_id: int, default_tz: str) -> TaskOut:
    return TaskOut.model_validate(_query.fetch_one(task_id, _query.viewer_for(principal, default_tz)))


@unit_of_work()
def get_task(principal: Principal, task_id: int, default_tz: str = "UTC") -> TaskOut:
    require_task(principal, task_id, "see")
    return _out(principal, task_id, default_tz)


@unit_of_work(write=True)
def create_task(
    principal: Principal, data: TaskCreate, origin_standup_id: int | None = None, default_tz: str = "UTC"
) -> TaskOut:
    """Create a task for the caller (member role needed in its project). Standups pass `origin_standup_id`;
    this joins the caller's write transaction when one is open."""
    _changes.check_target_project(principal, data.project_id)
    _changes.check_assignee(data.assignee_id, data.project_id)
    labels = _labels.usable_labels(data.label_ids, data.project_id)
    now = utcnow()
    fields = data.model_dump(exclude={"label_ids"})
    if data.status == "done":
        fields.update(progress=100, completed_at=now)
    task = Task.create(
        **fields, creator=principal.user_id, origin_standup_id=origin_standup_id, created_at=now, updated_at=now
    )
    _changes.log(task.id, principal.user_id, "created")
    if labels:
        _labels.set_labels(task, labels, principal.user_id)
    announce(TaskCreated(**_changes.signal_fields(task, principal.user_id), description=task.description))
    return _out(principal, task.id, default_tz)


def _requested(task: Task, patch: TaskPatch) -> dict[str, Any]:
    changes = patch.model_dump(include=patch.model_fields_set)
    if "description" in changes and changes["description"] is None:
        changes["description"] = ""
    return changes


@unit_of_work(write=True)
def update_task(principal: Principal, task_id: int, patch: TaskPatch, default_tz: str = "UTC") -> TaskOut:
    """Partial update: a field sent as null clears it (due date, assignee; project -> personal task). A move is
    a delete from the old scope and an add to the new one, so it needs both rights (see check_move_out); the
    task keeps only the labels usable where it lands. `label_ids` replaces the task's labels."""
    task = require_task(principal, task_id, "edit")
    changes = _requested(task, patch)
    label_ids = changes.pop("label_ids", None)
    project_id = changes.get("project_id", task.project_id)
    moving = project_id != task.project_id
    if moving:
        check_move_out(principal, task, project_id)
        _changes.check_target_project(principal, project_id)
    if moving or "assignee_id" in changes:
        _changes.check_assignee(changes.get("assignee_id", task.assignee_id), project_id)
    labels = None if label_ids is None else _labels.usable_labels(label_ids, project_id)
    _changes.apply(task, changes, principal.user_id)
    if labels is not None:
        _labels.set_labels(task, labels, principal.user_id)
    return _out(principal, task_id, default_tz)


@unit_of_work(write=True)
def delete_task(principal: Principal, task_id: int) -> None:
    """Really delete (comments and activity go with it): personal task's creator, project owner, admin."""
    require_task(principal, task_id, "delete")
    Task.delete().where(Task.id == task_id).execute()


# Hooks for the projects slice


def _counts_by_project(project_ids: list[int]) -> dict[int, dict[str, int]]:
    rows = (
        Task.select(Task.project, Task.status, fn.COUNT(Task.id))
        .where(Task.project.in_(project_ids), Task.archived == False)  # noqa: E712  # peewee builds SQL from ==
        .group_by(Task.project, Task.status)
    )
    counts: dict[int, dict[str, int]] = {}
    for project_id, status, n in rows_of(rows):
        counts.setdefault(int(project_id), {})[str(status)] = int(n)
    return counts


def _on_project_deleted(project_id: int, choice: str, actor_id: int) -> None:
    """archive: the tasks become archived personal tasks (creator and assignee keep them); delete: gone."""
    if choice == "delete":
        Task.delete().where(Task.project == project_id).execute()
        return
    for task in Task.select().where(Task.project == project_id):
        _changes.apply(task, {"project_id": None, "archived": True}, actor_id)


provide_task_counts(_counts_by_project)
on_project_deletion(_on_project_deleted)


# Deleting a user: their tasks (created or assigned) and comments move to the user who takes over.


def _owned_tasks(user_id: int) -> int:
    return int(Task.select().where((Task.creator == user_id) | (Task.assignee == user_id)).count())


def _reassign_tasks(from_id: int, to_id: int) -> None:
    Task.update(creator=to_id).where(Task.creator == from_id).execute()
    Task.update(assignee=to_id).where(Task.assignee == from_id).execute()


def _owned_comments(user_id: int) -> int:
    return int(TaskComment.select().where(TaskComment.author == user_id).count())


def _reassign_comments(from_id: int, to_id: int) -> None:
    TaskComment.update(author=to_id).where(TaskComment.author == from_id).execute()


register_owned_data(OwnedData("tasks", _owned_tasks, _reassign_tasks))
register_owned_data(OwnedData("task comments", _owned_comments, _reassign_comments))


# For other slices: the visibility rule as a WHERE clause, and the tasks standup entries were converted into.


def can_be_assigned(user_id: int, project_id: int | None) -> bool:
    """Whether a task there may be assigned to the user: anyone takes a personal task; a project's members and
    owners take its tasks, its viewers don't."""
    return project_id is None or _changes.can_be_assigned(user_id, project_id)


@unit_of_work()
def can_see(principal: Principal, task_id: int) -> bool:
    """Whether the task exists and the principal may see it (the rule of require_task, without raising)."""
    task = Task.get_or_none(Task.id == task_id)
    return task is not None and _access.task_perms(principal, task)[0].see


@unit_of_work()
def task_people(task_id: int) -> TaskPeople | None:
    """Who a task involves (creator, assignee) and where it lives; None when there is no such task."""
    query = Task.select(Task.id, Task.creator, Task.assignee, Task.project).where(Task.id == task_id)
    rows = list(rows_of(query))
    return TaskPeople(*rows[0]) if rows else None


@unit_of_work()
def open_tasks_due_by(day: date) -> list[DueTask]:
    """Assigned tasks that are still open (not done, not archived) and due on or before `day`."""
    query = (
        Task.select(Task.id, Task.title, Task.assignee, Task.project, Task.due_date)
        .where(Task.due_date <= day, Task.assignee.is_null(False), Task.status != "done", Task.archived == False)  # noqa: E712
        .order_by(Task.due_date, Task.id)
    )
    return [DueTask(*row) for row in rows_of(query)]


def visible_tasks(principal: Principal) -> Expression | None:
    """The tasks the caller may see as a peewee WHERE clause over Task (None: all, for administrators)."""
    return _access.visible_tasks(principal)


def visible_task_ids(principal: Principal, status: str | None = None) -> ModelSelect[Task]:
    """The ids of the tasks the caller may see (only those in `status`, if given) as a subquery for `.in_()`: the
    visibility rule stays part of the caller's one SQL statement (nothing runs until the caller's query does)."""
    query = Task.select(Task.id)
    visible = visible_tasks(principal)
    if visible is not None:
        query = query.where(visible)
    if status is not None:
        query = query.where(Task.status == status)
    return query


@dataclass(frozen=True)
class TaskPeople:
    id: int
    creator_id: int
    assignee_id: int | None
    project_id: int | None


@dataclass(frozen=True)
class DueTask:
    id: int
    title: str
    assignee_id: int
    project_id: int | None
    due_date: date


@dataclass(frozen=True)
class TaskState:
    """Where a task stands, as a plan of work shows it."""

    status: TaskStatus
    due_date: date | None


def task_states(principal: Principal, task_ids: Iterable[int]) -> dict[int, TaskState]:
    """Status and due date of the tasks among `task_ids` the caller may see, by id (absent and invisible ones are
    left out): one `IN` query per 500 ids, inside the caller's unit of work."""
    ids = sorted(set(task_ids))
    states: dict[int, TaskState] = {}
    for start in range(0, len(ids), 500):  # SQLite caps the variables of one statement
        query = Task.select(Task.id, Task.status, Task.due_date).where(Task.id.in_(ids[start : start + 500]))
        visible = visible_tasks(principal)
        if visible is not None:
            query = query.where(visible)
        states.update((int(i), TaskState(status, due)) for i, status, due in rows_of(query))
    return states


def tasks_from_standups(principal: Principal, standup_ids: list[int]) -> list[tuple[int, str, str, int]]:
    """(id, title, status, standup id) of the visible tasks converted from these standup entries, in id order;
    one query, inside the caller's unit of work."""
    if not standup_ids:
        return []
    query = (
        Task.select(Task.id, Task.title, Task.status, Task.origin_standup_id)
        .where(Task.origin_standup_id.in_(standup_ids))
        .order_by(Task.id)
    )
    visible = visible_tasks(principal)
    if visible is not None:
        query = query.where(visible)
    return [(int(i), str(title), str(status), int(origin)) for i, title, status, origin in rows_of(query)]


def relink_standup_tasks(from_standup_id: int, to_standup_id: int) -> None:
    """Tasks converted from one standup entry now point at another (the entries were merged)."""
    Task.update(origin_standup_id=to_standup_id).where(Task.origin_standup_id == from_standup_id).execute()


# For the dashboard: "my" tasks as the task list's `mine` filter means it (created by or assigned to me), still
# visible to me (a project task stays hidden once I leave its project); one query each, in the caller's unit of work.


def _mine(principal: Principal) -> Expression:
    me = principal.user_id
    own: Expression = (Task.creator == me) | (Task.assignee == me)
    visible = visible_tasks(principal)
    return own if visible is None else own & visible


def my_open_counts(principal: Principal, statuses: tuple[str, ...]) -> dict[str, int]:
    """How many of my unarchived tasks are in each of these statuses (statuses with none are left out)."""
    query = (
        Task.select(Task.status, fn.COUNT(Task.id))
        .where(_mine(principal), Task.archived == False, Task.status.in_(statuses))  # noqa: E712
        .group_by(Task.status)
    )
    return {str(status): int(n) for status, n in rows_of(query)}


def my_completion_times(principal: Principal, since: datetime) -> list[datetime]:
    """When each of my done tasks was completed, since `since` (archived ones count: the work was done)."""
    query = Task.select(Task.completed_at).where(_mine(principal), Task.status == "done", Task.completed_at >= since)
    return [completed for (completed,) in rows_of(query)]


# For the assistant and the dashboard: tasks needing attention and recent changes, as plain rows with user and
# project ids (the callers look the names up in one batch each: accounts.service.user_briefs,
# projects.service.project_names). Each runs in the caller's unit of work.


@dataclass(frozen=True)
class TaskDigest:
    """What a brief says about a task; `project_id` None is a personal task, `assignee_id` None unassigned."""

    id: int
    title: str
    description: str
    status: str
    progress: int
    priority: str
    due_date: date | None
    project_id: int | None
    assignee_id: int | None
    updated_at: datetime


@dataclass(frozen=True)
class TaskChange:
    """One TaskActivity row; `actor_id` None once the actor was deleted."""

    task_id: int
    action: str
    field: str
    old_value: str | None
    new_value: str | None
    actor_id: int | None
    created_at: datetime


@dataclass(frozen=True)
class RecentChange:
    """A change for an activity feed: the task's title, and who did what when."""

    task_id: int
    title: str
    action: str
    actor_id: int
    created_at: datetime


def _attention_filter(
    principal: Principal, today: date, since: datetime, due_soon_days: int, project_id: int | None
) -> Expression:
    """Open tasks that are blocked, overdue or due soon, and any task changed since `since`; unarchived, visible."""
    is_open = Task.status != "done"
    urgent = (Task.status == "blocked") | (
        is_open & Task.due_date.is_null(False) & (Task.due_date <= today + timedelta(days=due_soon_days))
    )
    where: Expression = (Task.archived == False) & (urgent | (Task.updated_at >= since))  # noqa: E712
    visible = visible_tasks(principal)
    if visible is not None:
        where = where & visible
    if project_id is not None:
        where = where & (Task.project == project_id)
    return where


def _urgency(today: date) -> Case:
    """Blocked first, then overdue, due soon, and the rest (changed) last."""
    return Case(
        None,
        [
            (Task.status == "blocked", 0),
            ((Task.status != "done") & (Task.due_date < today), 1),
            ((Task.status != "done") & Task.due_date.is_null(False), 2),
        ],
        3,
    )


_DIGEST_COLUMNS = (
    Task.id, Task.title, Task.description, Task.status, Task.progress, Task.priority, Task.due_date, Task.project,
    Task.assignee, Task.updated_at,
)  # fmt: skip


def attention_tasks(
    principal: Principal, today: date, since: datetime, due_soon_days: int, project_id: int | None, limit: int
) -> tuple[list[TaskDigest], int]:
    """The caller's visible, unarchived tasks that need attention (open and blocked, overdue or due within
    `due_soon_days` of `today`) or changed since `since`, optionally one project's: most urgent first (blocked,
    overdue, due soon, changed), then most recently updated; at most `limit`, with how many matched in all.
    One query, and a COUNT only when the limit was reached."""
    where = _attention_filter(principal, today, since, due_soon_days, project_id)
    query = (
        Task.select(*_DIGEST_COLUMNS)
        .where(where)
        .order_by(_urgency(today), Task.updated_at.desc(), Task.id.desc())
        .limit(limit)
    )
    rows = [TaskDigest(*row) for row in rows_of(query)]
    total = int(Task.select().where(where).count()) if len(rows) == limit else len(rows)
    return rows, total


def task_changes(task_ids: list[int], since: datetime) -> list[TaskChange]:
    """The changes of these tasks made since `since`, newest first: one query."""
    if not task_ids:
        return []
    query = (
        TaskActivity.select(
            TaskActivity.task,
            TaskActivity.action,
            TaskActivity.field,
            TaskActivity.old_value,
            TaskActivity.new_value,
            TaskActivity.actor,
            TaskActivity.created_at,
        )
        .where(TaskActivity.task.in_(task_ids), TaskActivity.created_at >= since)
        .order_by(TaskActivity.created_at.desc(), TaskActivity.id.desc())
    )
    return [TaskChange(*row) for row in rows_of(query)]


def recent_changes(principal: Principal, limit: int) -> list[RecentChange]:
    """The newest `limit` changes of tasks the caller can see, by users that still exist (a deleted actor's
    rows are left out), newest first: one query along the created_at index."""
    query = (
        TaskActivity.select(
            TaskActivity.task, Task.title, TaskActivity.action, TaskActivity.actor, TaskActivity.created_at
        )
        .join_from(TaskActivity, Task, on=(TaskActivity.task == Task.id))
        .where(TaskActivity.actor.is_null(False))
        .order_by(TaskActivity.created_at.desc(), TaskActivity.id.desc())
        .limit(limit)
    )
    visible = visible_tasks(principal)
    if visible is not None:
        query = query.where(visible)
    return [RecentChange(*row) for row in rows_of(query)]
