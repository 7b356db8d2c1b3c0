"""Workflow runs: create, read, list, cancel, delete, the steps' state as the job moves on, and tasks made from
the tasks artifact (no duplicates on repeat)."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from devcell.accounts.service import get_user
from devcell.assistant.workflows._pipelines import PIPELINES, TASKS_ARTIFACT, Pipeline
from devcell.assistant.workflows._transcript import Transcripts
from devcell.assistant.workflows.errors import WorkflowNotFound
from devcell.assistant.workflows.models import WorkflowRun, WorkflowStep, WorkflowTask
from devcell.assistant.workflows.schemas import (
    CreatedTask,
    ErrorOut,
    PipelineList,
    PipelineOut,
    RoleOut,
    StepOut,
    TasksIn,
    TasksOut,
    WorkflowIn,
    WorkflowOut,
    WorkflowPage,
    WorkflowQuery,
    WorkflowSummary,
)
from devcell.core.db import transaction, unit_of_work, utcnow
from devcell.core.jobs import JobRunner
from devcell.projects import service as projects
from devcell.projects.schemas import UserRef
from devcell.tasks import service as tasks
from devcell.tasks.schemas import TaskCreate

if TYPE_CHECKING:
    from devcell.core.auth import Principal

ACTIVE = ("queued", "running")
UNSTARTED_GRACE = timedelta(minutes=1)
INTERRUPTED = "Interrupted: DevCell stopped while this workflow ran."
TITLE_CHARS = 120
LIST_ITEM = re.compile(r"^ ?(?:[-*+]|\d{1,3}[.)])\s+(?:\[[ xX]\]\s+)?(.+?)\s*$")
DETAIL_SEPARATOR = re.compile(r"\s+[-–—]\s+|:\s")  # noqa: RUF001 - dashes a model writes between title and detail
EMPHASIS = re.compile(r"\*\*|__|`")
MAX_TASK_TITLE = 200


def pipelines() -> PipelineList:
    return PipelineList(items=[_pipeline_out(p) for p in PIPELINES.values()])


def _pipeline_out(pipeline: Pipeline) -> PipelineOut:
    roles = [RoleOut(id=r.id, name=r.name) for r in pipeline.roles]
    return PipelineOut(id=pipeline.id, name=pipeline.name, description=pipeline.description, roles=roles,  # type: ignore[arg-type]
                       artifacts=pipeline.artifacts)  # fmt: skip


def task_titles(markdown: str) -> list[str]:
    """The top-level list items of the tasks artifact, each cut to its title (detail after a dash or colon)."""
    titles: list[str] = []
    seen: set[str] = set()
    for line in markdown.splitlines():
        match = LIST_ITEM.match(line)
        if not match:
            continue
        title = DETAIL_SEPARATOR.split(EMPHASIS.sub("", match.group(1)), maxsplit=1)[0]
        title = " ".join(title.split()).rstrip(".:;")[:MAX_TASK_TITLE].strip()
        if title and title.casefold() not in seen:
            seen.add(title.casefold())
            titles.append(title)
    return titles[:50]


# Reading


def _user_ref(user_id: int) -> UserRef:
    user = get_user(user_id)
    return UserRef(id=user.id, username=user.username, display_name=user.display_name)


def _summary_fields(run: WorkflowRun, author: UserRef) -> dict[str, Any]:
    error = ErrorOut(code=run.error_code, message=run.error_message or "") if run.error_code else None
    return {"id": run.id, "pipeline": run.pipeline, "title": run.title, "project_id": run.project_id,
            "status": run.status, "error": error, "job_id": run.job_id, "created_by": author,
            "created_at": run.created_at, "finished_at": run.finished_at}  # fmt: skip


def _out(run: WorkflowRun) -> WorkflowOut:
    roles = {r.id: r for r in PIPELINES[run.pipeline].roles}
    rows = list(WorkflowStep.select().where(WorkflowStep.run == run.id).order_by(WorkflowStep.position))
    steps = [
        StepOut.model_validate({"index": s.position, "role": s.role, "name": roles[s.role].name,
                                "status": s.status, "output": s.output, "omitted": s.omitted,
                                "started_at": s.started_at, "finished_at": s.finished_at,
                                "truncated": s.truncated})
        for s in rows
    ]  # fmt: skip
    artifacts = {roles[s.role].artifact: s.output for s in rows if s.status == "done"}
    return WorkflowOut(
        **_summary_fields(run, _user_ref(run.created_by_id)), input=run.input, steps=steps, artifacts=artifacts,
        task_titles=task_titles(artifacts.get(TASKS_ARTIFACT, "")),
    )  # fmt: skip


def _own(principal: Principal, run_id: int) -> WorkflowRun:
    run = WorkflowRun.get_or_none(WorkflowRun.id == run_id)
    if run is None or run.created_by_id != principal.user_id:
        raise WorkflowNotFound(run_id)
    return run


def _stale(run: WorkflowRun, live: Transcripts) -> bool:
    """Shown as active without a live transcript: a restart cut it off. (A run just created has no job and no
    transcript for a moment; only an old one without a job is stale.)"""
    if run.status not in ACTIVE or live.get(run.id) is not None:
        return False
    return run.job_id is not None or run.created_at < utcnow() - UNSTARTED_GRACE


def _mark_interrupted(run_ids: list[int]) -> None:
    with transaction(write=True):
        for run_id in run_ids:
            _finish(run_id, "failed", "interrupted", INTERRUPTED, only_if_active=True)


def get_run(principal: Principal, run_id: int, live: Transcripts) -> WorkflowOut:
    with transaction():
        run = _own(principal, run_id)
    if _stale(run, live):
        _mark_interrupted([run_id])
    with transaction():
        return _out(_own(principal, run_id))


@unit_of_work()
def run_out(run_id: int) -> WorkflowOut | None:
    """For the job: the run as it is now, or None when it was deleted meanwhile."""
    run = WorkflowRun.get_or_none(WorkflowRun.id == run_id)
    return _out(run) if run else None


def _page(principal: Principal, query: WorkflowQuery) -> tuple[list[WorkflowRun], int]:
    with transaction():
        mine = WorkflowRun.select().where(WorkflowRun.created_by_id == principal.user_id)
        return list(mine.order_by(WorkflowRun.id.desc()).limit(query.limit).offset(query.offset)), mine.count()


def list_runs(principal: Principal, query: WorkflowQuery, live: Transcripts) -> WorkflowPage:
    """The caller's runs, newest first."""
    rows, total = _page(principal, query)
    stale = [r.id for r in rows if _stale(r, live)]
    if stale:
        _mark_interrupted(stale)
        rows, total = _page(principal, query)
    author = _user_ref(principal.user_id)
    return WorkflowPage.of([WorkflowSummary(**_summary_fields(r, author)) for r in rows], total, query)


# Writing


def default_title(data: WorkflowIn) -> str:
    if data.title:
        return data.title
    first = next((line.strip() for line in data.input.splitlines() if line.strip()), "")
    first = first.lstrip("#>*- ").strip() or PIPELINES[data.pipeline].name
    return first if len(first) <= TITLE_CHARS else first[: TITLE_CHARS - 1].rstrip() + "…"


@unit_of_work(write=True)
def create_run(principal: Principal, data: WorkflowIn) -> tuple[int, str | None]:
    """A queued run with its pending steps; returns its id and the project's name (viewers may label a run)."""
    project = projects.require_project(principal, data.project_id) if data.project_id is not None else None
    now = utcnow()
    run = WorkflowRun.create(pipeline=data.pipeline, title=default_title(data), input=data.input,
                             project_id=data.project_id, status="queued", created_by_id=principal.user_id,
                             created_at=now)  # fmt: skip
    for position, role in enumerate(PIPELINES[data.pipeline].roles):
        WorkflowStep.create(run=run.id, position=position, role=role.id, status="pending")
    return run.id, project.name if project else None


@unit_of_work(write=True)
def set_job(run_id: int, job_id: str) -> None:
    WorkflowRun.update(job_id=job_id).where(WorkflowRun.id == run_id).execute()


@unit_of_work(write=True)
def start_run(run_id: int) -> bool:
    """queued -> running; False when it was cancelled (or deleted) before the job got to it."""
    changed = WorkflowRun.update(status="running").where(WorkflowRun.id == run_id, WorkflowRun.status == "queued")
    return bool(changed.execute())


@unit_of_work(write=True)
def step_started(run_id: int, position: int, omitted: str | None) -> None:
    WorkflowStep.update(status="running", started_at=utcnow(), omitted=omitted).where(
        WorkflowStep.run == run_id, WorkflowStep.position == position
    ).execute()


@unit_of_work(write=True)
def step_ended(run_id: int, position: int, status: str, output: str, truncated: bool = False) -> None:
    WorkflowStep.update(status=status, output=output, finished_at=utcnow(), truncated=truncated).where(
        WorkflowStep.run == run_id, WorkflowStep.position == position
    ).execute()


def _finish(run_id: int, status: str, code: str | None, message: str | None, only_if_active: bool = False) -> int:
    """The run's final state; steps that did not end are skipped. Inside the caller's write transaction."""
    query = WorkflowRun.update(status=status, error_code=code, error_message=message, finished_at=utcnow())
    query = query.where(WorkflowRun.id == run_id)
    if only_if_active:
        query = query.where(WorkflowRun.status.in_(ACTIVE))
    changed = int(query.execute())
    if changed:
        WorkflowStep.update(status="skipped", finished_at=utcnow()).where(
            WorkflowStep.run == run_id, WorkflowStep.status.in_(["pending", "running"])
        ).execute()
    return changed


@unit_of_work(write=True)
def finish_run(run_id: int, status: str, code: str | None = None, message: str | None = None) -> None:
    """The job's last word on its run; a final state already written (cancel, interrupted) stands."""
    _finish(run_id, status, code, message, only_if_active=True)


def _stop(run: WorkflowRun, jobs: JobRunner, live: Transcripts) -> None:
    """Ask the job to stop; a run whose job has not started yet is ended here (the job will never run it)."""
    if run.job_id:
        jobs.cancel(run.job_id)
    with transaction(write=True):
        ended = _finish(run.id, "cancelled", None, None, only_if_active=True) if run.status == "queued" else 0
    if ended:
        transcript = live.get(run.id)
        if transcript is not None:
            out = run_out(run.id)
            if out is not None:
                transcript.publish("done", out.model_dump(mode="json"))
        live.end(run.id)


def cancel_run(principal: Principal, run_id: int, jobs: JobRunner, live: Transcripts) -> WorkflowOut:
    """Stop a run: no further LLM call, the current stream abandoned, finished steps kept. A finished run is
    left as it is."""
    with transaction():
        run = _own(principal, run_id)
    if run.status in ACTIVE:
        _stop(run, jobs, live)
    return get_run(principal, run_id, live)


def delete_run(principal: Principal, run_id: int, jobs: JobRunner, live: Transcripts) -> None:
    with transaction():
        run = _own(principal, run_id)
    if run.status in ACTIVE:
        _stop(run, jobs, live)
    with transaction(write=True):
        WorkflowRun.delete().where(WorkflowRun.id == run_id).execute()


def _description(run: WorkflowRun) -> str:
    return f'From the workflow "{run.title}" ({PIPELINES[run.pipeline].name}, #{run.id}).'


@unit_of_work(write=True)
def create_tasks(principal: Principal, run_id: int, data: TasksIn, default_tz: str = "UTC") -> TasksOut:
    """One task per title, in the workflow's project unless the request names another (null: personal).
    A title already made into a task from this workflow, whose task still exists, is skipped; so is a repeat."""
    run = _own(principal, run_id)
    project_id = data.project_id if "project_id" in data.model_fields_set else run.project_id
    earlier = {row.title.casefold(): row for row in WorkflowTask.select().where(WorkflowTask.run == run_id)}
    created: list[CreatedTask] = []
    skipped: list[str] = []
    for title in data.titles:
        row = earlier.get(title.casefold())
        if row is not None and row.task_id is not None:
            skipped.append(title)
            continue
        task = tasks.create_task(principal, TaskCreate(title=title, description=_description(run),
                                                       project_id=project_id), None, default_tz)  # fmt: skip
        if row is None:
            earlier[title.casefold()] = WorkflowTask.create(run=run_id, title=title, task_id=task.id,
                                                            created_at=utcnow())  # fmt: skip
        else:
            WorkflowTask.update(task_id=task.id).where(WorkflowTask.id == row.id).execute()
            row.task_id = task.id
        created.append(CreatedTask(id=task.id, title=task.title))
    return TasksOut(created=created, skipped=skipped)
