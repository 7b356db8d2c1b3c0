"""What the reader must know about a generated text: cut off at the model's length limit (`truncated`) and
the checks it failed (`warnings`, a JSON list of sentences), for SITREPs, cached summaries and workflow steps.

Frozen DDL once released: never edit a released migration; add a new one instead.
"""

from __future__ import annotations

from peewee import SqliteDatabase

STATEMENTS: tuple[str, ...] = (
    "ALTER TABLE sitrep ADD COLUMN truncated INTEGER NOT NULL DEFAULT 0",
    "ALTER TABLE sitrep ADD COLUMN warnings TEXT NOT NULL DEFAULT '[]'",
    "ALTER TABLE summary_cache ADD COLUMN truncated INTEGER NOT NULL DEFAULT 0",
    "ALTER TABLE summary_cache ADD COLUMN warnings TEXT NOT NULL DEFAULT '[]'",
    "ALTER TABLE workflow_step ADD COLUMN truncated INTEGER NOT NULL DEFAULT 0",
)


def up(db: SqliteDatabase) -> None:
    for statement in STATEMENTS:
        db.execute_sql(statement)
