"""Schema for training plans and units.

Frozen DDL once released: never edit a released migration; add a new one instead.
A plan belongs to a project and goes with it (CASCADE). A unit remembers the task seeded from it; deleting that
task clears the link (SET NULL), so the unit can be seeded again. `created_by_id` has no ON DELETE on purpose:
deleting a user who made plans is refused until training.service's OwnedData hands them over.
"""

from __future__ import annotations

from peewee import SqliteDatabase

STATEMENTS: tuple[str, ...] = (
    """CREATE TABLE training_plan (
        id INTEGER PRIMARY KEY,
        project_id INTEGER NOT NULL REFERENCES project (id) ON DELETE CASCADE,
        title TEXT NOT NULL,
        created_by_id INTEGER NOT NULL REFERENCES user (id),
        created_at DATETIME NOT NULL,
        updated_at DATETIME NOT NULL
    )""",
    "CREATE INDEX training_plan_project ON training_plan (project_id, updated_at)",
    "CREATE INDEX training_plan_created_by ON training_plan (created_by_id)",
    """CREATE TABLE training_unit (
        id INTEGER PRIMARY KEY,
        plan_id INTEGER NOT NULL REFERENCES training_plan (id) ON DELETE CASCADE,
        position INTEGER NOT NULL,
        title TEXT NOT NULL,
        description TEXT NOT NULL DEFAULT '',
        week INTEGER NOT NULL CHECK (week BETWEEN 1 AND 104),
        priority TEXT NOT NULL DEFAULT 'normal' CHECK (priority IN ('low', 'normal', 'high', 'urgent')),
        task_id INTEGER REFERENCES task (id) ON DELETE SET NULL,
        seeded_at DATETIME
    )""",
    "CREATE INDEX training_unit_plan ON training_unit (plan_id, week, position)",
    # Deleting a task looks up the units that point at it (SET NULL); without this index that is a table scan.
    "CREATE INDEX training_unit_task ON training_unit (task_id) WHERE task_id IS NOT NULL",
)


def up(db: SqliteDatabase) -> None:
    for statement in STATEMENTS:
        db.execute_sql(statement)
