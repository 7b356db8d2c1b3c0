"""One-time password reset links: on an air-gapped appliance there is no e-mail to send a reset to, so an
administrator makes a link for the user (expiring, single use, revocable) instead of typing a password for them.
Only the token's hash is stored, like invites and sessions.
Frozen DDL once released: never edit a released migration; add a new one instead.
"""

from __future__ import annotations

from peewee import SqliteDatabase

STATEMENTS: tuple[str, ...] = (
    """CREATE TABLE password_reset (
        id INTEGER PRIMARY KEY,
        user_id INTEGER NOT NULL REFERENCES user (id) ON DELETE CASCADE,
        token_hash TEXT NOT NULL UNIQUE,
        created_by_id INTEGER,
        created_at DATETIME NOT NULL,
        expires_at DATETIME NOT NULL,
        used_at DATETIME,
        revoked_at DATETIME
    )""",
    "CREATE INDEX password_reset_user ON password_reset (user_id)",
)


def up(db: SqliteDatabase) -> None:
    for statement in STATEMENTS:
        db.execute_sql(statement)
