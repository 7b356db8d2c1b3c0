"""Request and response bodies of the standups API."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from devcell.core.pagination import Page, PageQuery
from devcell.projects.schemas import ProjectRef, UserRef
from devcell.tasks.schemas import TaskOut

Section = Literal["yesterday", "today", "blockers"]
TaskStatus = Literal["todo", "in_progress", "blocked", "done"]
SECTIONS: tuple[Section, ...] = ("yesterday", "today", "blockers")

Markdown = Annotated[str, Field(max_length=10_000)]


class StrictModel(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class StandupCreate(StrictModel):
    """The author is always the caller (no name field to fill in and have overwritten)."""

    day: date | None = Field(None, description="my today (default) or my next working day")
    yesterday: Markdown = ""
    today: Markdown = ""
    blockers: Markdown = ""
    project_id: int | None = None

    @model_validator(mode="after")
    def _says_something(self) -> StandupCreate:
        if not any(getattr(self, section) for section in SECTIONS):
            raise ValueError("write at least one of yesterday, today or blockers")
        return self


class StandupPatch(StrictModel):
    """Only the fields sent change; null or "" clears a section, null project_id unties the project.

    The day cannot change: it is what makes the entry unique per user."""

    yesterday: Markdown | None = None
    today: Markdown | None = None
    blockers: Markdown | None = None
    project_id: int | None = None


class LinkedTask(BaseModel):
    id: int
    title: str
    status: TaskStatus


class StandupOut(BaseModel):
    id: int
    author: UserRef
    day: date
    yesterday: str
    today: str
    blockers: str
    project: ProjectRef | None
    created_at: datetime
    updated_at: datetime
    can_edit: bool
    tasks: list[LinkedTask] = Field(description="tasks converted from this entry that the caller can see")


class StandupPage(Page[StandupOut]):
    pass


class StandupQuery(PageQuery):
    day: date | None = None
    from_: date | None = Field(None, alias="from", description="first day, inclusive")
    to: date | None = Field(None, description="last day, inclusive")
    author: int | None = Field(None, description="user id")
    project: int | None = Field(None, description="project id")


class ExportQuery(StrictModel):
    day: date
    project: int | None = None


class RosterQuery(StrictModel):
    day: date | None = Field(None, description="the day (default: the caller's local today)")
    project: int | None = Field(None, description="project id: its members; without it, everyone")


class RosterOut(BaseModel):
    """Who filed a standup for the day, who has not, and who is away (their away dates include the day)."""

    day: date
    filed: list[UserRef]
    missing: list[UserRef]
    away: list[UserRef]


class TodayOut(BaseModel):
    day: date = Field(description="the caller's local today")
    next_working_day: date
    mine: StandupOut | None = Field(description="the caller's entry for today, if filed")


class ConvertItem(StrictModel):
    section: Section
    text: Annotated[str, Field(min_length=1, max_length=200, description="the task title")]
    status: TaskStatus | None = Field(None, description="default: blocked for blockers, else todo")
    project_id: int | None = Field(None, description="absent: the standup's project; null: a personal task")
    due_date: date | None = None
    assignee_id: int | None = Field(
        default=None, description="absent: the standup's author (if they can work on the project); null: unassigned"
    )


class ConvertIn(StrictModel):
    items: Annotated[list[ConvertItem], Field(min_length=1, max_length=50)]


class ConvertOut(BaseModel):
    tasks: list[TaskOut]


@dataclass(frozen=True)
class StandupFiled:
    """Signal (core/signals.py): an entry was filed or edited; `before` holds the sections as they were (empty
    for a new entry), so listeners can tell what is new."""

    standup_id: int
    author_id: int
    project_id: int | None
    day: date
    sections: dict[str, str]
    before: dict[str, str]
