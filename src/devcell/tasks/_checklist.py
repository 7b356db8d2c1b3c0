"""A task's checklist: ordered items (text, done), edited by whoever may edit the task and read by whoever sees it.
Positions run 0, 1, 2 ... without gaps; a move shifts the items in between by one."""

from __future__ import annotations

from typing import TYPE_CHECKING

from devcell.core.db import unit_of_work, utcnow
from devcell.core.errors import ValidationFailed
from devcell.tasks._access import require_task
from devcell.tasks._changes import log
from devcell.tasks.errors import ChecklistItemNotFound
from devcell.tasks.models import Task, TaskChecklistItem
from devcell.tasks.schemas import ChecklistItemIn, ChecklistItemOut, ChecklistItemPatch, ChecklistOut

if TYPE_CHECKING:
    from devcell.core.auth import Principal

MAX_ITEMS = 100  # a checklist longer than this is a project plan: split the task


def _items(task_id: int) -> list[TaskChecklistItem]:
    query = TaskChecklistItem.select().where(TaskChecklistItem.task == task_id)
    return list(query.order_by(TaskChecklistItem.position, TaskChecklistItem.id))


def _item_out(item: TaskChecklistItem) -> ChecklistItemOut:
    return ChecklistItemOut(id=item.id, text=item.text, done=item.done, position=item.position)


def _checklist(task_id: int) -> ChecklistOut:
    items = _items(task_id)
    return ChecklistOut(
        items=[_item_out(item) for item in items], done=sum(item.done for item in items), total=len(items)
    )


def _require_item(task_id: int, item_id: int) -> TaskChecklistItem:
    item = TaskChecklistItem.get_or_none(TaskChecklistItem.id == item_id, TaskChecklistItem.task == task_id)
    if item is None:
        raise ChecklistItemNotFound(task_id, item_id)
    return item


def _touch(task_id: int) -> None:
    """A checklist change is news on the task, as a comment is: it moves up in "recently updated"."""
    Task.update(updated_at=utcnow()).where(Task.id == task_id).execute()


@unit_of_work()
def get_checklist(principal: Principal, task_id: int) -> ChecklistOut:
    require_task(principal, task_id, "see")
    return _checklist(task_id)


@unit_of_work(write=True)
def add_item(principal: Principal, task_id: int, data: ChecklistItemIn) -> ChecklistItemOut:
    """Append an item at the end (422 past MAX_ITEMS)."""
    require_task(principal, task_id, "edit")
    count = TaskChecklistItem.select().where(TaskChecklistItem.task == task_id).count()
    if count >= MAX_ITEMS:
        raise ValidationFailed.for_field("text", f"a checklist holds at most {MAX_ITEMS} items")
    now = utcnow()
    item = TaskChecklistItem.create(task=task_id, text=data.text, position=count, created_at=now, updated_at=now)
    log(task_id, principal.user_id, "updated", "checklist", None, data.text)
    _touch(task_id)
    return _item_out(item)


def _move(task_id: int, item: TaskChecklistItem, position: int) -> None:
    others = [other for other in _items(task_id) if other.id != item.id]
    if position > len(others):
        raise ValidationFailed.for_field("position", f"must be between 0 and {len(others)} (the last item)")
    others.insert(position, item)
    for index, each in enumerate(others):
        if each.position != index:
            TaskChecklistItem.update(position=index).where(TaskChecklistItem.id == each.id).execute()
    item.position = position


@unit_of_work(write=True)
def update_item(principal: Principal, task_id: int, item_id: int, patch: ChecklistItemPatch) -> ChecklistItemOut:
    """Edit the text, tick or untick, move: only the fields sent change."""
    require_task(principal, task_id, "edit")
    item = _require_item(task_id, item_id)
    if patch.position is not None and patch.position != item.position:
        _move(task_id, item, patch.position)
    if patch.text is not None and patch.text != item.text:
        log(task_id, principal.user_id, "updated", "checklist", item.text, patch.text)
        item.text = patch.text
    if patch.done is not None and patch.done != item.done:
        log(task_id, principal.user_id, "checked" if patch.done else "unchecked", "checklist", None, item.text)
        item.done = patch.done
    item.updated_at = utcnow()
    TaskChecklistItem.update(text=item.text, done=item.done, updated_at=item.updated_at).where(
        TaskChecklistItem.id == item.id
    ).execute()
    _touch(task_id)
    return _item_out(item)


@unit_of_work(write=True)
def delete_item(principal: Principal, task_id: int, item_id: int) -> None:
    require_task(principal, task_id, "edit")
    item = _require_item(task_id, item_id)
    item.delete_instance()
    TaskChecklistItem.update(position=TaskChecklistItem.position - 1).where(
        TaskChecklistItem.task == task_id, TaskChecklistItem.position > item.position
    ).execute()
    log(task_id, principal.user_id, "updated", "checklist", item.text, None)
    _touch(task_id)
