"""Away / out of office: a user may say they are away from one day to another (both included, their own local
days), so standup reminders skip them and the day's standup feed lists them as away rather than missing.
Frozen DDL once released: never edit a released migration; add a new one instead.
"""

from __future__ import annotations

from peewee import SqliteDatabase

STATEMENTS: tuple[str, ...] = (
    "ALTER TABLE user ADD COLUMN away_from DATE",
    "ALTER TABLE user ADD COLUMN away_until DATE",
)


def up(db: SqliteDatabase) -> None:
    for statement in STATEMENTS:
        db.execute_sql(statement)
