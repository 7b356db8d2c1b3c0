"""An index for the task list without a project filter, newest first.

Without it, a user who sees many tasks made SQLite read and sort all of them for every page (about 3 ms at 10,000
tasks); walking this index in updated_at order stops after the page is full (about 0.1 ms). The trailing columns
let the visibility test (project, creator, assignee) run on the index alone.

Frozen DDL: never edit a released migration; add a new one instead.
"""

from __future__ import annotations

from peewee import SqliteDatabase

STATEMENTS = ("CREATE INDEX task_recent ON task (archived, updated_at, project_id, creator_id, assignee_id)",)


def up(db: SqliteDatabase) -> None:
    for statement in STATEMENTS:
        db.execute_sql(statement)
