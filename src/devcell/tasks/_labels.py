"""Labels: global ones (managed by administrators, usable on every task) and a project's own (managed by its owners,
usable on its tasks only); which labels a task may carry, and the labels of tasks as the list shows them."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from peewee import Expression, fn

from devcell.core.db import is_postgresql, nocase, run_sql, unit_of_work, utcnow
from devcell.core.errors import ValidationFailed
from devcell.projects.service import check_project, has_role, member_project_ids, project_names, roles_of, rows_of
from devcell.tasks._changes import log
from devcell.tasks.errors import GlobalLabelsForbidden, LabelNameTaken, LabelNotFound
from devcell.tasks.models import Label, Task, TaskLabel
from devcell.tasks.schemas import LabelIn, LabelList, LabelOut, LabelPatch, LabelQuery

if TYPE_CHECKING:
    from devcell.core.auth import Principal

FOREIGN_LABEL = "belongs to another project: a task carries global labels and labels of its own project only"


# Managing labels


def _require_label(principal: Principal, label_id: int) -> Label:
    """The label if the caller can see it (global ones: everyone; a project's: its members), else 404."""
    label = Label.get_or_none(Label.id == label_id)
    if label is None:
        raise LabelNotFound(label_id)
    if label.project_id is not None and not principal.is_admin and label.project_id not in roles_of(principal.user_id):
        raise LabelNotFound(label_id)
    return label


def visible_label(principal: Principal, label_id: int, field: str) -> Label:
    """Like _require_label, for a label named in a request body: a 422 on that field instead of a 404."""
    try:
        return _require_label(principal, label_id)
    except LabelNotFound:
        raise ValidationFailed.for_field(field, f"there is no label with id {label_id}, or you cannot see it") from None


def _require_manager(principal: Principal, project_id: int | None) -> None:
    """Global labels: administrators; a project's: its owners and administrators (404 outside the project)."""
    if project_id is None:
        if not principal.is_admin:
            raise GlobalLabelsForbidden()
    else:
        check_project(principal, project_id, "owner")


def _check_name_free(name: str, project_id: int | None, keep_id: int | None = None) -> None:
    same_scope = Label.project.is_null() if project_id is None else Label.project == project_id
    for other_id, other in rows_of(Label.select(Label.id, Label.name).where(same_scope)):
        if other_id != keep_id and str(other).casefold() == name.casefold():
            raise LabelNameTaken(name, "among the global labels" if project_id is None else "in this project")


def _out(principal: Principal, label: Label, roles: dict[int, str], names: dict[int, str]) -> LabelOut:
    project_id = label.project_id
    can_manage = principal.is_admin or (project_id is not None and has_role(roles.get(project_id), "owner"))
    project = None if project_id is None else {"id": project_id, "name": names.get(project_id, "")}
    fields = {"id": label.id, "name": label.name, "colour": label.colour, "project_id": project_id}
    return LabelOut.model_validate({**fields, "project": project, "can_manage": can_manage})


def _outs(principal: Principal, labels: list[Label]) -> list[LabelOut]:
    roles = {} if principal.is_admin else roles_of(principal.user_id)
    names = project_names({label.project_id for label in labels if label.project_id is not None})
    return [_out(principal, label, roles, names) for label in labels]


def _listed(principal: Principal, query: LabelQuery) -> Expression | None:
    """None: every label (an administrator without a project filter)."""
    global_labels: Expression = Label.project.is_null()
    if isinstance(query.project, int):
        check_project(principal, query.project, "viewer")
        return global_labels | (Label.project == query.project)
    if query.project == "none":
        return global_labels
    return None if principal.is_admin else global_labels | Label.project.in_(member_project_ids(principal.user_id))


@unit_of_work()
def list_labels(principal: Principal, query: LabelQuery) -> LabelList:
    """Global labels first, then projects' labels, each by name."""
    select = Label.select()
    where = _listed(principal, query)
    if where is not None:
        select = select.where(where)
    labels = list(select.order_by(Label.project.is_null(False), Label.project, _by_name()))
    return LabelList(items=_outs(principal, labels))


@unit_of_work(write=True)
def create_label(principal: Principal, data: LabelIn) -> LabelOut:
    _require_manager(principal, data.project_id)
    _check_name_free(data.name, data.project_id)
    label = Label.create(name=data.name, colour=data.colour, project=data.project_id, created_at=utcnow())
    return _outs(principal, [label])[0]


@unit_of_work(write=True)
def update_label(principal: Principal, label_id: int, patch: LabelPatch) -> LabelOut:
    """Rename or recolour; every task carrying it shows the change."""
    label = _require_label(principal, label_id)
    _require_manager(principal, label.project_id)
    if patch.name is not None:
        _check_name_free(patch.name, label.project_id, keep_id=label.id)
        label.name = patch.name
    if patch.colour is not None:
        label.colour = patch.colour
    label.save()
    _touch_tasks_of(label.id)
    return _outs(principal, [label])[0]


@unit_of_work(write=True)
def delete_label(principal: Principal, label_id: int) -> None:
    """Delete the label; it leaves every task that carried it."""
    label = _require_label(principal, label_id)
    _require_manager(principal, label.project_id)
    _touch_tasks_of(label.id)
    Label.delete().where(Label.id == label.id).execute()  # task_label rows go with it (ON DELETE CASCADE)


def _touch_tasks_of(label_id: int) -> None:
    """Tasks whose labels changed count as updated (the list's "recently updated" order, caches keyed on it)."""
    carrying = TaskLabel.select(TaskLabel.task).where(TaskLabel.label == label_id)
    Task.update(updated_at=utcnow()).where(Task.id.in_(carrying)).execute()


# A task's labels


def usable_labels(label_ids: Iterable[int], project_id: int | None, field: str = "label_ids") -> list[Label]:
    """The labels with these ids, each usable on a task in `project_id` (422 naming the first that is not)."""
    ids = list(dict.fromkeys(label_ids))
    if not ids:
        return []
    found = {label.id: label for label in Label.select().where(Label.id.in_(ids))}
    for label_id in ids:
        label = found.get(label_id)
        if label is None:
            raise ValidationFailed.for_field(field, f"there is no label with id {label_id}")
        if label.project_id is not None and label.project_id != project_id:
            # The id, not the name: the label may be a project's the caller cannot see.
            raise ValidationFailed.for_field(field, f"label {label_id} {FOREIGN_LABEL}")
    return [found[label_id] for label_id in ids]


def _by_name() -> Any:
    """Label names sort without case on both databases (COLLATE NOCASE is SQLite's own)."""
    return fn.lower(Label.name) if is_postgresql() else Label.name.collate("NOCASE")


def _names(label_ids: Iterable[int]) -> str:
    ids = list(label_ids)
    names = rows_of(Label.select(Label.name).where(Label.id.in_(ids)).order_by(_by_name()))
    return ", ".join(str(name) for (name,) in names)


def current_label_ids(task_id: int) -> set[int]:
    return {int(i) for (i,) in rows_of(TaskLabel.select(TaskLabel.label).where(TaskLabel.task == task_id))}


def set_labels(task: Task, labels: list[Label], actor_id: int | None) -> bool:
    """Make `labels` the task's labels (already checked usable); logs the change; returns whether anything changed."""
    before = current_label_ids(task.id)
    after = {label.id for label in labels}
    if before == after:
        return False
    old_names = _names(before)
    TaskLabel.delete().where(TaskLabel.task == task.id, TaskLabel.label.in_(list(before - after))).execute()
    rows = [{"task": task.id, "label": label_id} for label_id in after - before]
    if rows:
        TaskLabel.insert_many(rows).execute()
    log(task.id, actor_id, "updated", "labels", old_names or None, _names(after) or None)
    Task.update(updated_at=utcnow()).where(Task.id == task.id).execute()
    return True


# The labels of list rows: one query per page (hand-written, like the list itself)

_LABELS_OF = (
    "SELECT tl.task_id, l.id, l.name, l.colour, l.project_id FROM task_label tl JOIN label l ON l.id = tl.label_id "
    "WHERE tl.task_id IN ({marks}) ORDER BY {by_name}, l.id"
)
CHUNK = 500  # SQLite caps the variables of one statement


def attach_labels(items: list[dict[str, Any]]) -> None:
    """Fill each row's `labels` (LabelRef-shaped dicts, by name)."""
    by_task: dict[int, list[dict[str, Any]]] = {}
    for item in items:
        item["labels"] = by_task.setdefault(item["id"], [])
    ids = list(by_task)
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        marks = ", ".join("?" * len(chunk))
        sql = _LABELS_OF.format(marks=marks, by_name=nocase("l.name"))  # only constant fragments are formatted in
        for task_id, label_id, name, colour, project_id in run_sql(sql, chunk).fetchall():
            by_task[task_id].append({"id": label_id, "name": name, "colour": colour, "project_id": project_id})
