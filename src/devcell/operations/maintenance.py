"""Database upkeep: WAL checkpoint, PRAGMA optimize, integrity checks, VACUUM when it pays, and pruning."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from devcell.core.db import database, is_postgresql, transaction
from devcell.core.disk import DiskProbe, human
from devcell.core.jobs import JobContext, JobRunner
from devcell.health.service import integrity

log = logging.getLogger(__name__)

VACUUM_FREE_FRACTION = 0.25  # vacuum only when a quarter of the file is free pages ...
VACUUM_MIN_FREE_BYTES = 16 * 1024 * 1024  # ... and that is worth a pause of writes
VACUUM_MAX_BYTES = 2 * 1024**3  # beyond this a vacuum pauses writes too long for one night; the health page says so
FULL_CHECK_WEEKDAY = 6  # Sunday: the full integrity check, quick_check the other days
NAMES_REPORTED = 20  # of the removed upload leftovers, in the job's result (the count is always exact)


@dataclass(frozen=True)
class Upkeep:
    """What the maintenance job needs from the rest of the app; the other slices' pruning is handed in by the
    composition root, so operations imports none of them."""

    db_path: Path
    kb_dir: Path
    disk: DiskProbe
    runner: JobRunner
    prune_sessions: Callable[[], int]
    prune_chats: Callable[[], int]  # expired chat conversations
    prune_notifications: Callable[[], int]  # notifications past their retention
    abandoned_uploads: Callable[[Path], list[str]]  # removes staged uploads left by a crash; returns their names
    history_days: Callable[[], int]
    pause: Callable[[str, str], Any]  # Gate.hold
    today: Callable[[], datetime]  # local time (the appliance's time zone)


def _bare(sql: str) -> Any:
    """Run a statement that SQLite refuses inside a transaction (checkpoint, VACUUM) on this thread's connection."""
    with transaction():
        pass  # opens (or renews) this thread's connection
    return database.execute_sql(sql).fetchone()


def checkpoint() -> dict[str, int]:
    """Fold the WAL back into the database and truncate it, so devcell.db-wal does not grow without end.
    A PostgreSQL server checkpoints its own WAL: nothing to do there."""
    if is_postgresql():
        return {"busy": 0, "wal_frames": 0, "checkpointed": 0}
    busy, log_frames, done = _bare("PRAGMA wal_checkpoint(TRUNCATE)")
    return {"busy": int(busy), "wal_frames": int(log_frames), "checkpointed": int(done)}


def page_stats() -> dict[str, int]:
    """The database's size and how much of it is free pages (PostgreSQL: its size; autovacuum keeps the rest)."""
    if is_postgresql():
        with transaction():
            size = int(database.execute_sql("SELECT pg_database_size(current_database())").fetchone()[0])
        return {"bytes": size, "free_bytes": 0}
    with transaction():
        pages = int(database.execute_sql("PRAGMA page_count").fetchone()[0])
        free = int(database.execute_sql("PRAGMA freelist_count").fetchone()[0])
        size = int(database.execute_sql("PRAGMA page_size").fetchone()[0])
    return {"bytes": pages * size, "free_bytes": free * size}


def optimize() -> str:
    """Fresh planner statistics: SQLite's PRAGMA optimize, PostgreSQL's ANALYZE."""
    if is_postgresql():
        # A read-only unit of work: PostgreSQL allows ANALYZE there, and a writing one would hold DevCell's write
        # lock (every process's writers queue on it) for as long as the server samples every table.
        with transaction():
            database.execute_sql("ANALYZE")
        return "done"
    _bare("PRAGMA optimize")
    return "done"


def vacuum_decision(stats: dict[str, int], free_disk: int) -> str | None:
    """None when a VACUUM should run now, else why not."""
    if stats["free_bytes"] < VACUUM_MIN_FREE_BYTES or stats["free_bytes"] < stats["bytes"] * VACUUM_FREE_FRACTION:
        return f"not needed ({human(stats['free_bytes'])} of {human(stats['bytes'])} is free pages)"
    if stats["bytes"] > VACUUM_MAX_BYTES:
        return f"skipped: the database ({human(stats['bytes'])}) is too large to vacuum without a long pause"
    if free_disk < stats["bytes"] * 2:
        return f"skipped: it needs about {human(stats['bytes'] * 2)} free, {human(free_disk)} is"
    return None


def vacuum(upkeep: Upkeep) -> dict[str, Any]:
    """Plain VACUUM (not VACUUM INTO + swap: other threads hold connections). It takes the write lock, so writes
    are paused with a clear 503 rather than left to time out with "database is locked"."""
    if is_postgresql():
        return {"ran": False, "reason": "not needed (PostgreSQL's autovacuum keeps the database compact)"}
    before = page_stats()
    reason = vacuum_decision(before, upkeep.disk.usage(upkeep.db_path.parent).free)
    if reason is not None:
        return {"ran": False, "reason": reason}
    started = time.monotonic()
    with upkeep.pause("writes", "Database maintenance is running; changes are paused for a moment."):
        _bare("VACUUM")
        checkpoint()
    after = page_stats()
    return {"ran": True, "seconds": round(time.monotonic() - started, 2), "reclaimed": before["bytes"] - after["bytes"]}


def sweep_uploads(upkeep: Upkeep) -> dict[str, Any]:
    """Staged uploads abandoned for over an hour (a crash mid-upload): they are no document and only fill the disk."""
    removed = upkeep.abandoned_uploads(upkeep.kb_dir)
    if removed:
        log.info("maintenance removed %d abandoned upload(s): %s", len(removed), ", ".join(removed[:NAMES_REPORTED]))
    return {"removed": len(removed), "files": removed[:NAMES_REPORTED]}


def run_maintenance(upkeep: Upkeep, context: JobContext) -> dict[str, Any]:
    """The nightly job. An integrity failure is recorded (the health page turns critical), not hidden."""
    full = upkeep.today().weekday() == FULL_CHECK_WEEKDAY
    steps: list[tuple[str, Callable[[], Any]]] = [
        ("integrity", lambda: integrity(full)),
        ("checkpoint", checkpoint),
        ("optimize", optimize),
        ("sessions_pruned", upkeep.prune_sessions),
        ("jobs_pruned", lambda: upkeep.runner.prune(timedelta(days=upkeep.history_days()))),
        ("chats_pruned", upkeep.prune_chats),
        ("notifications_pruned", upkeep.prune_notifications),
        ("uploads_swept", lambda: sweep_uploads(upkeep)),
        ("vacuum", lambda: vacuum(upkeep)),
    ]
    result: dict[str, Any] = {}
    for done, (name, step) in enumerate(steps):
        context.check_cancelled()
        context.progress(done, len(steps), f"Maintenance: {name.replace('_', ' ')}")
        result[name] = step()
        if name == "integrity" and not result[name]["ok"]:
            log.error("database integrity check failed: %s", result[name]["message"])
            break  # never vacuum or optimise a damaged database
    return result
