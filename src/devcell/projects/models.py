"""Project and ProjectMember rows (schema: core/migrations/m0003_work_tracking.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from peewee import AutoField, BooleanField, CharField, CompositeKey, ForeignKeyField, TextField

from devcell.accounts.models import User
from devcell.core.db import BaseModel, UTCDateTimeField


class Project(BaseModel):
    id = AutoField()
    name = CharField(unique=True)
    description = TextField(default="")
    status = CharField(default="active")  # planned | active | blocked | done
    archived = BooleanField(default=False)
    standup_time = CharField(default="")  # "HH:MM" in the appliance time zone; "": the global setting (m0017)
    created_by = ForeignKeyField(User, backref="+")
    created_at = UTCDateTimeField()
    updated_at = UTCDateTimeField()

    if TYPE_CHECKING:  # peewee adds an `<fk>_id` accessor per foreign key; tell the type checker about them
        created_by_id: int


class ProjectMember(BaseModel):
    project = ForeignKeyField(Project, backref="members", on_delete="CASCADE")
    user = ForeignKeyField(User, backref="+", on_delete="CASCADE")
    role = CharField()  # owner | member | viewer
    added_at = UTCDateTimeField()

    if TYPE_CHECKING:
        project_id: int
        user_id: int

    class Meta:
        primary_key = CompositeKey("project", "user")
        without_rowid = True
