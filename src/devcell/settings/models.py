"""The saved value of each runtime setting (only values changed from the settings page are stored)."""

from __future__ import annotations

from peewee import CharField, IntegerField, TextField

from devcell.core.db import BaseModel, UTCDateTimeField


class Setting(BaseModel):
    key = CharField(primary_key=True)
    value = TextField()  # JSON
    updated_at = UTCDateTimeField()
    updated_by_id = IntegerField(null=True)
