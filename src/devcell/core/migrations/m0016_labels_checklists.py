"""Task labels (global, or one project's) and task checklists.

A label's name is unique within its scope whatever its case: the index keys global labels on project 0, which no
project has. Deleting a label or a task removes its links; deleting a project removes its labels.
Frozen DDL once released: never edit a released migration; add a new one instead.
"""

from __future__ import annotations

from peewee import SqliteDatabase

STATEMENTS: tuple[str, ...] = (
    """CREATE TABLE label (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL,
        colour TEXT NOT NULL,
        project_id INTEGER REFERENCES project (id) ON DELETE CASCADE,
        created_at DATETIME NOT NULL
    )""",
    "CREATE UNIQUE INDEX label_scope_name ON label (IFNULL(project_id, 0), name COLLATE NOCASE)",
    """CREATE TABLE task_label (
        task_id INTEGER NOT NULL REFERENCES task (id) ON DELETE CASCADE,
        label_id INTEGER NOT NULL REFERENCES label (id) ON DELETE CASCADE,
        PRIMARY KEY (task_id, label_id)
    ) WITHOUT ROWID""",
    "CREATE INDEX task_label_label ON task_label (label_id, task_id)",
    """CREATE TABLE task_checklist_item (
        id INTEGER PRIMARY KEY,
        task_id INTEGER NOT NULL REFERENCES task (id) ON DELETE CASCADE,
        text TEXT NOT NULL,
        done INTEGER NOT NULL DEFAULT 0,
        position INTEGER NOT NULL,
        created_at DATETIME NOT NULL,
        updated_at DATETIME NOT NULL
    )""",
    "CREATE INDEX task_checklist_item_task ON task_checklist_item (task_id, position, done)",
)


def up(db: SqliteDatabase) -> None:
    for statement in STATEMENTS:
        db.execute_sql(statement)
