"""WorkflowRun, WorkflowStep and WorkflowTask rows (schema: core/migrations/m0009_workflows.py).

Other slices' rows (user, project, task) are referenced by id only: their foreign keys live in the DDL."""

from __future__ import annotations

from peewee import AutoField, BooleanField, CharField, ForeignKeyField, IntegerField, TextField

from devcell.core.db import BaseModel, UTCDateTimeField


class WorkflowRun(BaseModel):
    id = AutoField()
    pipeline = CharField()  # feature | pr_review | bug_triage
    title = CharField()
    input = TextField()
    project_id = IntegerField(null=True)
    status = CharField()  # queued | running | succeeded | failed | cancelled
    error_code = CharField(null=True)
    error_message = TextField(null=True)
    job_id = CharField(null=True)
    created_by_id = IntegerField()
    created_at = UTCDateTimeField()
    finished_at = UTCDateTimeField(null=True)


class WorkflowStep(BaseModel):
    id = AutoField()
    run = ForeignKeyField(WorkflowRun, backref="steps", on_delete="CASCADE")
    position = IntegerField()
    role = CharField()
    status = CharField(default="pending")  # pending | running | done | failed | skipped
    output = TextField(default="")
    omitted = TextField(null=True)
    started_at = UTCDateTimeField(null=True)
    finished_at = UTCDateTimeField(null=True)
    truncated = BooleanField(default=False)  # the model stopped at its length limit


class WorkflowTask(BaseModel):
    """A task made from a run's tasks artifact: the title is remembered so a repeat does not make it twice."""

    id = AutoField()
    run = ForeignKeyField(WorkflowRun, backref="tasks", on_delete="CASCADE")
    title = CharField()
    task_id = IntegerField(null=True)
    created_at = UTCDateTimeField()
