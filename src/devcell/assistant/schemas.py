"""Request and response bodies of the summaries and SITREP APIs."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import BaseModel, Field

from devcell.core.pagination import Page, PageQuery
from devcell.projects.schemas import StrictModel, UserRef

SourceKind = Literal["standup", "task", "project", "document"]
SitrepStatus = Literal["generating", "ready", "failed"]
Day = date  # the `date` fields below would shadow the type inside their class


class SourceRef(BaseModel):
    """An input the model was given, numbered as the prompt (and the answer's [n] references) numbered it."""

    number: int
    kind: SourceKind
    id: int
    title: str
    url: str = Field(description="the page that opens it, e.g. /tasks/12 or /standups?day=2025-01-02#standup-7")


class StandupSummaryIn(StrictModel):
    date: Day | None = Field(None, description="default: your today (your time zone, else the appliance's)")
    project_id: int | None = Field(None, description="only this project's standups (viewer or above)")
    refresh: bool = Field(False, description="generate again even when the inputs did not change")


class ProjectSummaryIn(StrictModel):
    project_id: int
    days: Annotated[int, Field(ge=1, le=90)] = 7
    refresh: bool = False


class SummaryOut(BaseModel):
    kind: Literal["standups", "project"]
    date: Day | None
    project_id: int | None
    days: int | None
    markdown: str
    sources: list[SourceRef] = Field(description="the inputs the summary cites (only those)")
    cached: bool = Field(description="true: the same inputs were summarised before; no LLM call was made")
    generated_at: datetime
    omitted: str | None = Field(description="what was left out to fit the model's context, if anything")
    model: str
    truncated: bool = Field(default=False, description="the model stopped at its length limit: the end is missing")
    warnings: list[str] = Field(
        default_factory=list, description="what the reader must know: incomplete, or checks it failed (unchecked)"
    )


class SitrepIn(StrictModel):
    title: Annotated[str, Field(max_length=120)] = Field("", description="default: SITREP <date>")
    instructions: Annotated[str, Field(max_length=4000)] = Field("", description="what to focus on, for the model")
    project_id: int | None = Field(None, description="only this project (viewer or above)")
    days: Annotated[int, Field(ge=1, le=31)] = 1
    use_knowledge: bool = Field(False, description="add matching knowledgebase passages as sources")


class SitrepError(BaseModel):
    code: str
    message: str


class SitrepOut(BaseModel):
    id: int
    title: str
    status: SitrepStatus
    error: SitrepError | None
    markdown: str
    sources: list[SourceRef]
    instructions: str
    project_id: int | None
    days: int
    use_knowledge: bool
    omitted: str | None
    model: str
    job_id: str | None
    created_by: UserRef
    created_at: datetime
    finished_at: datetime | None
    truncated: bool = Field(default=False, description="the model stopped at its length limit: the end is missing")
    warnings: list[str] = Field(
        default_factory=list, description="what the reader must know: incomplete, or checks it failed (unchecked)"
    )


class SitrepPage(Page[SitrepOut]):
    pass


class SitrepQuery(PageQuery):
    pass
