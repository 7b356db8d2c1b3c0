"""Request and response bodies of the finder (GET /api/find)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, Field

from devcell.projects.schemas import StrictModel

FindKind = Literal["task", "project", "document", "person"]
MAX_QUERY = 100
MAX_LIMIT = 20


class FindQuery(StrictModel):
    q: Annotated[
        str,
        Field(
            min_length=1,
            max_length=MAX_QUERY,
            description="words that must all appear (case-insensitive, anywhere in a word); #123 is task 123",
        ),
    ]
    limit: Annotated[int, Field(ge=1, le=MAX_LIMIT, description="results per group")] = 5


class FindHit(BaseModel):
    id: int
    title: str
    subtitle: str
    url: str = Field(description="the page that opens it")


class FindGroup(BaseModel):
    kind: FindKind
    label: str
    items: list[FindHit]


class FindOut(BaseModel):
    q: str
    groups: list[FindGroup] = Field(description="tasks, projects, documents, people; only groups with results")
