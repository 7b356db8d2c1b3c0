"""Runtime settings, registration invites and the history of tracked jobs.

Frozen DDL: never edit a released migration; add a new one instead.
"""

from __future__ import annotations

from peewee import SqliteDatabase

STATEMENTS = (
    """CREATE TABLE setting (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL,
        updated_at DATETIME NOT NULL,
        updated_by_id INTEGER REFERENCES user (id) ON DELETE SET NULL
    )""",
    """CREATE TABLE invite (
        id INTEGER PRIMARY KEY,
        token_hash TEXT NOT NULL UNIQUE,
        role TEXT NOT NULL DEFAULT 'user' CHECK (role IN ('admin', 'user')),
        note TEXT NOT NULL DEFAULT '',
        created_by_id INTEGER REFERENCES user (id) ON DELETE SET NULL,
        created_at DATETIME NOT NULL,
        expires_at DATETIME NOT NULL,
        used_at DATETIME,
        used_by_id INTEGER REFERENCES user (id) ON DELETE SET NULL,
        revoked_at DATETIME
    )""",
    """CREATE TABLE job_run (
        id TEXT PRIMARY KEY,
        kind TEXT NOT NULL,
        title TEXT NOT NULL,
        owner_id INTEGER REFERENCES user (id) ON DELETE SET NULL,
        status TEXT NOT NULL CHECK (status IN ('queued', 'running', 'succeeded', 'failed', 'cancelled')),
        progress_done INTEGER NOT NULL DEFAULT 0,
        progress_total INTEGER,
        message TEXT NOT NULL DEFAULT '',
        result TEXT,
        error TEXT,
        created_at DATETIME NOT NULL,
        started_at DATETIME,
        finished_at DATETIME
    )""",
    "CREATE INDEX job_run_created_at ON job_run (created_at)",
    "CREATE INDEX job_run_owner_id ON job_run (owner_id)",
)


def up(db: SqliteDatabase) -> None:
    for statement in STATEMENTS:
        db.execute_sql(statement)
