"""Bulk actions on selected tasks: all-or-nothing on permission, one transaction, same rules as PATCH. A task
the caller may not change (or, for a move, may not take out of its scope) refuses the whole request with a 403
that names it; tasks that cannot take this change for another reason are skipped, each with its reason."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from devcell.core.db import unit_of_work
from devcell.core.errors import ValidationFailed
from devcell.tasks import _changes, _labels
from devcell.tasks._access import check_move_out, require_task
from devcell.tasks.models import Task
from devcell.tasks.schemas import BulkIn, BulkResult, Skipped

if TYPE_CHECKING:
    from devcell.core.auth import Principal

# What one task should become, or a reason to skip it.
Plan = Callable[[Task], "dict[str, Any] | str"]


def _needs(data: BulkIn, field: str) -> None:
    if field not in data.model_fields_set or getattr(data, field) is None:
        raise ValidationFailed.for_field(field, f"is required for action {data.action!r}")


def _assignee_fits(task: Task, assignee_id: int | None, project_id: int | None) -> bool:
    return assignee_id is None or project_id is None or _changes.can_be_assigned(assignee_id, project_id)


def _plan(principal: Principal, data: BulkIn) -> Plan:
    """Validate the action's own fields once, and return how it changes each task."""
    if data.action == "status":
        _needs(data, "status")
        return lambda task: {"status": data.status}
    if data.action == "shift_due":
        _needs(data, "days")
        days = timedelta(days=data.days or 0)
        return lambda task: "has no due date" if task.due_date is None else {"due_date": task.due_date + days}
    if data.action in ("archive", "restore"):
        return lambda task: {"archived": data.action == "archive"}
    if data.action == "assign":
        _changes.check_assignee(data.assignee_id, None)  # active user; project membership is per task below
        return _assign_plan(data.assignee_id)
    if data.action in ("add_label", "remove_label"):
        _needs(data, "label_id")
        return lambda task: {}  # labels are not task fields: see _bulk_label
    _changes.check_target_project(principal, data.project_id)  # move: member role in the target (A5)
    return _move_plan(data.project_id)


def _assign_plan(assignee_id: int | None) -> Plan:
    def plan(task: Task) -> dict[str, Any] | str:
        if not _assignee_fits(task, assignee_id, task.project_id):
            return "the assignee is not a member or owner of the task's project"
        return {"assignee_id": assignee_id}

    return plan


def _move_plan(project_id: int | None) -> Plan:
    def plan(task: Task) -> dict[str, Any] | str:
        if not _assignee_fits(task, task.assignee_id, project_id):
            return "the assignee is not a member or owner of the target project"
        return {"project_id": project_id}

    return plan


@unit_of_work(write=True)
def bulk_update(principal: Principal, data: BulkIn) -> BulkResult:
    """Every id is checked before anything changes: one invisible task is a 404, one the caller cannot edit a
    403, and then no task changes (the original skipped them silently)."""
    ids = list(dict.fromkeys(data.ids))  # keep the caller's order, drop repeats
    tasks = [require_task(principal, task_id, "edit") for task_id in ids]
    plan = _plan(principal, data)
    if data.action == "move":  # a move is a delete from the old scope: the same all-or-nothing 403 as above
        for task in tasks:
            check_move_out(principal, task, data.project_id)
    if data.action in ("add_label", "remove_label"):
        return _bulk_label(principal, tasks, data)
    updated, skipped = 0, []
    for task in tasks:
        change = plan(task)
        if isinstance(change, str):
            skipped.append(Skipped(id=task.id, reason=change))
        elif _changes.apply(task, change, principal.user_id):
            updated += 1
        else:
            skipped.append(Skipped(id=task.id, reason="already so"))
    return BulkResult(updated=updated, skipped=skipped)


def _bulk_label(principal: Principal, tasks: list[Task], data: BulkIn) -> BulkResult:
    """Add the label to (or remove it from) each task; a task in a project the label does not belong to is
    skipped, as is one that already has (or lacks) it. A label the caller cannot see is a 422."""
    label_id = data.label_id or 0
    label = _labels.visible_label(principal, label_id, "label_id")
    updated, skipped = 0, []
    for task in tasks:
        have = _labels.current_label_ids(task.id)
        if data.action == "add_label" and label.project_id not in (None, task.project_id):
            skipped.append(Skipped(id=task.id, reason=f"the label {_labels.FOREIGN_LABEL}"))
            continue
        wanted = have | {label_id} if data.action == "add_label" else have - {label_id}
        if wanted == have:
            skipped.append(Skipped(id=task.id, reason="already so"))
            continue
        _labels.set_labels(task, _labels.usable_labels(wanted, task.project_id), principal.user_id)
        updated += 1
    return BulkResult(updated=updated, skipped=skipped)
