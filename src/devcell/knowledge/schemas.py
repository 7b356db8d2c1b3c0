"""Request and response bodies of the knowledge API."""

from __future__ import annotations

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
    q: Annotated[str, Field(max_length=200)] = Field("", description="text in the title")
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
    title: Title
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


class SearchQuery(StrictModel):
    q: Annotated[str, Field(min_length=1, max_length=500)]
    limit: Annotated[int, Field(ge=1, le=20)] = 5
    project: int | None = Field(None, description="only documents of this project (and everyone's)")


class Passage(BaseModel):
    chunk_id: int
    document_id: int
    document_title: str
    kind: Kind
    heading: str
    page: int | None
    text: str = Field(description="the matching passage")
    context: str = Field(description="the passage with its neighbours before and after")
    similarity: float = Field(description="cosine similarity to the question, 0-1, higher is better")


DEGRADED = (
    "true while the semantic index is damaged or being rebuilt (a job started by itself): the passages come from"
    " the keyword index"
)


class SearchOut(BaseModel):
    query: str
    items: list[Passage]
    took_ms: float
    degraded: bool = Field(False, description=DEGRADED)


class AskIn(StrictModel):
    question: Annotated[str, Field(min_length=1, max_length=2000)]
    use_llm: bool = True
    stream: bool = False
    project: int | None = None


class Citation(Passage):
    number: int


class AskOut(BaseModel):
    question: str
    mode: Literal["llm", "extracts"] = Field(description="llm: an answer citing [n]; extracts: passages only")
    answer: str | None
    note: str
    citations: list[Citation]
    degraded: bool = Field(False, description=DEGRADED)


class ScanOut(BaseModel):
    found: int
    added: int
    changed: int
    removed: int
    queued: int
    took_ms: float


class StatusOut(BaseModel):
    documents: dict[str, int]
    chunks: int
    vectors: int | None = Field(
        description="None while the index has not been opened (no knowledge use yet), and for non-administrators"
        " (it counts every project's passages)"
    )
    model: str
    dimension: int
    chunker: str
    model_ready: bool
    consistent: bool | None
    problems: list[str]


class LLMTestOut(BaseModel):
    ok: bool
    base_url: str
    models: list[str]
    model_available: bool | None
    took_ms: float
    error: dict[str, str] | None = None


class LLMTestIn(StrictModel):
    pass
