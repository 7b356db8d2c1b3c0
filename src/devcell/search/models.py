"""The index's rows: a document's passages (with the full-text index beside them) and what the vector index was
built with (schema: core/migrations/m0005_knowledge.py)."""

from __future__ import annotations

from peewee import AutoField, CharField, ForeignKeyField, IntegerField, TextField

from devcell.core.db import BaseModel
from devcell.documents.models import Document


class Chunk(BaseModel):
    id = AutoField()
    document = ForeignKeyField(Document, backref="chunks", on_delete="CASCADE")
    seq = IntegerField()
    heading = TextField(default="")
    page = IntegerField(null=True)
    text = TextField()


class KnowledgeMeta(BaseModel):
    key = CharField(primary_key=True)
    value = TextField()

    class Meta:
        table_name = "knowledge_meta"
        without_rowid = True
