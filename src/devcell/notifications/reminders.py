"""Standup reminders: at the team's standup time (setting standup_reminder_time, each person's own clock, Monday
to Friday), whoever has not filed for their day and is not away gets one reminder. A project may hold its standup
at its own time (project.standup_time, the appliance's clock): then its members are reminded at that time too.
Checked by the same scheduled job as due dates; the dedupe key makes it once per person and day, whichever of
their times comes first (they file one entry a day, so the earliest standup they attend is when it is due)."""

from __future__ import annotations

from datetime import datetime, time
from zoneinfo import ZoneInfo

from devcell.accounts.service import Member, active_members
from devcell.core.db import utcnow
from devcell.notifications.service import Note, deliver
from devcell.projects.service import project_member_ids, standup_times
from devcell.standups import service as standups

WORKING_DAYS = range(5)  # Monday to Friday, as the standups slice's "next working day"


def _at(text: str) -> time | None:
    if not text:
        return None
    hour, minute = text.split(":")
    return time(int(hour), int(minute))


def _project_time_members(appliance_zone: str, now: datetime) -> set[int]:
    """The members of every project whose own standup time has come today on the appliance's clock."""
    local = now.astimezone(ZoneInfo(appliance_zone))
    if local.weekday() not in WORKING_DAYS:
        return set()
    due: set[int] = set()
    for project_id, text in standup_times().items():
        at = _at(text)
        if at is not None and local.time() >= at:
            due |= project_member_ids(project_id)
    return due


def _reminder(member: Member, appliance_zone: str, now: datetime, at: time | None, by_project: bool) -> Note | None:
    """The member's reminder for their local day, if one of their standup times has come and nothing is filed."""
    local = now.astimezone(standups.user_zone(member.id, appliance_zone))
    day = local.date()
    global_due = at is not None and day.weekday() in WORKING_DAYS and local.time() >= at
    if not (global_due or by_project) or member.away_on(day) or standups.own_entry_id(member.id, day) is not None:
        return None
    title = f"Time for your standup: nothing filed for {day.isoformat()} yet"
    return Note(member.id, "reminder", None, "standup", day.isoformat(), None, title, "/standups",
                dedupe=f"standup:{day.isoformat()}")  # fmt: skip


def send_standup_reminders(reminder_time: str, appliance_zone: str, now: datetime | None = None) -> int:
    """Deliver the reminders whose time has come today (the global time or a project's own); returns how many
    were new."""
    at = _at(reminder_time)
    now = now or utcnow()
    by_project = _project_time_members(appliance_zone, now)
    if at is None and not by_project:
        return 0
    notes = [
        note
        for member in active_members()
        if (note := _reminder(member, appliance_zone, now, at, member.id in by_project)) is not None
    ]
    return deliver(notes) if notes else 0
