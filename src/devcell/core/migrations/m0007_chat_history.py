"""Per-user chat history, kept only when the admin sets chat_retention_days (default 0: nothing is stored).

Each conversation carries its own expiry (last message + the retention in force then), so the nightly prune needs
no settings; a user's conversations go with the user.
Frozen DDL once released: never edit a released migration; add a new one instead.
"""

from __future__ import annotations

from peewee import SqliteDatabase

STATEMENTS: tuple[str, ...] = (
    """CREATE TABLE chat_conversation (
        id INTEGER PRIMARY KEY,
        user_id INTEGER NOT NULL REFERENCES user (id) ON DELETE CASCADE,
        title TEXT NOT NULL,
        persona TEXT NOT NULL,
        message_count INTEGER NOT NULL DEFAULT 0,
        created_at DATETIME NOT NULL,
        updated_at DATETIME NOT NULL,
        expires_at DATETIME NOT NULL
    )""",
    "CREATE INDEX chat_conversation_user ON chat_conversation (user_id, updated_at)",
    "CREATE INDEX chat_conversation_expiry ON chat_conversation (expires_at)",
    """CREATE TABLE chat_message (
        id INTEGER PRIMARY KEY,
        conversation_id INTEGER NOT NULL REFERENCES chat_conversation (id) ON DELETE CASCADE,
        role TEXT NOT NULL CHECK (role IN ('user', 'assistant')),
        content TEXT NOT NULL,
        sources TEXT NOT NULL DEFAULT '[]',
        stopped INTEGER NOT NULL DEFAULT 0 CHECK (stopped IN (0, 1)),
        created_at DATETIME NOT NULL
    )""",
    "CREATE INDEX chat_message_conversation ON chat_message (conversation_id, id)",
)


def up(db: SqliteDatabase) -> None:
    for statement in STATEMENTS:
        db.execute_sql(statement)
