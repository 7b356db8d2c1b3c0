"""Saved task-list filters, per user."""

from __future__ import annotations

from typing import Any

import orjson
from peewee import IntegrityError
from pydantic import ValidationError

from devcell.core.db import unit_of_work, utcnow
from devcell.core.errors import ValidationFailed
from devcell.tasks.errors import PresetNameTaken, PresetNotFound
from devcell.tasks.models import TaskPreset
from devcell.tasks.schemas import PresetIn, PresetList, PresetOut, TaskQuery

PAGING = {"limit", "offset"}  # a preset is a filter, not a page


def _filters(raw: dict[str, Any]) -> dict[str, Any]:
    """Validate the filters as the list would (so a preset never stores a 422) and keep only the ones set."""
    try:
        query = TaskQuery.model_validate({k: v for k, v in raw.items() if k not in PAGING})
    except ValidationError as exc:
        detail = [
            {"field": ".".join(["filters", *(str(p) for p in err["loc"])]), "message": err["msg"]}
            for err in exc.errors(include_url=False)
        ]
        raise ValidationFailed(f"{detail[0]['field']}: {detail[0]['message']}", detail=detail) from None
    return query.model_dump(mode="json", exclude_defaults=True, exclude=PAGING)


def _out(preset: TaskPreset) -> PresetOut:
    return PresetOut(id=preset.id, name=preset.name, filters=orjson.loads(preset.filters), created_at=preset.created_at)


@unit_of_work()
def list_presets(user_id: int) -> PresetList:
    rows = TaskPreset.select().where(TaskPreset.user == user_id).order_by(TaskPreset.name)
    return PresetList(items=[_out(p) for p in rows])


@unit_of_work(write=True)
def create_preset(user_id: int, data: PresetIn) -> PresetOut:
    filters = orjson.dumps(_filters(data.filters)).decode()
    try:
        preset = TaskPreset.create(user=user_id, name=data.name, filters=filters, created_at=utcnow())
    except IntegrityError:
        raise PresetNameTaken(data.name) from None
    return _out(preset)


@unit_of_work(write=True)
def delete_preset(user_id: int, preset_id: int) -> None:
    """Someone else's preset is a 404, like one that does not exist."""
    deleted = TaskPreset.delete().where(TaskPreset.id == preset_id, TaskPreset.user == user_id).execute()
    if not deleted:
        raise PresetNotFound(preset_id)
