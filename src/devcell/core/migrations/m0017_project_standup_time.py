"""Per-project standup time: a project may hold its team standup at its own time ("HH:MM", appliance time zone;
empty: the global standup_reminder_time setting), when its members who have not filed get their reminder.
Frozen DDL once released: never edit a released migration; add a new one instead.
"""

from __future__ import annotations

from peewee import SqliteDatabase

STATEMENTS: tuple[str, ...] = ("ALTER TABLE project ADD COLUMN standup_time TEXT NOT NULL DEFAULT ''",)


def up(db: SqliteDatabase) -> None:
    for statement in STATEMENTS:
        db.execute_sql(statement)
