"""Request and response bodies of the documents API: listing, documents and notes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, Field, field_validator

from devcell.core.pagination import PageQuery
from devcell.projects.schemas import ProjectRef, StrictModel, UserRef, refuse_null

DocStatus = Literal["queued", "indexing", "indexed", "failed"]
Kind = Literal["md", "txt", "pdf"]
Origin = Literal["upload", "note", "scan"]
Title = Annotated[str, Field(min_length=1, max_length=200)]
NoteText = Annotated[str, Field(min_length=1, max_length=1_000_000)]


class DocumentQuery(PageQuery):
    q: Annotated[str, Field(max_length=200)] = Field(default="", description="words in the title or the text")
    status: DocStatus | None = None
    kind: Kind | None = None
    origin: Origin | None = None
    project: int | Literal["none"] | None = Field(None, description="a project id, or none for everyone's")
    mine: bool = Field(False, description="only documents I added")


class DocumentOut(BaseModel):
    id: int
    title: str
    kind: Kind
    origin: Origin
    size: int
    status: DocStatus
    reason: str
    job_id: str | None
    pages: int | None
    chunk_count: int
    owner: UserRef | None
    project: ProjectRef | None
    can_delete: bool
    can_edit: bool
    created_at: datetime
    updated_at: datetime


class DocumentPage(BaseModel):
    items: list[DocumentOut]
    total: int
    limit: int
    offset: int


class DocumentDetail(DocumentOut):
    text: str | None = Field(None, description="the Markdown or text of md/txt documents and notes")


class NoteCreate(StrictModel):
    title: Title | None = Field(
        default=None, description="left out: the text's first Markdown heading (or its first line)"
    )
    text: NoteText
    project_id: int | None = None


class NotePatch(StrictModel):
    title: Title | None = None
    text: NoteText | None = None


class DocumentPatch(StrictModel):
    """Re-scope or rename any document; a field left out stays as it is."""

    title: Title | None = None
    project_id: int | None = Field(None, description="a project id, or null for everyone")

    _not_null = field_validator("title", mode="before")(refuse_null)


# Signals: what this slice announces (core/signals.py) for others to act on, e.g. notifications of @mentions.


@dataclass(frozen=True)
class NoteWritten:
    """A note was written or its text changed; `before` is the text it replaced ("" for a new note)."""

    document_id: int
    actor_id: int
    project_id: int | None
    title: str
    text: str
    before: str
