"""SummaryCache and Sitrep rows (schema: core/migrations/m0008_assistant.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from peewee import AutoField, BooleanField, CharField, ForeignKeyField, IntegerField, TextField

from devcell.accounts.models import User
from devcell.core.db import BaseModel, UTCDateTimeField
from devcell.projects.models import Project


class SummaryCache(BaseModel):
    """A generated summary, keyed by a hash of its kind, parameters and the exact inputs it was made from."""

    key = CharField(primary_key=True)
    kind = CharField()  # standups | project
    markdown = TextField()
    sources = TextField()  # JSON list of SourceRef
    omitted = TextField(null=True)
    model = CharField()
    created_at = UTCDateTimeField()
    truncated = BooleanField(default=False)
    warnings = TextField(default="[]")  # JSON list of sentences: what the reader must know


class Sitrep(BaseModel):
    id = AutoField()
    title = CharField()
    status = CharField(default="generating")  # generating | ready | failed
    error_code = CharField(null=True)
    error_message = TextField(null=True)
    markdown = TextField(default="")
    sources = TextField(default="[]")  # JSON list of SourceRef
    instructions = TextField(default="")
    project = ForeignKeyField(Project, backref="+", null=True, on_delete="SET NULL")
    days = IntegerField()
    use_knowledge = BooleanField(default=False)
    omitted = TextField(null=True)
    model = CharField(default="")
    job_id = CharField(null=True)
    created_by = ForeignKeyField(User, backref="+")
    created_at = UTCDateTimeField()
    finished_at = UTCDateTimeField(null=True)
    truncated = BooleanField(default=False)
    warnings = TextField(default="[]")  # JSON list of sentences: what the reader must know

    if TYPE_CHECKING:  # peewee adds an `<fk>_id` accessor per foreign key; tell the type checker about them
        project_id: int | None
        created_by_id: int
