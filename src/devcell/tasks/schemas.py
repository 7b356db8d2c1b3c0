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
BulkAction = Literal["status", "shift_due", "assign", "archive", "restore", "move", "add_label", "remove_label"]
# Named colours, never raw values: the UI maps each to a background and text pair that keeps WCAG AA contrast in
# both themes, and a chip always shows the name (colour is never the only cue).
LabelColour = Literal["red", "orange", "yellow", "green", "teal", "blue", "purple", "pink", "grey"]

Title = Annotated[str, Field(min_length=1, max_length=200)]
Markdown = Annotated[str, Field(max_length=20_000)]
Progress = Annotated[int, Field(ge=0, le=100)]
LabelName = Annotated[str, Field(min_length=1, max_length=40)]
LabelIds = Annotated[list[int], Field(max_length=20, description="labels of the task: global or its project's")]
ChecklistText = Annotated[str, Field(min_length=1, max_length=500)]
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
    label: Annotated[list[int], Field(max_length=10)] = Field(
        default_factory=list, description="a label id; repeat for several: tasks carrying all of them"
    )
    sort: Sort = "-updated"

    _lists = field_validator("status", "priority", "label", mode="before")(_as_list)
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
    label_ids: LabelIds = Field(default_factory=list)


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
    label_ids: LabelIds | None = Field(None, description="the task's labels from now on (all of them)")

    _not_null = field_validator("title", "status", "progress", "priority", "archived", "label_ids", mode="before")(
        refuse_null
    )


class LabelRef(BaseModel):
    id: int
    name: str
    colour: LabelColour
    project_id: int | None


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
    labels: list[LabelRef]
    checklist_done: int
    checklist_total: int


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
    label_id: int | None = None


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


class LabelQuery(StrictModel):
    """Which labels: those usable on a project's tasks (global and its own), on personal tasks (global), or all
    the caller can see. Not paged: a team has tens of labels."""

    project: int | Literal["none"] | None = Field(None, description="a project id, or none for personal tasks")


class LabelIn(StrictModel):
    name: LabelName
    colour: LabelColour
    project_id: int | None = Field(None, description="the project whose tasks may use it; null: every task (admin)")


class LabelPatch(StrictModel):
    name: LabelName | None = None
    colour: LabelColour | None = None

    _not_null = field_validator("name", "colour", mode="before")(refuse_null)


class LabelOut(LabelRef):
    project: ProjectRef | None
    can_manage: bool


class LabelList(BaseModel):
    items: list[LabelOut]


class ChecklistItemIn(StrictModel):
    text: ChecklistText


class ChecklistItemPatch(StrictModel):
    """Edit the text, tick or untick, or move the item to `position` (0 is the top)."""

    text: ChecklistText | None = None
    done: bool | None = None
    position: Annotated[int, Field(ge=0)] | None = None

    _not_null = field_validator("text", "done", "position", mode="before")(refuse_null)


class ChecklistItemOut(BaseModel):
    id: int
    text: str
    done: bool
    position: int


class ChecklistOut(BaseModel):
    items: list[ChecklistItemOut]
    done: int
    total: int


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
