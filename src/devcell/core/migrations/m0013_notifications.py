"""The team loop's notifications: a per-user inbox, what each user wants to be told, and what they watch.

A notification keeps the words it was made with (`title`, `excerpt`) and the project its subject was in, so the
inbox reads without joining every slice, and a user who leaves a project stops seeing that project's
notifications (the list filters on `project_id` by current membership). `dedupe` makes the scheduled kinds
(due tomorrow, overdue) arrive once, whichever process or restart runs the check. Like a mail thread, news about
a subject whose notification is still unread joins it (`events` counts them) instead of adding another line.
Frozen DDL once released: never edit a released migration; add a new one instead.
"""

from __future__ import annotations

from peewee import SqliteDatabase

STATEMENTS: tuple[str, ...] = (
    """CREATE TABLE notification (
        id INTEGER PRIMARY KEY,
        recipient_id INTEGER NOT NULL REFERENCES user (id) ON DELETE CASCADE,
        kind TEXT NOT NULL,
        actor_id INTEGER REFERENCES user (id) ON DELETE SET NULL,
        subject_type TEXT NOT NULL,
        subject_id TEXT NOT NULL,
        project_id INTEGER REFERENCES project (id) ON DELETE CASCADE,
        title TEXT NOT NULL,
        excerpt TEXT NOT NULL DEFAULT '',
        link TEXT NOT NULL,
        dedupe TEXT,
        events INTEGER NOT NULL DEFAULT 1,
        created_at DATETIME NOT NULL,
        read_at DATETIME
    )""",
    "CREATE INDEX notification_inbox ON notification (recipient_id, id)",
    "CREATE INDEX notification_unread ON notification (recipient_id, read_at)",
    "CREATE INDEX notification_subject ON notification (recipient_id, subject_type, subject_id)",
    "CREATE INDEX notification_age ON notification (created_at)",
    "CREATE UNIQUE INDEX notification_once ON notification (recipient_id, dedupe) WHERE dedupe IS NOT NULL",
    """CREATE TABLE notification_preference (
        user_id INTEGER NOT NULL REFERENCES user (id) ON DELETE CASCADE,
        kind TEXT NOT NULL,
        enabled INTEGER NOT NULL CHECK (enabled IN (0, 1)),
        PRIMARY KEY (user_id, kind)
    ) WITHOUT ROWID""",
    """CREATE TABLE watch (
        user_id INTEGER NOT NULL REFERENCES user (id) ON DELETE CASCADE,
        subject_type TEXT NOT NULL CHECK (subject_type IN ('task', 'project')),
        subject_id INTEGER NOT NULL,
        watching INTEGER NOT NULL CHECK (watching IN (0, 1)),
        created_at DATETIME NOT NULL,
        PRIMARY KEY (user_id, subject_type, subject_id)
    ) WITHOUT ROWID""",
    "CREATE INDEX watch_subject ON watch (subject_type, subject_id)",
)


def up(db: SqliteDatabase) -> None:
    for statement in STATEMENTS:
        db.execute_sql(statement)
