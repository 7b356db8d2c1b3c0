"""The database watch: a quick integrity check at start, in the background; a damaged database refuses changes
(so nothing is written on top of the damage) and the health page points at restoring a backup. The integrity check
itself lives here too: the nightly maintenance (operations) runs it through health's service."""

from __future__ import annotations

import logging
import sqlite3
import threading
import time
from contextlib import ExitStack
from typing import Any

from peewee import DatabaseError

from devcell.core.db import database, is_damage, is_postgresql, transaction, utcnow
from devcell.core.jobs import JobRun
from devcell.core.state import Key
from devcell.health.guard import Gate

log = logging.getLogger(__name__)

# What an admin needs to repair a damaged database: sign in, upload, verify and restore a backup.
REPAIR_PATHS = ("/api/auth/login", "/api/auth/logout", "/api/backups")


def integrity(full: bool) -> dict[str, Any]:
    """SQLite's own check: `integrity_check` when `full`, else the faster `quick_check`."""
    started = time.monotonic()
    if is_postgresql():
        return _server_integrity(full, started)
    pragma = "integrity_check" if full else "quick_check"
    try:
        with transaction():
            rows = [str(row[0]) for row in database.execute_sql(f"PRAGMA {pragma}").fetchall()]
    except (DatabaseError, sqlite3.DatabaseError) as exc:  # peewee wraps execute, not fetchall
        # Damage bad enough that SQLite stops reading is a finding too; "database is locked" is not.
        if not is_damage(exc):
            raise
        rows = [str(exc)]
    ok = rows == ["ok"]
    return {
        "ok": ok,
        "kind": "full" if full else "quick",
        "message": "ok" if ok else "; ".join(rows[:10]),
        "seconds": round(time.monotonic() - started, 2),
    }


def _server_integrity(full: bool, started: float) -> dict[str, Any]:
    """PostgreSQL checks its own pages (checksums, WAL) as it reads them and has no whole-database check to run
    from a client; what DevCell can check is that every table it needs answers a read."""
    with transaction():
        tables = set(database.get_tables())
        missing = sorted({"user", "task", "project", "document", "chunk", "schema_migration"} - tables)
    ok = not missing
    return {
        "ok": ok,
        "kind": "full" if full else "quick",
        "message": "ok" if ok else "tables missing: " + ", ".join(missing),
        "seconds": round(time.monotonic() - started, 2),
    }


class Recovery:
    def __init__(self, gate: Gate) -> None:
        self._gate = gate
        self._held = ExitStack()
        self._lock = threading.Lock()
        self.problem: str | None = None

    def start(self) -> None:
        """In a thread: the check reads the whole file, which must not delay readiness (start budget: 2 s)."""
        threading.Thread(target=self.check, name="devcell-startup-check", daemon=True).start()

    def check(self) -> None:
        try:
            result = integrity(full=False)
        except Exception:
            # Not a verdict (a file too damaged to open fails the start itself): leave it to the nightly check.
            log.exception("the integrity check at start could not run")
            return
        with self._lock:
            self._held.close()
            self.problem = None if result["ok"] else str(result["message"])
            if self.problem is not None:
                log.error("the database failed its integrity check at start: %s", self.problem)
                self._held.enter_context(
                    self._gate.hold(
                        "writes",
                        "The database is damaged, so changes are refused to keep what is left. An administrator can "
                        "restore the newest good backup from the System page.",
                        allow=REPAIR_PATHS,
                        retry_after=None,  # waiting does not repair it
                    )
                )


def close_restored_jobs() -> int:
    """After a restore: jobs the backup caught queued or running will never finish (they ran in another time).
    Marked failed, or they would show as running forever. A job still live in this process rewrites its own row
    when it ends, so it is not lost by this."""
    with transaction(write=True):
        return int(
            JobRun.update(
                status="failed",
                error="Interrupted: the restored backup was taken while this job ran.",
                finished_at=utcnow(),
            )
            .where(JobRun.status.in_(["queued", "running"]))
            .execute()
        )


DATABASE_WATCH: Key[Recovery] = Key("database watch")
