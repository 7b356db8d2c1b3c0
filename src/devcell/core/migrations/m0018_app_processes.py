"""The processes that serve one database (several, past one box): each registers itself and beats every few
seconds; a job records the process that runs it, so a process that starts fails only the jobs of processes that
are gone (not those another live process is running), and health lists the processes and which runs the scheduler.

The same DDL on SQLite and PostgreSQL (TIMESTAMP is a valid SQLite type name, with DATETIME's affinity).
Frozen DDL once released: never edit a released migration; add a new one instead.
"""

from __future__ import annotations

from typing import Any

STATEMENTS: tuple[str, ...] = (
    "ALTER TABLE job_run ADD COLUMN process TEXT NOT NULL DEFAULT ''",
    """CREATE TABLE app_process (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        host TEXT NOT NULL,
        pid INTEGER NOT NULL,
        version TEXT NOT NULL DEFAULT '',
        started_at TIMESTAMP NOT NULL,
        seen_at TIMESTAMP NOT NULL,
        runs_scheduler BOOLEAN NOT NULL DEFAULT FALSE,
        database_ms REAL,
        vectors TEXT NOT NULL DEFAULT '',
        vectors_ms REAL
    )""",
    "CREATE INDEX app_process_seen ON app_process (seen_at)",
)


def up(db: Any) -> None:
    for statement in STATEMENTS:
        db.execute_sql(statement)
