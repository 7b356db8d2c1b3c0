"""Scheduled jobs: declared in code, timed from settings, run as tracked jobs by exactly one process per data dir."""

from __future__ import annotations

import fcntl
import functools
import logging
import os
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol

# APScheduler 3 ships no type information; its two names used here are typed as Any.
from apscheduler.schedulers.background import BackgroundScheduler  # type: ignore[import-untyped]
from apscheduler.triggers.base import BaseTrigger  # type: ignore[import-untyped]

from devcell.core.db import is_postgresql, server_connection, transaction
from devcell.core.errors import Conflict, NotFound
from devcell.core.jobs import TERMINAL, JobContext, JobFunction, JobRun, JobRunner, JobSnapshot
from devcell.core.state import Key

log = logging.getLogger(__name__)

LOCK_FILE = "scheduler.lock"
SCHEDULER_LOCK_KEY = 0x0DE75C4E  # the PostgreSQL advisory lock of the process that runs scheduled jobs
KIND_PREFIX = "scheduled:"
TAKEOVER_SECONDS = 30.0  # a process without the lock tries again this often, so it takes over when the holder stops


class SettingsSource(Protocol):
    """What the scheduler needs from the settings store (core imports no slice)."""

    def get(self, key: str) -> Any: ...

    def time_zone(self) -> str:
        """The appliance's time zone name, which daily jobs follow."""

    def on_change(self, key: str, hook: Callable[[str, Any], None]) -> None: ...


# Builds the trigger from the current settings; None means "not scheduled" (e.g. an empty time).
TriggerFactory = Callable[[SettingsSource], BaseTrigger | None]


@dataclass(frozen=True)
class ScheduledJob:
    """A job the appliance runs by itself. `settings` lists the keys whose change reschedules it."""

    name: str
    title: str
    run: JobFunction
    trigger: TriggerFactory
    describe: Callable[[SettingsSource], str]
    settings: tuple[str, ...] = ()


@dataclass(frozen=True)
class ScheduleEntry:
    name: str
    title: str
    schedule: str
    next_run_at: datetime | None
    last_run: JobSnapshot | None
    running: bool
    runs_here: bool


def scheduled_kind(name: str) -> str:
    return KIND_PREFIX + name


class ProcessLock:
    """An exclusive flock on <data>/scheduler.lock, held for the life of the process that runs scheduled jobs.
    The kernel drops it when the process dies, so a crash never leaves a stale lock behind."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._fd: int | None = None

    @property
    def held(self) -> bool:
        return self._fd is not None

    def acquire(self) -> bool:
        if self._fd is not None:
            return True
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o640)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            return False
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        self._fd = fd
        return True

    def holder(self) -> str:
        """The pid written by the holder, for messages."""
        try:
            return self.path.read_text(encoding="ascii").strip() or "unknown"
        except OSError:
            return "unknown"

    def release(self) -> None:
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None


class ServerLock:
    """The same lock for processes that share a PostgreSQL database (on one host or several): a session-level
    advisory lock held on a connection of its own for the life of the process. The server drops it when that
    connection ends: at once when the process dies on a live host, within ~25 s when its host is lost (keepalives)."""

    def __init__(self) -> None:
        self._connection: Any = None

    @property
    def held(self) -> bool:
        return self._connection is not None

    def acquire(self) -> bool:
        if self._connection is not None:
            return True
        try:
            connection = server_connection()
        except Exception as exc:
            log.warning("cannot reach the database to take the scheduler lock: %s", exc)
            return False
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(%s)", (SCHEDULER_LOCK_KEY,))
            taken = bool(cursor.fetchone()[0])
        if not taken:
            connection.close()
            return False
        self._connection = connection
        return True

    def holder(self) -> str:
        """The holder's process (devcell@host:pid), from the server's own lock table."""
        try:
            connection = server_connection()
        except Exception:
            return "unknown"
        try:
            with connection.cursor() as cursor:
                cursor.execute(HOLDER_SQL, (SCHEDULER_LOCK_KEY,))
                row = cursor.fetchone()
        finally:
            connection.close()
        return str(row[0]) if row and row[0] else "unknown"

    def release(self) -> None:
        if self._connection is not None:
            connection, self._connection = self._connection, None
            connection.close()  # ends the session, and with it the lock


# The advisory lock's key is one bigint here: PostgreSQL shows it split into classid (high half) and objid (low half).
HOLDER_SQL = """SELECT a.application_name FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
WHERE l.locktype = 'advisory' AND l.granted AND l.database = (SELECT oid FROM pg_database WHERE datname =
current_database()) AND l.objid = (%s::bigint & 4294967295) AND l.objsubid = 1 LIMIT 1"""


def scheduler_lock(data_dir: Path) -> ProcessLock | ServerLock:
    """Who may run the scheduled jobs: one process per data directory, or per shared PostgreSQL database."""
    return ServerLock() if is_postgresql() else ProcessLock(data_dir / LOCK_FILE)


class Scheduler:
    """APScheduler's BackgroundScheduler around tracked jobs. Each firing submits the job to the JobRunner (so
    it has progress, a result and a history row) and waits for it: with max_instances=1 a slow run never
    overlaps the next, and coalesce turns runs missed while busy or stopped into one."""

    def __init__(
        self,
        data_dir: Path,
        runner: JobRunner,
        settings: SettingsSource,
        jobs: list[ScheduledJob],
        at_start: tuple[Callable[[], object], ...] = (),
    ) -> None:
        # `at_start`: one-off work of the process that owns the jobs, run in a thread once it owns them (after the
        # job history was recovered, so a job it submits is not taken for one interrupted by the last stop).
        self._at_start = at_start
        self._runner = runner
        self._settings = settings
        self._jobs = {job.name: job for job in jobs}
        self._lock = scheduler_lock(data_dir)
        self._aps = BackgroundScheduler(
            job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": 3600}, timezone="UTC"
        )
        self._running: dict[str, str] = {}  # job name -> job id of the run in flight
        self._mutex = threading.Lock()
        self._takeover: threading.Timer | None = None
        self._stopped = False

    @property
    def runs_here(self) -> bool:
        return self._lock.held

    def _elsewhere(self) -> tuple[str, str]:
        """(the process that holds the lock, what it is shared by), for messages."""
        if isinstance(self._lock, ServerLock):
            return self._lock.holder(), "database"
        return f"pid {self._lock.holder()}", "data directory"

    def start(self) -> None:
        for job in self._jobs.values():
            for key in job.settings:
                self._settings.on_change(key, functools.partial(self._on_setting, job.name))
        self._aps.start(paused=not self._lock.acquire())
        for name in self._jobs:
            self._reschedule(name)
        if self._lock.held:
            self._run_at_start()
        else:
            log.warning(
                "another DevCell process (%s) runs the scheduled jobs of this %s; "
                "this one will not run them while that one lives",
                *self._elsewhere(),
            )
            self._schedule_takeover()

    def _schedule_takeover(self) -> None:
        if self._stopped:
            return
        self._takeover = threading.Timer(TAKEOVER_SECONDS, self._try_takeover)
        self._takeover.daemon = True
        self._takeover.start()

    def _try_takeover(self) -> None:
        if self._stopped:
            return
        if self._lock.acquire():
            log.info("this process now runs the scheduled jobs")
            self._aps.resume()
            self._run_at_start()
        else:
            self._schedule_takeover()

    def _run_at_start(self) -> None:
        def run() -> None:
            for work in self._at_start:
                try:
                    work()
                except Exception:
                    log.exception("start-up work %s failed", getattr(work, "__name__", work))

        threading.Thread(target=run, name="devcell-at-start", daemon=True).start()

    def stop(self) -> None:
        self._stopped = True
        if self._takeover is not None:
            self._takeover.cancel()
        if self._aps.running:
            self._aps.shutdown(wait=False)
        self._lock.release()

    def _on_setting(self, name: str, _key: str, _value: Any) -> None:
        self._reschedule(name)

    def _reschedule(self, name: str) -> None:
        job = self._jobs[name]
        trigger = job.trigger(self._settings)
        if self._aps.get_job(name) is not None:
            self._aps.remove_job(name)
        if trigger is None:
            log.info("scheduled job %s is off", name)
            return
        self._aps.add_job(self._fire, trigger, args=[name], id=name, name=job.title, replace_existing=True)
        log.info("scheduled job %s: %s", name, job.describe(self._settings))

    def _fire(self, name: str) -> None:
        """APScheduler's callback: run the job and wait, so max_instances=1 also bounds the tracked job."""
        done = threading.Event()
        try:
            snap = self.run_now(name, done=done)
        except Conflict:
            log.info("scheduled job %s is still running from before; this run is skipped", name)
            return
        # The event covers a normal end; polling covers a run cancelled before it started (fn never called).
        while not done.wait(1.0) and not self._finished(snap.id):
            pass

    def run_now(self, name: str, owner_id: int | None = None, done: threading.Event | None = None) -> JobSnapshot:
        """Start a scheduled job now, as a tracked job. Refused while it runs or when another process owns jobs."""
        job = self._jobs.get(name)
        if job is None:
            raise NotFound(f"There is no scheduled job {name!r}.", code="schedule_not_found")
        if not self._lock.held:
            holder, shared = self._elsewhere()
            raise Conflict(
                f"Another DevCell process ({holder}) runs the scheduled jobs of this {shared}; "
                "use that one, or stop it.",
                code="scheduler_elsewhere",
            )
        with self._mutex:
            current = self._running.get(name)
            if current is not None and not self._finished(current):
                raise Conflict(f"{job.title} is already running.", code="job_running", detail={"job_id": current})
            snap = self._runner.submit(scheduled_kind(name), job.title, _signalling(job.run, done), owner_id=owner_id)
            self._running[name] = snap.id
        return snap

    def _finished(self, job_id: str) -> bool:
        snap = self._runner.get(job_id)
        return snap is None or snap.status in TERMINAL

    def entries(self) -> list[ScheduleEntry]:
        return [self._entry(job) for job in self._jobs.values()]

    def _entry(self, job: ScheduledJob) -> ScheduleEntry:
        aps_job = self._aps.get_job(job.name)
        next_run = aps_job.next_run_time if aps_job is not None and self._lock.held else None
        current = self._running.get(job.name)
        return ScheduleEntry(
            name=job.name,
            title=job.title,
            schedule=job.describe(self._settings),
            next_run_at=next_run,
            last_run=last_run(self._runner, job.name),
            running=current is not None and not self._finished(current),
            runs_here=self._lock.held,
        )


def _signalling(fn: JobFunction, done: threading.Event | None) -> JobFunction:
    if done is None:
        return fn

    def run(context: JobContext) -> Any:
        try:
            return fn(context)
        finally:
            done.set()

    return run


def last_run(runner: JobRunner, name: str, status: str | None = None) -> JobSnapshot | None:
    """The newest recorded run of a scheduled job (optionally only with `status`), from the job history."""
    with transaction():
        query = JobRun.select(JobRun.id).where(JobRun.kind == scheduled_kind(name))
        if status is not None:
            query = query.where(JobRun.status == status)
        row = query.order_by(JobRun.created_at.desc()).first()
    return None if row is None else runner.get(row.id)


SCHEDULER: Key[Scheduler] = Key("scheduler")
