"""Request and response bodies of the workflows API."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, Field, field_validator

from devcell.core.pagination import Page, PageQuery
from devcell.projects.schemas import StrictModel, UserRef

PipelineId = Literal["feature", "pr_review", "bug_triage"]
RunStatus = Literal["queued", "running", "succeeded", "failed", "cancelled"]
StepStatus = Literal["pending", "running", "done", "failed", "skipped"]
MAX_TITLES = 50
TaskTitle = Annotated[str, Field(min_length=1, max_length=200)]


class RoleOut(BaseModel):
    id: str
    name: str


class PipelineOut(BaseModel):
    id: PipelineId
    name: str
    description: str
    roles: list[RoleOut]
    artifacts: list[str]


class PipelineList(BaseModel):
    items: list[PipelineOut]


class WorkflowIn(StrictModel):
    pipeline: PipelineId
    input: Annotated[str, Field(min_length=1, max_length=20_000)]
    title: Annotated[str, Field(max_length=120)] = Field("", description="empty: the input's first line")
    project_id: int | None = None


class ErrorOut(BaseModel):
    code: str
    message: str


class StepOut(BaseModel):
    index: int
    role: str
    name: str
    status: StepStatus
    output: str
    omitted: str | None = Field(description="what was left out of this role's prompt to fit the model's context")
    started_at: datetime | None
    finished_at: datetime | None
    truncated: bool = Field(default=False, description="the model stopped at its length limit: the output is cut off")


class WorkflowSummary(BaseModel):
    id: int
    pipeline: PipelineId
    title: str
    project_id: int | None
    status: RunStatus
    error: ErrorOut | None
    job_id: str | None
    created_by: UserRef
    created_at: datetime
    finished_at: datetime | None


class WorkflowOut(WorkflowSummary):
    input: str
    steps: list[StepOut]
    artifacts: dict[str, str] = Field(description="artifact name -> Markdown, for the steps that are done")
    task_titles: list[str] = Field(description="the list items of the tasks artifact")


WorkflowPage = Page[WorkflowSummary]


class WorkflowQuery(PageQuery):
    pass


class TasksIn(StrictModel):
    titles: Annotated[list[TaskTitle], Field(min_length=1, max_length=MAX_TITLES)]
    project_id: int | None = Field(None, description="absent: the workflow's project; null: personal tasks")

    @field_validator("titles", mode="after")
    @classmethod
    def _squeeze(cls, titles: list[str]) -> list[str]:
        return [" ".join(t.split()) for t in titles]


class CreatedTask(BaseModel):
    id: int
    title: str


class TasksOut(BaseModel):
    created: list[CreatedTask]
    skipped: list[str] = Field(description="titles already made into tasks from this workflow (or repeated)")
