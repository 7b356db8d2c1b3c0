"""Work tracking: projects and their members, tasks with comments, activity and saved filters, standups.

Frozen DDL: never edit a released migration; add a new one instead.
User references without ON DELETE are deliberate: deleting a user who still owns work is refused by the
database itself, and accounts.service reassigns it first (each slice registers its OwnedData).
"""

from __future__ import annotations

from peewee import SqliteDatabase

STATEMENTS = (
    """CREATE TABLE project (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL COLLATE NOCASE UNIQUE,
        description TEXT NOT NULL DEFAULT '',
        status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('planned', 'active', 'blocked', 'done')),
        archived INTEGER NOT NULL DEFAULT 0 CHECK (archived IN (0, 1)),
        created_by_id INTEGER NOT NULL REFERENCES user (id),
        created_at DATETIME NOT NULL,
        updated_at DATETIME NOT NULL
    )""",
    """CREATE TABLE project_member (
        project_id INTEGER NOT NULL REFERENCES project (id) ON DELETE CASCADE,
        user_id INTEGER NOT NULL REFERENCES user (id) ON DELETE CASCADE,
        role TEXT NOT NULL CHECK (role IN ('owner', 'member', 'viewer')),
        added_at DATETIME NOT NULL,
        PRIMARY KEY (project_id, user_id)
    ) WITHOUT ROWID""",
    "CREATE INDEX project_member_user ON project_member (user_id, project_id)",
    """CREATE TABLE standup (
        id INTEGER PRIMARY KEY,
        author_id INTEGER NOT NULL REFERENCES user (id),
        day DATE NOT NULL,
        yesterday TEXT NOT NULL DEFAULT '',
        today TEXT NOT NULL DEFAULT '',
        blockers TEXT NOT NULL DEFAULT '',
        project_id INTEGER REFERENCES project (id) ON DELETE SET NULL,
        created_at DATETIME NOT NULL,
        updated_at DATETIME NOT NULL,
        UNIQUE (author_id, day)
    )""",
    "CREATE INDEX standup_day ON standup (day)",
    "CREATE INDEX standup_project ON standup (project_id, day)",
    """CREATE TABLE task (
        id INTEGER PRIMARY KEY,
        title TEXT NOT NULL,
        description TEXT NOT NULL DEFAULT '',
        status TEXT NOT NULL DEFAULT 'todo' CHECK (status IN ('todo', 'in_progress', 'blocked', 'done')),
        progress INTEGER NOT NULL DEFAULT 0 CHECK (progress BETWEEN 0 AND 100),
        priority TEXT NOT NULL DEFAULT 'normal' CHECK (priority IN ('low', 'normal', 'high', 'urgent')),
        due_date DATE,
        creator_id INTEGER NOT NULL REFERENCES user (id),
        assignee_id INTEGER REFERENCES user (id),
        project_id INTEGER REFERENCES project (id) ON DELETE SET NULL,
        origin_standup_id INTEGER REFERENCES standup (id) ON DELETE SET NULL,
        archived INTEGER NOT NULL DEFAULT 0 CHECK (archived IN (0, 1)),
        created_at DATETIME NOT NULL,
        updated_at DATETIME NOT NULL,
        completed_at DATETIME
    )""",
    "CREATE INDEX task_project ON task (project_id, archived, updated_at)",
    "CREATE INDEX task_assignee ON task (assignee_id, archived, status)",
    "CREATE INDEX task_creator ON task (creator_id, archived)",
    "CREATE INDEX task_due ON task (due_date) WHERE due_date IS NOT NULL",
    "CREATE INDEX task_origin_standup ON task (origin_standup_id) WHERE origin_standup_id IS NOT NULL",
    "CREATE INDEX task_completed ON task (completed_at) WHERE completed_at IS NOT NULL",
    """CREATE TABLE task_comment (
        id INTEGER PRIMARY KEY,
        task_id INTEGER NOT NULL REFERENCES task (id) ON DELETE CASCADE,
        author_id INTEGER NOT NULL REFERENCES user (id),
        body TEXT NOT NULL,
        created_at DATETIME NOT NULL,
        updated_at DATETIME NOT NULL
    )""",
    "CREATE INDEX task_comment_task ON task_comment (task_id, id)",
    """CREATE TABLE task_activity (
        id INTEGER PRIMARY KEY,
        task_id INTEGER NOT NULL REFERENCES task (id) ON DELETE CASCADE,
        actor_id INTEGER REFERENCES user (id) ON DELETE SET NULL,
        action TEXT NOT NULL,
        field TEXT NOT NULL DEFAULT '',
        old_value TEXT,
        new_value TEXT,
        created_at DATETIME NOT NULL
    )""",
    "CREATE INDEX task_activity_task ON task_activity (task_id, id)",
    "CREATE INDEX task_activity_created ON task_activity (created_at)",
    """CREATE TABLE task_preset (
        id INTEGER PRIMARY KEY,
        user_id INTEGER NOT NULL REFERENCES user (id) ON DELETE CASCADE,
        name TEXT NOT NULL,
        filters TEXT NOT NULL,
        created_at DATETIME NOT NULL,
        UNIQUE (user_id, name)
    )""",
)


def up(db: SqliteDatabase) -> None:
    for statement in STATEMENTS:
        db.execute_sql(statement)
