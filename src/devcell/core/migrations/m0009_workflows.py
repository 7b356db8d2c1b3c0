"""Schema for multi-agent workflow runs: the run, one row per agent step, and the tasks made from its artifact.

A run is its author's private transcript, so it goes with the author (ON DELETE CASCADE); the project only
labels it (SET NULL). Frozen DDL once released: never edit a released migration; add a new one instead.
"""

from __future__ import annotations

from peewee import SqliteDatabase

STATEMENTS: tuple[str, ...] = (
    """CREATE TABLE workflow_run (
        id INTEGER PRIMARY KEY,
        pipeline TEXT NOT NULL CHECK (pipeline IN ('feature', 'pr_review', 'bug_triage')),
        title TEXT NOT NULL,
        input TEXT NOT NULL,
        project_id INTEGER REFERENCES project (id) ON DELETE SET NULL,
        status TEXT NOT NULL CHECK (status IN ('queued', 'running', 'succeeded', 'failed', 'cancelled')),
        error_code TEXT,
        error_message TEXT,
        job_id TEXT,
        created_by_id INTEGER NOT NULL REFERENCES user (id) ON DELETE CASCADE,
        created_at DATETIME NOT NULL,
        finished_at DATETIME
    )""",
    "CREATE INDEX workflow_run_author ON workflow_run (created_by_id, id)",
    """CREATE TABLE workflow_step (
        id INTEGER PRIMARY KEY,
        run_id INTEGER NOT NULL REFERENCES workflow_run (id) ON DELETE CASCADE,
        position INTEGER NOT NULL,
        role TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('pending', 'running', 'done', 'failed', 'skipped')),
        output TEXT NOT NULL DEFAULT '',
        omitted TEXT,
        started_at DATETIME,
        finished_at DATETIME,
        UNIQUE (run_id, position)
    )""",
    """CREATE TABLE workflow_task (
        id INTEGER PRIMARY KEY,
        run_id INTEGER NOT NULL REFERENCES workflow_run (id) ON DELETE CASCADE,
        title TEXT NOT NULL COLLATE NOCASE,
        task_id INTEGER REFERENCES task (id) ON DELETE SET NULL,
        created_at DATETIME NOT NULL,
        UNIQUE (run_id, title)
    )""",
    "CREATE INDEX workflow_task_task ON workflow_task (task_id)",
)


def up(db: SqliteDatabase) -> None:
    for statement in STATEMENTS:
        db.execute_sql(statement)
