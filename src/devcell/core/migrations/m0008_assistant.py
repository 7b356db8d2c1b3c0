"""Schema for summary cache and SITREPs.

Frozen DDL once released: never edit a released migration; add a new one instead.
The summary cache is derived data (dropping every row only costs LLM time); a SITREP is its author's, so deleting
the author is refused until the assistant slice moves them (accounts' OwnedData), like every per-user row.
"""

from __future__ import annotations

from peewee import SqliteDatabase

STATEMENTS: tuple[str, ...] = (
    """CREATE TABLE summary_cache (
        key TEXT PRIMARY KEY,
        kind TEXT NOT NULL CHECK (kind IN ('standups', 'project')),
        markdown TEXT NOT NULL,
        sources TEXT NOT NULL,
        omitted TEXT,
        model TEXT NOT NULL,
        created_at DATETIME NOT NULL
    ) WITHOUT ROWID""",
    "CREATE INDEX summary_cache_created ON summary_cache (created_at)",
    """CREATE TABLE sitrep (
        id INTEGER PRIMARY KEY,
        title TEXT NOT NULL,
        status TEXT NOT NULL DEFAULT 'generating' CHECK (status IN ('generating', 'ready', 'failed')),
        error_code TEXT,
        error_message TEXT,
        markdown TEXT NOT NULL DEFAULT '',
        sources TEXT NOT NULL DEFAULT '[]',
        instructions TEXT NOT NULL DEFAULT '',
        project_id INTEGER REFERENCES project (id) ON DELETE SET NULL,
        days INTEGER NOT NULL CHECK (days BETWEEN 1 AND 31),
        use_knowledge INTEGER NOT NULL DEFAULT 0 CHECK (use_knowledge IN (0, 1)),
        omitted TEXT,
        model TEXT NOT NULL DEFAULT '',
        job_id TEXT,
        created_by_id INTEGER NOT NULL REFERENCES user (id),
        created_at DATETIME NOT NULL,
        finished_at DATETIME
    )""",
    "CREATE INDEX sitrep_author ON sitrep (created_by_id, created_at)",
)


def up(db: SqliteDatabase) -> None:
    for statement in STATEMENTS:
        db.execute_sql(statement)
