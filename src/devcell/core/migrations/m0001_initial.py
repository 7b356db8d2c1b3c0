"""Users, browser sessions and API tokens.

Frozen DDL: never edit a released migration; add a new one instead.
"""

from __future__ import annotations

from peewee import SqliteDatabase

STATEMENTS = (
    """CREATE TABLE user (
        id INTEGER PRIMARY KEY,
        username TEXT NOT NULL UNIQUE COLLATE NOCASE,
        display_name TEXT NOT NULL DEFAULT '',
        job_title TEXT NOT NULL DEFAULT '',
        team TEXT NOT NULL DEFAULT '',
        rank TEXT NOT NULL DEFAULT '',
        skills TEXT NOT NULL DEFAULT '',
        time_zone TEXT NOT NULL DEFAULT '',
        role TEXT NOT NULL DEFAULT 'user' CHECK (role IN ('admin', 'user')),
        active INTEGER NOT NULL DEFAULT 1,
        password_hash TEXT NOT NULL,
        created_at DATETIME NOT NULL,
        updated_at DATETIME NOT NULL,
        password_changed_at DATETIME NOT NULL,
        last_login_at DATETIME
    )""",
    """CREATE TABLE session (
        id INTEGER PRIMARY KEY,
        user_id INTEGER NOT NULL REFERENCES user (id) ON DELETE CASCADE,
        token_hash TEXT NOT NULL UNIQUE,
        created_at DATETIME NOT NULL,
        last_seen_at DATETIME NOT NULL,
        expires_at DATETIME NOT NULL,
        user_agent TEXT NOT NULL DEFAULT '',
        client_address TEXT NOT NULL DEFAULT ''
    )""",
    "CREATE INDEX session_user_id ON session (user_id)",
    """CREATE TABLE api_token (
        id INTEGER PRIMARY KEY,
        user_id INTEGER NOT NULL REFERENCES user (id) ON DELETE CASCADE,
        name TEXT NOT NULL,
        token_hash TEXT NOT NULL UNIQUE,
        prefix TEXT NOT NULL,
        created_at DATETIME NOT NULL,
        last_used_at DATETIME,
        expires_at DATETIME
    )""",
    "CREATE INDEX api_token_user_id ON api_token (user_id)",
)


def up(db: SqliteDatabase) -> None:
    for statement in STATEMENTS:
        db.execute_sql(statement)
