"""Access-checked views of tracked jobs, and the view of the scheduler, for the API."""

from __future__ import annotations

from datetime import UTC

from devcell.core.auth import Principal
from devcell.core.db import is_postgresql
from devcell.core.errors import Conflict, NotFound
from devcell.core.jobs import JobRunner, JobSnapshot
from devcell.core.processes import PROCESS_ID, live_processes
from devcell.core.scheduler import ScheduleEntry, Scheduler
from devcell.core.schemas import JobOut
from devcell.operations.schemas import (
    JobPage,
    JobQuery,
    ProcessesOut,
    ProcessOut,
    ScheduleEntryOut,
    ScheduleOut,
    ScheduleRunOut,
)


def _visible(snap: JobSnapshot | None, who: Principal) -> JobSnapshot:
    # Another user's job answers 404, not 403: job ids are not something to confirm to others.
    if snap is None or (not who.is_admin and snap.owner_id != who.user_id):
        raise NotFound("There is no such job.", code="job_not_found")
    return snap


def job_out(snap: JobSnapshot) -> JobOut:
    return JobOut.model_validate(snap)


def list_jobs(runner: JobRunner, who: Principal, query: JobQuery) -> JobPage:
    owner = None if (query.everyone and who.is_admin) else who.user_id
    snaps, total = runner.history(owner, query.limit, query.offset)
    return JobPage(items=[job_out(s) for s in snaps], total=total, limit=query.limit, offset=query.offset)


def get_job(runner: JobRunner, who: Principal, job_id: str) -> JobOut:
    return job_out(_visible(runner.get(job_id), who))


def cancel_job(runner: JobRunner, who: Principal, job_id: str) -> JobOut:
    _visible(runner.get(job_id), who)
    if not runner.cancel(job_id):
        raise Conflict("This job has already finished.", code="job_finished")
    return get_job(runner, who, job_id)


def _run_out(snap: JobSnapshot | None) -> ScheduleRunOut | None:
    if snap is None:
        return None
    seconds = (snap.finished_at - snap.started_at).total_seconds() if snap.finished_at and snap.started_at else None
    return ScheduleRunOut(
        id=snap.id,
        status=snap.status,
        started_at=snap.started_at,
        finished_at=snap.finished_at,
        seconds=None if seconds is None else round(seconds, 2),
        message=snap.message,
        error=snap.error,
    )


def _entry_out(entry: ScheduleEntry) -> ScheduleEntryOut:
    return ScheduleEntryOut(
        name=entry.name,
        title=entry.title,
        schedule=entry.schedule,
        next_run_at=entry.next_run_at.astimezone(UTC) if entry.next_run_at else None,
        last_run=_run_out(entry.last_run),
        running=entry.running,
        runs_here=entry.runs_here,
    )


def schedule(scheduler: Scheduler) -> ScheduleOut:
    return ScheduleOut(items=[_entry_out(e) for e in scheduler.entries()])


def processes() -> ProcessesOut:
    return ProcessesOut(
        database="postgresql" if is_postgresql() else "sqlite",
        processes=[
            ProcessOut(
                name=row.name,
                host=row.host,
                pid=row.pid,
                version=row.version,
                started_at=row.started_at,
                seen_at=row.seen_at,
                runs_scheduler=row.runs_scheduler,
                database_ms=row.database_ms,
                vectors=row.vectors,
                vectors_ms=row.vectors_ms,
                this=row.id == PROCESS_ID,
            )
            for row in live_processes()
        ],
    )
