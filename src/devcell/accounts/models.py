"""Users and their credentials: browser sessions, API tokens, registration invites."""

from __future__ import annotations

from typing import TYPE_CHECKING

from peewee import AutoField, BooleanField, CharField, DateField, ForeignKeyField, IntegerField

from devcell.core.db import BaseModel, UTCDateTimeField


class User(BaseModel):
    id = AutoField()
    username = CharField(unique=True)
    display_name = CharField(default="")
    job_title = CharField(default="")
    team = CharField(default="")
    rank = CharField(default="")
    skills = CharField(default="")
    time_zone = CharField(default="")
    away_from = DateField(null=True)  # away / out of office, both days included (the user's local days)
    away_until = DateField(null=True)
    role = CharField(default="user")
    active = BooleanField(default=True)
    password_hash = CharField()
    created_at = UTCDateTimeField()
    updated_at = UTCDateTimeField()
    password_changed_at = UTCDateTimeField()
    last_login_at = UTCDateTimeField(null=True)


class Session(BaseModel):
    id = AutoField()
    user = ForeignKeyField(User, backref="sessions", on_delete="CASCADE")
    token_hash = CharField(unique=True)
    created_at = UTCDateTimeField()
    last_seen_at = UTCDateTimeField()
    expires_at = UTCDateTimeField()
    user_agent = CharField(default="")
    client_address = CharField(default="")


class ApiToken(BaseModel):
    id = AutoField()
    user = ForeignKeyField(User, backref="api_tokens", on_delete="CASCADE")
    name = CharField()
    token_hash = CharField(unique=True)
    prefix = CharField()
    created_at = UTCDateTimeField()
    last_used_at = UTCDateTimeField(null=True)
    expires_at = UTCDateTimeField(null=True)


class Invite(BaseModel):
    id = AutoField()
    token_hash = CharField(unique=True)
    role = CharField(default="user")
    note = CharField(default="")
    created_by_id = IntegerField(null=True)
    created_at = UTCDateTimeField()
    expires_at = UTCDateTimeField()
    used_at = UTCDateTimeField(null=True)
    used_by_id = IntegerField(null=True)
    revoked_at = UTCDateTimeField(null=True)


class ResetLink(BaseModel):
    """A one-time password reset link (accounts/_resets.py)."""

    id = AutoField()
    user = ForeignKeyField(User, backref="+", on_delete="CASCADE")
    token_hash = CharField(unique=True)
    created_by_id = IntegerField(null=True)
    created_at = UTCDateTimeField()
    expires_at = UTCDateTimeField()
    used_at = UTCDateTimeField(null=True)
    revoked_at = UTCDateTimeField(null=True)

    class Meta:
        table_name = "password_reset"

    if TYPE_CHECKING:
        user_id: int
