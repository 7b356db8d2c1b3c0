"""Request and response bodies of the search API: search, cited answers and the index's status."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, Field

from devcell.documents.schemas import Kind
from devcell.projects.schemas import StrictModel


class SearchQuery(StrictModel):
    q: Annotated[str, Field(min_length=1, max_length=500)]
    limit: Annotated[int, Field(ge=1, le=20)] = 5
    project: int | None = Field(None, description="only documents of this project (and everyone's)")


class PassageOut(BaseModel):
    """One passage on its own, to show it where it stands in its document (a citation's link opens it)."""

    chunk_id: int
    document_id: int
    document_title: str
    kind: Kind
    heading: str
    page: int | None
    text: str = Field(description="the passage as it was indexed (Markdown for Markdown documents)")


class Passage(PassageOut):
    # A passage found for a question: with its neighbours and how close it is (no docstring: it would become
    # the schema's description, which the generated client types repeat).
    text: str = Field(description="the matching passage")
    context: str = Field(description="the passage with its neighbours before and after")
    similarity: float | None = Field(
        description="cosine similarity to the question, 0-1, higher is better; null when it could not be measured "
        "(the knowledge worker is down and the passage was found by its words)"
    )


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
    citations: list[Citation] = Field(
        description="llm: the sources the answer cites (only those); extracts: the best matching passages"
    )
    degraded: bool = Field(False, description=DEGRADED)
    truncated: bool = Field(default=False, description="the model stopped at its length limit: the answer is cut off")
    warnings: list[str] = Field(
        default_factory=list, description="what the reader should know: cut off, cites no or unknown sources"
    )


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
    unreachable: str | None = Field(
        None,
        description="The Chroma server (DEVCELL_CHROMA_URL) that does not answer; search uses keywords until it"
        " does. None with the embedded index or while the server answers.",
    )
