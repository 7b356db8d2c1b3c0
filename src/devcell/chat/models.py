"""Stored conversations and their messages (schema: core/migrations/m0007_chat_history.py).

Rows exist only while the admin keeps a chat retention (chat_retention_days > 0)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from peewee import AutoField, BooleanField, CharField, ForeignKeyField, IntegerField, TextField

from devcell.accounts.models import User
from devcell.core.db import BaseModel, UTCDateTimeField


class Conversation(BaseModel):
    id = AutoField()
    user = ForeignKeyField(User, backref="+", on_delete="CASCADE")
    title = CharField()  # the first question, shortened
    persona = CharField()
    message_count = IntegerField(default=0)
    created_at = UTCDateTimeField()
    updated_at = UTCDateTimeField()
    expires_at = UTCDateTimeField()  # last message + the retention in force then; the nightly prune goes by it

    class Meta:
        table_name = "chat_conversation"

    if TYPE_CHECKING:
        user_id: int


class StoredMessage(BaseModel):
    id = AutoField()
    conversation = ForeignKeyField(Conversation, backref="messages", on_delete="CASCADE")
    role = CharField()  # user | assistant
    content = TextField()
    sources = TextField(default="[]")  # the citations of an assistant reply, as JSON
    stopped = BooleanField(default=False)  # the user pressed Stop: the reply is what had arrived
    created_at = UTCDateTimeField()

    class Meta:
        table_name = "chat_message"

    if TYPE_CHECKING:
        conversation_id: int
