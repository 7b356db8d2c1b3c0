"""TrainingPlan and TrainingUnit rows (schema: core/migrations/m0010_training.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from peewee import AutoField, CharField, ForeignKeyField, IntegerField, TextField

from devcell.accounts.models import User
from devcell.core.db import BaseModel, UTCDateTimeField
from devcell.projects.models import Project
from devcell.tasks.models import Task


class TrainingPlan(BaseModel):
    id = AutoField()
    project = ForeignKeyField(Project, backref="+", on_delete="CASCADE")
    title = CharField()
    created_by = ForeignKeyField(User, backref="+")
    created_at = UTCDateTimeField()
    updated_at = UTCDateTimeField()

    if TYPE_CHECKING:  # peewee adds an `<fk>_id` accessor per foreign key
        project_id: int
        created_by_id: int


class TrainingUnit(BaseModel):
    id = AutoField()
    plan = ForeignKeyField(TrainingPlan, backref="units", on_delete="CASCADE")
    position = IntegerField()  # the order the roadmap gave, within the plan
    title = CharField()
    description = TextField(default="")
    week = IntegerField()
    priority = CharField(default="normal")  # low | normal | high | urgent
    task = ForeignKeyField(Task, backref="+", null=True, on_delete="SET NULL")
    seeded_at = UTCDateTimeField(null=True)

    if TYPE_CHECKING:
        plan_id: int
        task_id: int | None
