"""Request and response bodies of the training API."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import BaseModel, Field, field_validator

from devcell.core.pagination import PageQuery
from devcell.projects.schemas import ProjectRef, StrictModel, UserRef, refuse_null

Priority = Literal["low", "normal", "high", "urgent"]
RoadmapFormat = Literal["auto", "markdown", "json", "text"]
TaskStatus = Literal["todo", "in_progress", "blocked", "done"]

MAX_UNITS = 500
MAX_WEEK = 104
Title = Annotated[str, Field(min_length=1, max_length=200)]
Description = Annotated[str, Field(max_length=4000)]
Week = Annotated[int, Field(ge=1, le=MAX_WEEK)]
PlanTitle = Annotated[str, Field(min_length=1, max_length=120)]


class Unit(StrictModel):
    """One piece of a roadmap a learner can finish and tick off; becomes one task when seeded."""

    title: Title
    description: Description = ""
    week: Week
    priority: Priority = "normal"


class TransformIn(StrictModel):
    text: Annotated[str, Field(min_length=1, max_length=50_000)]
    format: RoadmapFormat = "auto"
    project_id: int
    notes: Annotated[str, Field(max_length=2000)] = ""


class TransformOut(BaseModel):
    """Units to preview and edit; nothing is stored until a plan is created from them."""

    units: list[Unit]
    warnings: list[str]
    source: Literal["json", "llm"]


class SampleOut(BaseModel):
    title: str
    format: Literal["markdown"]
    text: str


class PlanCreate(StrictModel):
    project_id: int
    title: PlanTitle
    units: Annotated[list[Unit], Field(min_length=1, max_length=MAX_UNITS)]


class PlanPatch(StrictModel):
    title: PlanTitle | None = None

    _not_null = field_validator("title", mode="before")(refuse_null)


class UnitPatch(StrictModel):
    """Only the fields sent change."""

    title: Title | None = None
    description: Description | None = None
    week: Week | None = None
    priority: Priority | None = None

    _not_null = field_validator("title", "description", "week", "priority", mode="before")(refuse_null)


class PlanQuery(PageQuery):
    project: int | None = Field(None, description="only this project's plans")


class PlanUnitOut(BaseModel):
    id: int
    title: str
    description: str
    week: int
    priority: Priority
    task_id: int | None = Field(description="the task seeded from this unit, while it exists and you can see it")
    task_status: TaskStatus | None
    task_due_date: date | None


class WeekProgress(BaseModel):
    week: int
    units: int
    seeded: int
    done: int
    in_progress: int


class _PlanHead(BaseModel):
    """What a plan and its list entry share."""

    id: int
    project_id: int
    project: ProjectRef
    title: str
    created_by: UserRef
    created_at: datetime
    updated_at: datetime


class PlanOut(_PlanHead):
    can_edit: bool
    units: list[PlanUnitOut]
    progress: list[WeekProgress]


class PlanSummary(_PlanHead):
    units: int
    weeks: int
    seeded: int
    done: int


class PlanPage(BaseModel):
    items: list[PlanSummary]
    total: int
    limit: int
    offset: int


class SeedIn(StrictModel):
    unit_ids: Annotated[list[int], Field(min_length=1, max_length=MAX_UNITS)]
    start_date: date = Field(description="the first day of week 1; a unit of week n is due start + 7n - 1 days")
    assignee_id: int | None = None


class SeedCreated(BaseModel):
    unit_id: int
    task_id: int
    title: str
    due_date: date


class SeedSkipped(BaseModel):
    unit_id: int
    task_id: int | None
    reason: str


class SeedOut(BaseModel):
    created: list[SeedCreated]
    skipped: list[SeedSkipped]
