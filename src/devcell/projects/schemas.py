"""Request and response bodies of the projects API (and UserRef, the user shape every work slice shows)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator

from devcell.core.pagination import Page, PageQuery

ProjectStatus = Literal["planned", "active", "blocked", "done"]
ProjectRole = Literal["owner", "member", "viewer"]
ArchivedFilter = Literal["false", "true", "all"]

ProjectName = Annotated[str, Field(min_length=1, max_length=120)]
Markdown = Annotated[str, Field(max_length=20_000)]


def _clock_time(value: str) -> str:
    hour, sep, minute = value.partition(":")
    if value and not (sep and len(hour) == 2 and hour.isdigit() and minute.isdigit() and len(minute) == 2):
        raise ValueError("must be a time like 09:30 (24-hour clock), or empty for the team's standup time")
    if value and (int(hour) > 23 or int(minute) > 59):
        raise ValueError("must be a time like 09:30 (24-hour clock), or empty for the team's standup time")
    return value


# A project's own standup time (appliance time zone); empty: the global standup_reminder_time setting.
StandupTime = Annotated[
    str,
    Field(max_length=5, description='"HH:MM" in the appliance time zone; "" for the global standup time'),
    AfterValidator(_clock_time),
]


class StrictModel(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


def refuse_null(value: object) -> object:
    """For PATCH fields that cannot be cleared: absent means unchanged, so an explicit null is a mistake."""
    if value is None:
        raise ValueError("may not be null; leave the field out to keep it")
    return value


class UserRef(BaseModel):
    id: int
    username: str
    display_name: str


class ProjectRef(BaseModel):
    id: int
    name: str


class TaskCounts(BaseModel):
    """Non-archived tasks of a project by status."""

    total: int = 0
    todo: int = 0
    in_progress: int = 0
    blocked: int = 0
    done: int = 0


class ProjectOut(BaseModel):
    id: int
    name: str
    description: str
    status: ProjectStatus
    archived: bool
    standup_time: str = Field(description='own team standup time "HH:MM" (appliance time zone); "": the global one')
    created_by: UserRef
    created_at: datetime
    updated_at: datetime
    my_role: ProjectRole | None = Field(description="null for an administrator who is not a member")
    can_edit: bool = Field(description="may edit the project's content (member, owner or administrator)")
    can_manage: bool = Field(description="may change settings and members (owner or administrator)")
    member_count: int
    task_counts: TaskCounts


class ProjectPage(Page[ProjectOut]):
    pass


class ProjectQuery(PageQuery):
    q: Annotated[str, Field(max_length=100)] = ""
    status: ProjectStatus | None = None
    archived: ArchivedFilter = "false"
    mine: bool = Field(False, description="only projects I am a member of (matters for administrators)")


class ProjectCreate(StrictModel):
    name: ProjectName
    description: Markdown = ""
    status: ProjectStatus = "active"
    standup_time: StandupTime = ""


class ProjectPatch(StrictModel):
    """Only the fields sent change; none of them may be null."""

    name: ProjectName | None = None
    description: Markdown | None = None
    status: ProjectStatus | None = None
    archived: bool | None = None
    standup_time: StandupTime | None = None

    _not_null = field_validator("name", "status", "archived", "standup_time", mode="before")(refuse_null)


class DeleteProjectQuery(StrictModel):
    tasks: Literal["archive", "delete"] = Field(
        description="archive: the project's tasks become archived personal tasks; delete: they are deleted"
    )


class MemberOut(BaseModel):
    user: UserRef
    role: ProjectRole
    added_at: datetime


class MemberList(BaseModel):
    items: list[MemberOut]


class MemberAdd(StrictModel):
    username: Annotated[str, Field(min_length=1, max_length=64)]
    role: ProjectRole = "member"


class MemberPatch(StrictModel):
    role: ProjectRole


# Signals: what this slice announces (core/signals.py) for others to act on, e.g. notifications of @mentions.


@dataclass(frozen=True)
class ProjectDescribed:
    """A project was created with a description or its description changed; `before` is the text it replaced."""

    project_id: int
    actor_id: int
    name: str
    text: str
    before: str
