"""The DevCell processes that serve one database: one on an appliance, several past one box (behind nginx, on one
host or several). Each registers itself and beats every BEAT_SECONDS with what only it can see (is it the one that
runs the scheduled jobs, how long a database read takes from it, whether it reaches the vector index). A job
records the process that runs it, so a process that starts fails only the jobs of processes that are gone, never
the ones another live process is running; and health lists the processes of the cluster."""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from peewee import BooleanField, FloatField, IntegerField, TextField

from devcell import __version__
from devcell.core.db import BaseModel, UTCDateTimeField, process_name, transaction, upsert, utcnow
from devcell.core.state import Key

log = logging.getLogger(__name__)

# This run of this process: a pid repeats (after a restart in a container it is always 1), this never does.
PROCESS_ID = uuid.uuid4().hex[:16]
BEAT_SECONDS = 10.0
GONE_SECONDS = 45.0  # several beats missed: the process is gone (its host lost, or killed)
FORGET_AFTER = timedelta(days=1)  # rows of processes gone this long are removed


class AppProcess(BaseModel):
    id = TextField(primary_key=True)
    name = TextField()
    host = TextField()
    pid = IntegerField()
    version = TextField(default="")
    started_at = UTCDateTimeField()
    seen_at = UTCDateTimeField()
    runs_scheduler = BooleanField(default=False)
    database_ms = FloatField(null=True)
    vectors = TextField(default="")
    vectors_ms = FloatField(null=True)


@dataclass(frozen=True)
class Report:
    """What a beat says about this process, from the parts only the composition root knows."""

    runs_scheduler: bool
    vectors: str  # "ok", "unreachable", "" (not known yet)
    vectors_ms: float | None = None  # one read of the vector index (a Chroma server's round trip), when it answered


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # alive, only another user's
    return True


def is_gone(row: AppProcess, now: datetime) -> bool:
    """A process on this host is gone as soon as its pid is (or is ours: an earlier run of this very pid); one on
    another host when it has not beaten for GONE_SECONDS."""
    if row.id == PROCESS_ID:
        return False
    if row.host == socket.gethostname() and (row.pid == os.getpid() or not _pid_alive(row.pid)):
        return True
    return bool(now - row.seen_at > timedelta(seconds=GONE_SECONDS))


def gone_processes(ids: set[str]) -> set[str]:
    """Which of these process ids are gone; an id with no row counts as gone ('' is a job from before processes
    were recorded). Run inside a unit of work."""
    now = utcnow()
    rows = {row.id: row for row in AppProcess.select().where(AppProcess.id.in_(list(ids)))}
    return {pid for pid in ids if pid not in rows or is_gone(rows[pid], now)}


def live_processes() -> list[AppProcess]:
    """The processes serving this database now, oldest first."""
    now = utcnow()
    with transaction():
        rows = list(AppProcess.select().order_by(AppProcess.started_at))
    return [row for row in rows if not is_gone(row, now)]


def this_process() -> AppProcess | None:
    """This process's row as its last beat wrote it (None before the first beat)."""
    with transaction():
        return AppProcess.get_or_none(AppProcess.id == PROCESS_ID)


def _database_ms() -> float:
    started = time.perf_counter()
    with transaction():
        AppProcess.select(AppProcess.id).limit(1).execute()
    return round((time.perf_counter() - started) * 1000, 2)


class Heartbeat:
    """Registers this process, beats in a thread, and after each beat runs `sweep` (failing the jobs of processes
    that are gone: any live process may, it is idempotent)."""

    def __init__(self, report: Callable[[], Report], sweep: Callable[[], object]) -> None:
        self._report = report
        self._sweep = sweep
        self._started_at = utcnow()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def beat(self) -> None:
        report = self._report()
        database_ms = _database_ms()
        with transaction(write=True):
            upsert(
                AppProcess,
                id=PROCESS_ID,
                name=process_name(),
                host=socket.gethostname(),
                pid=os.getpid(),
                version=__version__,
                started_at=self._started_at,
                seen_at=utcnow(),
                runs_scheduler=report.runs_scheduler,
                database_ms=database_ms,
                vectors=report.vectors,
                vectors_ms=report.vectors_ms,
            )
            AppProcess.delete().where(AppProcess.seen_at < utcnow() - FORGET_AFTER).execute()

    def start(self) -> None:
        """The first beat at once (before this process submits a job), then one every BEAT_SECONDS."""
        self.beat()
        self._thread = threading.Thread(target=self._run, name="devcell-heartbeat", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(BEAT_SECONDS):
            try:
                self.beat()
                self._sweep()
            except Exception:
                log.exception("the process heartbeat failed; trying again in %.0f s", BEAT_SECONDS)

    def stop(self) -> None:
        """A clean stop leaves the cluster at once (its jobs were cancelled by then)."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=BEAT_SECONDS * 2)
        try:
            with transaction(write=True):
                AppProcess.delete().where(AppProcess.id == PROCESS_ID).execute()
        except Exception:
            log.exception("could not remove this process from the process list")


HEARTBEAT: Key[Heartbeat] = Key("heartbeat")
