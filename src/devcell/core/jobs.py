"""Tracked background jobs: bounded worker threads, progress, cancel, results, and a persisted history."""

from __future__ import annotations

import asyncio
import logging
import threading
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any, Literal, cast

import orjson
from peewee import CharField, IntegerField, TextField

from devcell.core.db import BaseModel, UTCDateTimeField, is_postgresql, transaction, upsert, utcnow
from devcell.core.processes import PROCESS_ID, gone_processes
from devcell.core.signals import announce
from devcell.core.state import Key

log = logging.getLogger(__name__)

PROGRESS_STORE_SECONDS = 1.0

Status = Literal["queued", "running", "succeeded", "failed", "cancelled"]
TERMINAL: frozenset[str] = frozenset({"succeeded", "failed", "cancelled"})


class JobRun(BaseModel):
    id = CharField(primary_key=True)
    kind = CharField()
    title = CharField()
    owner_id = IntegerField(null=True)
    status = CharField()
    progress_done = IntegerField(default=0)
    progress_total = IntegerField(null=True)
    message = TextField(default="")
    result = TextField(null=True)
    process = TextField(default="")  # core.processes.PROCESS_ID of the process that runs it
    error = TextField(null=True)
    created_at = UTCDateTimeField()
    started_at = UTCDateTimeField(null=True)
    finished_at = UTCDateTimeField(null=True)


@dataclass(frozen=True)
class JobSnapshot:
    id: str
    kind: str
    title: str
    owner_id: int | None
    status: Status
    progress_done: int
    progress_total: int | None
    message: str
    result: Any
    error: str | None
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None

    @property
    def finished(self) -> bool:
        return self.status in TERMINAL


@dataclass(frozen=True)
class JobEnded:
    """Signal (core/signals.py): a job reached its final state, as stored."""

    job: JobSnapshot


class JobCancelled(Exception):
    """Raised inside a job by JobContext.check_cancelled() when someone asked to cancel it."""


class JobContext:
    """Handed to a job function: report progress, and stop at a safe point when cancelled."""

    def __init__(self, runner: JobRunner, job_id: str) -> None:
        self._runner = runner
        self.job_id = job_id
        self._cancel = threading.Event()

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def check_cancelled(self) -> None:
        if self._cancel.is_set():
            raise JobCancelled()

    def progress(self, done: int, total: int | None = None, message: str | None = None) -> None:
        changes: dict[str, Any] = {"progress_done": done, "progress_total": total}
        if message is not None:
            changes["message"] = message
        self._runner._update(self.job_id, **changes)


JobFunction = Callable[[JobContext], Any]


def _from_row(row: JobRun) -> JobSnapshot:
    return JobSnapshot(
        id=row.id,
        kind=row.kind,
        title=row.title,
        owner_id=row.owner_id,
        status=cast(Status, row.status),
        progress_done=row.progress_done,
        progress_total=row.progress_total,
        message=row.message,
        result=orjson.loads(row.result) if row.result else None,
        error=row.error,
        created_at=row.created_at,
        started_at=row.started_at,
        finished_at=row.finished_at,
    )


def _persist(snap: JobSnapshot) -> None:
    with transaction(write=True):
        upsert(
            JobRun,
            id=snap.id,
            kind=snap.kind,
            title=snap.title,
            owner_id=snap.owner_id,
            status=snap.status,
            progress_done=snap.progress_done,
            progress_total=snap.progress_total,
            message=snap.message,
            result=None if snap.result is None else orjson.dumps(snap.result).decode(),
            error=snap.error,
            created_at=snap.created_at,
            started_at=snap.started_at,
            finished_at=snap.finished_at,
            process=PROCESS_ID,
        )


class JobRunner:
    """Runs jobs in a bounded thread pool. Live state is in memory; every state change is persisted."""

    def __init__(self, workers: int) -> None:
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="devcell-job")
        self._live: dict[str, JobSnapshot] = {}
        self._contexts: dict[str, JobContext] = {}
        self._subscribers: dict[str, list[tuple[asyncio.AbstractEventLoop, asyncio.Queue[JobSnapshot]]]] = {}
        self._lock = threading.Lock()
        self._progress_stored: dict[str, float] = {}

    def recover(self) -> int:
        """Mark the jobs left queued or running by processes that are gone (this one's previous run, or another
        process of the cluster that died) as failed; returns how many. Jobs of live processes are theirs; of this
        process's own rows only those not running here (a restored copy of a row) count as left. Safe beside
        submit and _finish: they touch the live set and the row in an order this write unit of work cannot split."""
        with transaction(write=True):
            unfinished = JobRun.status.in_(["queued", "running"])
            rows = list(JobRun.select(JobRun.id, JobRun.process).where(unfinished))
            with self._lock:
                live = set(self._live)  # after the read: a row it saw was live before it was written (submit)
            gone = gone_processes({row.process for row in rows} - {PROCESS_ID})
            left = [r.id for r in rows if r.process in gone or (r.process == PROCESS_ID and r.id not in live)]
            if not left:
                return 0
            return int(
                JobRun.update(
                    status="failed", error="Interrupted: DevCell stopped while this job ran.", finished_at=utcnow()
                )
                .where(unfinished, JobRun.id.in_(left))
                .execute()
            )

    def submit(self, kind: str, title: str, fn: JobFunction, owner_id: int | None = None) -> JobSnapshot:
        snap = JobSnapshot(
            id=uuid.uuid4().hex,
            kind=kind,
            title=title,
            owner_id=owner_id,
            status="queued",
            progress_done=0,
            progress_total=None,
            message="Waiting to start",
            result=None,
            error=None,
            created_at=utcnow(),
            started_at=None,
            finished_at=None,
        )
        context = JobContext(self, snap.id)
        with self._lock:  # live before its row exists: recover() never takes a row of ours for a left one
            self._live[snap.id] = snap
            self._contexts[snap.id] = context
        try:
            _persist(snap)
        except BaseException:
            with self._lock:
                self._live.pop(snap.id, None)
                self._contexts.pop(snap.id, None)
            raise
        self._pool.submit(self._run, snap.id, fn, context)
        return snap

    def _run(self, job_id: str, fn: JobFunction, context: JobContext) -> None:
        if context.cancelled:
            self._finish(job_id, "cancelled", message="Cancelled before it started")
            return
        self._update(job_id, persist=True, status="running", started_at=utcnow(), message="Running")
        try:
            result = fn(context)
        except JobCancelled:
            self._finish(job_id, "cancelled", message="Cancelled")
        except Exception as exc:
            log.exception("job %s failed", job_id)
            self._finish(job_id, "failed", message="Failed", error=str(exc) or type(exc).__name__)
        else:
            self._finish(job_id, "succeeded", message="Done", result=result)

    def _finish(self, job_id: str, status: Status, **changes: Any) -> None:
        # Drop the context first: once anyone can see the final state, cancel() must answer False.
        with self._lock:
            self._contexts.pop(job_id, None)
        self._update(job_id, persist=True, status=status, finished_at=utcnow(), **changes)
        with self._lock:
            final = self._live.pop(job_id, None)
            self._progress_stored.pop(job_id, None)
        if final is not None:
            announce(JobEnded(final))

    def _update(self, job_id: str, persist: bool = False, **changes: Any) -> None:
        persist = persist or self._progress_due(job_id)
        if persist:
            # Stored before anyone is shown it: a reader told "succeeded" (the page, the health checks) must find
            # the job's row in that state, not the one before (it was, for a moment, and a test caught it).
            with self._lock:
                current = self._live.get(job_id)
            if current is None:
                return
            _persist(replace(current, **changes))
        with self._lock:
            latest = self._live.get(job_id)
            if latest is None:
                return
            snap = replace(latest, **changes)
            self._live[job_id] = snap
            subscribers = list(self._subscribers.get(job_id, []))
        for loop, queue in subscribers:
            loop.call_soon_threadsafe(queue.put_nowait, snap)

    def _progress_due(self, job_id: str) -> bool:
        """On a shared (PostgreSQL) database other processes follow a job through its row: its progress is stored
        too, at most once per PROGRESS_STORE_SECONDS (status changes always are)."""
        if not is_postgresql():
            return False
        now = time.monotonic()
        with self._lock:
            if now - self._progress_stored.get(job_id, 0.0) < PROGRESS_STORE_SECONDS:
                return False
            self._progress_stored[job_id] = now
        return True

    def is_live(self, job_id: str) -> bool:
        """Whether the job runs (or waits) in this process; else its row is all there is to follow."""
        with self._lock:
            return job_id in self._live

    def get(self, job_id: str) -> JobSnapshot | None:
        with self._lock:
            live = self._live.get(job_id)
        if live is not None:
            return live
        with transaction():
            row = JobRun.get_or_none(JobRun.id == job_id)
        return _from_row(row) if row else None

    def history(self, owner_id: int | None, limit: int, offset: int) -> tuple[list[JobSnapshot], int]:
        """Newest first; `owner_id=None` lists everyone's jobs."""
        with transaction():
            query = JobRun.select()
            if owner_id is not None:
                query = query.where(JobRun.owner_id == owner_id)
            total = query.count()
            rows = list(query.order_by(JobRun.created_at.desc()).limit(limit).offset(offset))
        with self._lock:
            return [self._live.get(r.id) or _from_row(r) for r in rows], total

    def cancel(self, job_id: str) -> bool:
        """Ask a queued or running job to stop at its next safe point; False if it already finished."""
        with self._lock:
            context = self._contexts.get(job_id)
        if context is None:
            return False
        context._cancel.set()
        self._update(job_id, message="Cancelling")
        return True

    def subscribe(self, job_id: str) -> asyncio.Queue[JobSnapshot]:
        queue: asyncio.Queue[JobSnapshot] = asyncio.Queue()
        with self._lock:
            self._subscribers.setdefault(job_id, []).append((asyncio.get_running_loop(), queue))
        return queue

    def unsubscribe(self, job_id: str, queue: asyncio.Queue[JobSnapshot]) -> None:
        with self._lock:
            entries = [e for e in self._subscribers.get(job_id, []) if e[1] is not queue]
            if entries:
                self._subscribers[job_id] = entries
            else:
                self._subscribers.pop(job_id, None)

    def prune(self, older_than: timedelta) -> int:
        """Delete finished job records older than `older_than`."""
        with transaction(write=True):
            return int(
                JobRun.delete()
                .where(JobRun.finished_at < utcnow() - older_than, JobRun.status.in_(list(TERMINAL)))
                .execute()
            )

    def shutdown(self, timeout: float = 30.0) -> None:
        """Ask running jobs to cancel, then wait for them to reach a safe point."""
        with self._lock:
            contexts = list(self._contexts.values())
        for context in contexts:
            context._cancel.set()
        done = threading.Event()

        def wait_for_pool() -> None:
            self._pool.shutdown(wait=True)
            done.set()

        threading.Thread(target=wait_for_pool, daemon=True).start()
        if not done.wait(timeout):
            log.warning("jobs did not stop within %.0f s; exiting anyway", timeout)


JOBS: Key[JobRunner] = Key("job runner")
