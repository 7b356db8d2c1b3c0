"""Standups a user authored, for deleting that user: counted, and moved to another user on request."""

from __future__ import annotations

from devcell.accounts import service as accounts
from devcell.core.db import utcnow
from devcell.standups.models import Standup
from devcell.standups.schemas import SECTIONS
from devcell.tasks import service as tasks


def count(user_id: int) -> int:
    return int(Standup.select().where(Standup.author == user_id).count())


def _merge_into(target: Standup, source: Standup, source_name: str) -> None:
    """Both users filed for the same day and only one entry per user and day may exist: append the departing
    user's text to the other entry, attributed, so nothing is lost; its linked tasks follow it."""
    for section in SECTIONS:
        extra = getattr(source, section)
        if extra:
            mine = getattr(target, section)
            setattr(target, section, f"{mine}\n\n_From {source_name}:_\n\n{extra}".strip())
    target.updated_at = utcnow()
    target.save()
    # Re-point the link before the source row goes (its foreign key would otherwise just be cleared).
    tasks.relink_standup_tasks(source.id, target.id)
    source.delete_instance()


def reassign(from_id: int, to_id: int) -> None:
    """Runs inside accounts' delete-user write transaction."""
    taken = {s.day: s for s in Standup.select().where(Standup.author == to_id)}
    source_name = accounts.get_user(from_id).username
    for standup in Standup.select().where(Standup.author == from_id):
        if standup.day in taken:
            _merge_into(taken[standup.day], standup, source_name)
        else:
            Standup.update(author=to_id).where(Standup.id == standup.id).execute()


def register() -> None:
    accounts.register_owned_data(accounts.OwnedData("standups", count, reassign))
