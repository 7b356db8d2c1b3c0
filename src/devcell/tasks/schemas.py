"""Request and response bodies of the tasks API."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field, field_validator

from devcell.core.pagination import PageQuery
from devcell.projects.schemas import ProjectRef, StrictModel, UserRef, refuse_null

TaskStatus = Literal["todo", "in_progress", "blocked", "done"]
Priority = Literal["low", "normal", "high", "urgent"]
Sort = Literal["updated", "-updated", "due", "-due", "priority", "-priority", "created", "-created", "title", "status"]
BulkAction = Literal["status", "shift_due", "assign", "archive", "restore", "move"]

Title = Annotated[str, Field(min_length=1, max_length=200)]
Markdown = Annotated[str, Field(max_length=20_000)]
Progress = Annotated[int, Field(ge=0, le=100)]
MAX_BULK = 500


def _as_list(value: Any) -> Any:
    """A query parameter given once arrives as a string, repeated as a list; presets send lists."""
    return [value] if isinstance(value, str) else value


def _bool_text(value: Any) -> Any:
    """`archived` is false|true|all; presets may store it as a JSON boolean."""
    return str(value).lower() if isinstance(value, bool) else value


class TaskQuery(PageQuery):
    """Filters of the task list, the CSV export and saved presets. All filters combine with AND."""

    mine: bool = Field(False, description="only tasks I created or am assigned to")
    assignee: int | Literal["none"] | None = Field(None, description="a user id, or none for unassigned tasks")
    project: int | Literal["none"] | None = Field(None, description="a project id, or none for personal tasks")
    status: list[TaskStatus] = Field(default_factory=list, description="repeat for several")
    priority: list[Priority] = Field(default_factory=list, description="repeat for several")
    q: Annotated[str, Field(max_length=200)] = Field("", description="text in the title or description")
    due_before: date | None = Field(None, description="due on or before this day")
    due_after: date | None = Field(None, description="due on or after this day")
    overdue: bool = Field(False, description="due before my today and not done")
    archived: Literal["false", "true", "all"] = "false"
    origin_standup: int | None = None
    sort: Sort = "-updated"

    _lists = field_validator("status", "priority", mode="before")(_as_list)
    _archived = field_validator("archived", mode="before")(_bool_text)


class ExportQuery(TaskQuery):
    """The list's filters; `limit` and `offset` are accepted but the export returns up to 10,000 rows."""


class TaskCreate(StrictModel):
    title: Title
    description: Markdown = ""
    status: TaskStatus = "todo"
    progress: Progress = 0
    priority: Priority = "normal"
    due_date: date | None = None
    assignee_id: int | None = None
    project_id: int | None = None


class TaskPatch(StrictModel):
    """Only the fields sent change. null clears due_date and assignee_id, and makes project_id personal."""

    title: Title | None = None
    description: Markdown | None = None
    status: TaskStatus | None = None
    progress: Progress | None = None
    priority: Priority | None = None
    due_date: date | None = None
    assignee_id: int | None = None
    project_id: int | None = None
    archived: bool | None = None

    _not_null = field_validator("title", "status", "progress", "priority", "archived", mode="before")(refuse_null)


class TaskOut(BaseModel):
    id: int
    title: str
    description: str
    status: TaskStatus
    progress: int
    priority: Priority
    due_date: date | None
    overdue: bool
    creator: UserRef
    assignee: UserRef | None
    project: ProjectRef | None
    origin_standup_id: int | None
    archived: bool
    created_at: datetime
    updated_at: datetime
    completed_at: datetime | None
    can_edit: bool
    comment_count: int


class TaskPage(BaseModel):
    items: list[TaskOut]
    total: int
    limit: int
    offset: int


class BulkIn(StrictModel):
    ids: Annotated[list[int], Field(min_length=1, max_length=MAX_BULK)]
    action: BulkAction
    status: TaskStatus | None = None
    days: Annotated[int, Field(ge=-365, le=365)] | None = None
    assignee_id: int | None = None
    project_id: int | None = None


class Skipped(BaseModel):
    id: int
    reason: str


class BulkResult(BaseModel):
    updated: int
    skipped: list[Skipped]


class CommentIn(StrictModel):
    body: Annotated[str, Field(min_length=1, max_length=10_000)]


class CommentOut(BaseModel):
    id: int
    author: UserRef
    body: str
    created_at: datetime


class CommentList(BaseModel):
    items: list[CommentOut]


class ActivityOut(BaseModel):
    id: int
    actor: UserRef | None
    action: str
    field: str
    old_value: str | None
    new_value: str | None
    created_at: datetime


class ActivityList(BaseModel):
    items: list[ActivityOut]


class PresetIn(StrictModel):
    name: Annotated[str, Field(min_length=1, max_length=60)]
    filters: dict[str, Any] = Field(description="task list query parameters, e.g. {status: [blocked], mine: true}")


class PresetOut(BaseModel):
    id: int
    name: str
    filters: dict[str, Any]
    created_at: datetime


class PresetList(BaseModel):
    items: list[PresetOut]


# Signals: what this slice announces (core/signals.py) for others to act on, e.g. notifications. Plain frozen
# dataclasses, not API shapes: they carry raw ids and the values before and after a change.


@dataclass(frozen=True)
class TaskSignal:
    task_id: int
    actor_id: int | None
    project_id: int | None
    title: str
    creator_id: int
    assignee_id: int | None


@dataclass(frozen=True)
class TaskCreated(TaskSignal):
    description: str


@dataclass(frozen=True)
class TaskChanged(TaskSignal):
    changes: dict[str, tuple[Any, Any]]  # field -> (old, new), only the fields that changed


@dataclass(frozen=True)
class TaskCommented(TaskSignal):
    comment_id: int
    body: str
