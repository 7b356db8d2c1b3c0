"""Document rows: the files of the knowledgebase and their indexing state (the search slice keeps it up to date;
schema: core/migrations/m0005_knowledge.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from peewee import AutoField, CharField, ForeignKeyField, IntegerField, TextField

from devcell.accounts.models import User
from devcell.core.db import BaseModel, UTCDateTimeField
from devcell.projects.models import Project


class Document(BaseModel):
    id = AutoField()
    title = CharField()  # a display name only; never used as a path
    kind = CharField()  # md | txt | pdf
    origin = CharField()  # upload | note | scan
    path = CharField(unique=True)  # relative to the knowledgebase directory, chosen by the server
    size = IntegerField(default=0)
    mtime_ns = IntegerField(default=0)
    sha256 = CharField(default="")
    owner = ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL")
    project = ForeignKeyField(Project, null=True, backref="+", on_delete="CASCADE")
    status = CharField(default="queued")  # queued | indexing | indexed | failed
    reason = TextField(default="")
    job_id = CharField(null=True)
    indexed_sha256 = CharField(default="")
    indexed_version = CharField(default="")
    pages = IntegerField(null=True)
    chunk_count = IntegerField(default=0)
    created_at = UTCDateTimeField()
    updated_at = UTCDateTimeField()

    if TYPE_CHECKING:  # peewee adds an `<fk>_id` accessor per foreign key; tell the type checker about them
        owner_id: int | None
        project_id: int | None
