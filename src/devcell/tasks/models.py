"""Task, TaskComment, TaskActivity, TaskPreset, Label, TaskLabel and TaskChecklistItem rows (schema:
core/migrations/m0003_work_tracking.py, m0016_labels_checklists.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from peewee import (
    AutoField,
    BooleanField,
    CharField,
    CompositeKey,
    DateField,
    ForeignKeyField,
    IntegerField,
    TextField,
)

from devcell.accounts.models import User
from devcell.core.db import BaseModel, UTCDateTimeField
from devcell.projects.models import Project


class Task(BaseModel):
    id = AutoField()
    title = CharField()
    description = TextField(default="")
    status = CharField(default="todo")  # todo | in_progress | blocked | done
    progress = IntegerField(default=0)  # 0-100; done implies 100
    priority = CharField(default="normal")  # low | normal | high | urgent
    due_date = DateField(null=True)
    creator = ForeignKeyField(User, backref="+")
    assignee = ForeignKeyField(User, backref="+", null=True)
    project = ForeignKeyField(Project, backref="tasks", null=True, on_delete="SET NULL")
    # The standup entry this task was converted from. The schema keeps it a foreign key (m0003, ON DELETE SET
    # NULL); here it is a plain id because standups owns the link (it imports tasks, never the other way round).
    origin_standup_id = IntegerField(null=True)
    archived = BooleanField(default=False)
    created_at = UTCDateTimeField()
    updated_at = UTCDateTimeField()
    completed_at = UTCDateTimeField(null=True)

    if TYPE_CHECKING:  # peewee adds an `<fk>_id` accessor per foreign key; tell the type checker about them
        creator_id: int
        assignee_id: int | None
        project_id: int | None


class TaskComment(BaseModel):
    id = AutoField()
    task = ForeignKeyField(Task, backref="comments", on_delete="CASCADE")
    author = ForeignKeyField(User, backref="+")
    body = TextField()
    created_at = UTCDateTimeField()
    updated_at = UTCDateTimeField()

    if TYPE_CHECKING:
        author_id: int


class TaskActivity(BaseModel):
    """One change to a task: `action` is created|updated|commented|archived|restored|moved|...; for updates,
    `field` names the field and old/new hold its values as text."""

    id = AutoField()
    task = ForeignKeyField(Task, backref="activity", on_delete="CASCADE")
    actor = ForeignKeyField(User, backref="+", null=True, on_delete="SET NULL")
    action = CharField()
    field = CharField(default="")
    old_value = TextField(null=True)
    new_value = TextField(null=True)
    created_at = UTCDateTimeField()

    if TYPE_CHECKING:
        actor_id: int | None


class TaskPreset(BaseModel):
    id = AutoField()
    user = ForeignKeyField(User, backref="+", on_delete="CASCADE")
    name = CharField()
    filters = TextField()  # JSON of the task list's query parameters
    created_at = UTCDateTimeField()


class Label(BaseModel):
    """A coloured label: global (project None, managed by administrators) or one project's (managed by its owners)."""

    id = AutoField()
    name = CharField()
    colour = CharField()  # one of schemas.LABEL_COLOURS
    project = ForeignKeyField(Project, backref="+", null=True, on_delete="CASCADE")
    created_at = UTCDateTimeField()

    if TYPE_CHECKING:
        project_id: int | None


class TaskLabel(BaseModel):
    task = ForeignKeyField(Task, backref="+", on_delete="CASCADE")
    label = ForeignKeyField(Label, backref="+", on_delete="CASCADE")

    class Meta:
        table_name = "task_label"
        primary_key = CompositeKey("task", "label")

    if TYPE_CHECKING:
        task_id: int
        label_id: int


class TaskChecklistItem(BaseModel):
    """One line of a task's checklist; `position` runs 0, 1, 2 ... without gaps within the task."""

    id = AutoField()
    task = ForeignKeyField(Task, backref="+", on_delete="CASCADE")
    text = TextField()
    done = BooleanField(default=False)
    position = IntegerField()
    created_at = UTCDateTimeField()
    updated_at = UTCDateTimeField()

    if TYPE_CHECKING:
        task_id: int
