"""The dashboard's one response body."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, Field

from devcell.projects.schemas import ProjectStatus, TaskCounts, UserRef
from devcell.tasks.schemas import TaskOut


class StandupStatus(BaseModel):
    filed: bool
    id: int | None
    day: date = Field(description="the caller's local today")


class MyTasks(BaseModel):
    """Non-archived tasks I created or am assigned to, by status; done ones only if completed lately."""

    todo: int = 0
    in_progress: int = 0
    blocked: int = 0
    done_recent: int = Field(0, description="completed in the last 14 local days (archived ones too)")


class ActivityItem(BaseModel):
    kind: Literal["task", "standup"]
    id: int
    title: str
    actor: UserRef
    action: str = Field(description="task: created|updated|commented|archived|restored|moved; standup: filed")
    at: datetime


class ProjectCard(BaseModel):
    id: int
    name: str
    status: ProjectStatus
    member_count: int
    task_counts: TaskCounts
    last_update: datetime = Field(description="latest change to the project or any of its tasks")


class DayCount(BaseModel):
    day: date
    count: int


class DashboardOut(BaseModel):
    today: date
    standup: StandupStatus
    my_tasks: MyTasks
    due_soon: list[TaskOut] = Field(description="mine, not done, due within 7 days, soonest first (max 10)")
    overdue: list[TaskOut] = Field(description="mine, not done, due before today, oldest first (max 10)")
    recent_activity: list[ActivityItem] = Field(description="newest first (max 20), only what I may see")
    projects: list[ProjectCard] = Field(description="my projects, not archived, most recently active first (max 12)")
    completed_by_day: list[DayCount] = Field(description="14 entries, oldest first, by my local day")
