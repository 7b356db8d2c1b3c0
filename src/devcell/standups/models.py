"""Standup rows (schema: core/migrations/m0003_work_tracking.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from peewee import AutoField, DateField, ForeignKeyField, TextField

from devcell.accounts.models import User
from devcell.core.db import BaseModel, UTCDateTimeField
from devcell.projects.models import Project


class Standup(BaseModel):
    id = AutoField()
    author = ForeignKeyField(User, backref="+")
    day = DateField()  # the author's local day the entry is for
    yesterday = TextField(default="")
    today = TextField(default="")
    blockers = TextField(default="")
    project = ForeignKeyField(Project, backref="standups", null=True, on_delete="SET NULL")
    created_at = UTCDateTimeField()
    updated_at = UTCDateTimeField()

    if TYPE_CHECKING:  # peewee adds an `<fk>_id` accessor per foreign key; tell the type checker about them
        author_id: int
        project_id: int | None
