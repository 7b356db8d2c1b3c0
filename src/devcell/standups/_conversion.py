"""Turn chosen standup lines into tasks that remember their origin, all or none in one write transaction."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from devcell.core.db import unit_of_work
from devcell.core.errors import ValidationFailed
from devcell.core.field_errors import field_errors
from devcell.standups import _access
from devcell.standups.models import Standup
from devcell.standups.schemas import ConvertIn, ConvertItem, ConvertOut, Section, TaskStatus
from devcell.tasks import service as tasks
from devcell.tasks.schemas import TaskCreate, TaskOut

if TYPE_CHECKING:
    from devcell.core.auth import Principal

DEFAULT_STATUS: dict[Section, TaskStatus] = {"yesterday": "todo", "today": "todo", "blockers": "blocked"}
# TaskCreate's names for what the client sent as a ConvertItem field, so a 422 points at the right input.
ITEM_FIELD = {"title": "text"}


def _task_data(standup: Standup, item: ConvertItem) -> TaskCreate:
    # Absent project_id: the task lands where the standup is; an explicit null makes a personal task.
    project_id = item.project_id if "project_id" in item.model_fields_set else standup.project_id
    # Absent assignee_id: the standup's author (so the tasks show under their tasks) when they can work on the
    # task's project; an explicit null leaves the task unassigned.
    if "assignee_id" in item.model_fields_set:
        assignee_id = item.assignee_id
    else:
        author_id = int(standup.author_id)
        assignee_id = author_id if tasks.can_be_assigned(author_id, project_id) else None
    return TaskCreate(
        title=item.text,
        status=item.status or DEFAULT_STATUS[item.section],
        project_id=project_id,
        due_date=item.due_date,
        assignee_id=assignee_id,
    )


def _field_errors(exc: ValidationError) -> list[dict[str, Any]]:
    # In plain words, like every other 422 (core/field_errors.py): never pydantic's "Value error, ..." prefix.
    return list(field_errors(exc, lambda loc: ".".join(str(part) for part in loc)))


def _for_item(index: int, detail: list[dict[str, Any]]) -> ValidationFailed:
    """The tasks slice names fields of one task; the client sent a list of items."""
    named = [
        {"field": f"items.{index}.{ITEM_FIELD.get(d['field'], d['field'])}", "message": d["message"]} for d in detail
    ]
    return ValidationFailed(f"{named[0]['field']}: {named[0]['message']}", detail=named)


def _create(principal: Principal, standup: Standup, index: int, item: ConvertItem, zone: str) -> TaskOut:
    # Every refusal is a 422 naming the item, never a 500 (upstream bug B9: a bad status escaped as a crash).
    try:
        return tasks.create_task(principal, _task_data(standup, item), origin_standup_id=standup.id, default_tz=zone)
    except ValidationError as exc:
        raise _for_item(index, _field_errors(exc)) from None
    except ValidationFailed as exc:
        if isinstance(exc.detail, list) and exc.detail:
            raise _for_item(index, exc.detail) from None
        raise


@unit_of_work(write=True)
def convert(principal: Principal, visibility: str, appliance_zone: str, standup_id: int, data: ConvertIn) -> ConvertOut:
    """Author (or admin) only. Each task is created through the tasks slice (its rules and activity log apply);
    any refusal rolls every task of this request back."""
    standup = _access.get_editable(principal, visibility, standup_id)
    made = [_create(principal, standup, i, item, appliance_zone) for i, item in enumerate(data.items)]
    return ConvertOut(tasks=made)
