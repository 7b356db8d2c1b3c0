"""Due tomorrow and overdue: told once, in the assignee's morning (their time zone, else the appliance's).

A scheduled check runs every few minutes; for each open assigned task due by tomorrow (in the assignee's zone),
once their local clock has passed MORNING it delivers one note per task and due date. The dedupe key makes it
once: a restart, a second check the same morning or a second process changes nothing, and moving the due date
gives one new note for the new date.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from devcell.core.db import utcnow
from devcell.notifications.service import Note, deliver
from devcell.standups import service as standups
from devcell.tasks import service as tasks

MORNING = time(8, 0)


def _note(task: tasks.DueTask, today: date) -> Note:
    overdue = task.due_date < today
    kind_key = "overdue" if overdue else "due"
    when = f"was due {task.due_date.isoformat()}" if overdue else "is due tomorrow"
    if task.due_date == today:
        when = "is due today"
    return Note(
        task.assignee_id, "due", None, "task", str(task.id), task.project_id, f"“{task.title}” {when}",
        f"/tasks/{task.id}", dedupe=f"{kind_key}:{task.id}:{task.due_date.isoformat()}",
    )  # fmt: skip


def send_due_notes(appliance_zone: str, now: datetime | None = None) -> int:
    """Deliver the due/overdue notes whose morning has come; returns how many were new."""
    now = now or utcnow()
    zones: dict[int, ZoneInfo] = {}
    notes: list[Note] = []
    latest = (now + timedelta(days=2)).date()  # tomorrow in the zone furthest ahead
    for task in tasks.open_tasks_due_by(latest):
        zone = zones.get(task.assignee_id)
        if zone is None:
            zone = zones[task.assignee_id] = standups.user_zone(task.assignee_id, appliance_zone)
        local = now.astimezone(zone)
        if local.time() >= MORNING and task.due_date <= local.date() + timedelta(days=1):
            notes.append(_note(task, local.date()))
    return deliver(notes) if notes else 0
