"""Schema for operations metrics sampled for the System page charts: one row per sample, a few thousand at most
(the sampling job thins samples older than two days to one an hour and drops those older than 14 days).

Frozen DDL once released: never edit a released migration; add a new one instead.
"""

from __future__ import annotations

from peewee import SqliteDatabase

STATEMENTS: tuple[str, ...] = (
    """CREATE TABLE metric_sample (
        id INTEGER PRIMARY KEY,
        at DATETIME NOT NULL,
        data_free INTEGER NOT NULL,
        data_total INTEGER NOT NULL,
        backup_free INTEGER NOT NULL,
        backup_total INTEGER NOT NULL,
        db_bytes INTEGER NOT NULL,
        index_bytes INTEGER NOT NULL,
        requests_per_minute REAL NOT NULL
    )""",
    "CREATE INDEX metric_sample_at ON metric_sample (at)",
)


def up(db: SqliteDatabase) -> None:
    for statement in STATEMENTS:
        db.execute_sql(statement)
