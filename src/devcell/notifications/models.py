"""Notification, NotificationPreference and Watch rows (schema: core/migrations/m0013_notifications.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from peewee import AutoField, BooleanField, CharField, CompositeKey, ForeignKeyField, IntegerField, TextField

from devcell.accounts.models import User
from devcell.core.db import BaseModel, UTCDateTimeField
from devcell.projects.models import Project


class Notification(BaseModel):
    id = AutoField()
    recipient = ForeignKeyField(User, backref="+", on_delete="CASCADE")
    kind = CharField()
    actor = ForeignKeyField(User, backref="+", null=True, on_delete="SET NULL")
    subject_type = CharField()  # task | standup | job
    subject_id = CharField()  # text: job ids are not numbers
    project = ForeignKeyField(Project, backref="+", null=True, on_delete="CASCADE")
    title = TextField()
    excerpt = TextField(default="")
    link = TextField()
    dedupe = CharField(null=True)
    events = IntegerField(default=1)  # how many happenings this unread notification gathers
    created_at = UTCDateTimeField()
    read_at = UTCDateTimeField(null=True)

    if TYPE_CHECKING:
        recipient_id: int
        actor_id: int | None
        project_id: int | None


class NotificationPreference(BaseModel):
    user = ForeignKeyField(User, backref="+", on_delete="CASCADE")
    kind = CharField()
    enabled = BooleanField()

    class Meta:
        primary_key = CompositeKey("user", "kind")


class Watch(BaseModel):
    """`watching` False records an explicit unwatch, so being the creator or assignee does not watch again."""

    user = ForeignKeyField(User, backref="+", on_delete="CASCADE")
    subject_type = CharField()  # task | project
    subject_id = IntegerField()
    watching = BooleanField()
    created_at = UTCDateTimeField()

    class Meta:
        primary_key = CompositeKey("user", "subject_type", "subject_id")

    if TYPE_CHECKING:
        user_id: int
