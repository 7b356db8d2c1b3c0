"""Request and response shapes of the notifications slice, and the kinds of notification there are."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from devcell.core.pagination import Page, PageQuery
from devcell.projects.schemas import UserRef

Kind = Literal["assigned", "unassigned", "comment", "mention", "status", "due", "reminder", "blocker", "job"]

# What each kind is, as the Profile page's preferences list it (order kept).
KINDS: dict[str, str] = {
    "assigned": "A task is assigned to me",
    "unassigned": "I am unassigned from a task",
    "comment": "A comment on a task I created, am assigned to or watch",
    "mention": "Someone @mentions me (task, comment, standup, note)",
    "status": "Someone else changes the status of a task I created, am assigned to or watch",
    "due": "My task is due tomorrow or overdue (once, in my morning)",
    "reminder": "A standup reminder, when I have not filed by the standup time (unless I am away)",
    "blocker": "A blocker in a standup of a project I own",
    "job": "My SITREP, workflow or indexing finished or failed",
}


# When news joins an unread notification about the same subject, the more important kind keeps the headline.
KIND_RANK: dict[str, int] = {"assigned": 3, "unassigned": 3, "mention": 3, "blocker": 2}


class NotificationQuery(PageQuery):
    unread: bool = False


class NotificationOut(BaseModel):
    id: int
    kind: Kind
    actor: UserRef | None
    title: str
    excerpt: str
    link: str
    events: int  # more than 1: later news about the same subject joined this unread notification
    created_at: datetime
    read_at: datetime | None


class NotificationPage(Page[NotificationOut]):
    unread: int


class UnreadOut(BaseModel):
    unread: int


class ReadAllIn(BaseModel):
    """Mark read everything up to `up_to_id` (the newest one the user has seen), so a notification that arrives
    while they click is not swallowed; without it, everything."""

    model_config = ConfigDict(extra="forbid")
    up_to_id: int | None = None


class PreferenceOut(BaseModel):
    kind: Kind
    label: str
    enabled: bool


class PreferenceList(BaseModel):
    items: list[PreferenceOut]


class PreferencePatch(BaseModel):
    model_config = ConfigDict(extra="forbid")
    enabled: dict[Kind, bool]


class WatchOut(BaseModel):
    watching: bool


class MentionableQuery(BaseModel):
    """Where the @mention is written: an item being edited (`kind` + `id`), or a new one (`kind` + `project_id`,
    or neither: a personal task, the team's standup, a note for everyone)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    kind: Literal["task", "standup", "note", "project"]
    id: Annotated[int, Field(ge=1, le=2**63 - 1)] | None = Field(None, description="the item being edited")
    project_id: Annotated[int, Field(ge=1, le=2**63 - 1)] | None = Field(None, description="a new item's project")
    q: Annotated[str, Field(max_length=100)] = Field("", description="what was typed after the @")
    limit: Annotated[int, Field(ge=1, le=50)] = 10


class MentionableOut(BaseModel):
    """People who can see the item, best matches first (user names starting with `q`, then display names)."""

    items: list[UserRef]
