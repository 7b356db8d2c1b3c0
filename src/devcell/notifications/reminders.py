"""Standup reminders: at the team's standup time (setting standup_reminder_time, each person's own clock, Monday
to Friday), whoever has not filed for their day and is not away gets one reminder. Checked by the same scheduled
job as due dates; the dedupe key makes it once per person and day."""

from __future__ import annotations

from datetime import datetime, time

from devcell.accounts.service import active_members
from devcell.core.db import utcnow
from devcell.notifications.service import Note, deliver
from devcell.standups import service as standups

WORKING_DAYS = range(5)  # Monday to Friday, as the standups slice's "next working day"


def _at(text: str) -> time | None:
    if not text:
        return None
    hour, minute = text.split(":")
    return time(int(hour), int(minute))


def send_standup_reminders(reminder_time: str, appliance_zone: str, now: datetime | None = None) -> int:
    """Deliver the reminders whose time has come today; returns how many were new."""
    at = _at(reminder_time)
    if at is None:
        return 0
    now = now or utcnow()
    notes: list[Note] = []
    for member in active_members():
        local = now.astimezone(standups.user_zone(member.id, appliance_zone))
        day = local.date()
        if day.weekday() not in WORKING_DAYS or local.time() < at or member.away_on(day):
            continue
        if standups.own_entry_id(member.id, day) is None:
            title = f"Time for your standup: nothing filed for {day.isoformat()} yet"
            notes.append(
                Note(member.id, "reminder", None, "standup", day.isoformat(), None, title, "/standups",
                     dedupe=f"standup:{day.isoformat()}")
            )  # fmt: skip
    return deliver(notes) if notes else 0
