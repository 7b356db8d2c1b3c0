"""The jobs the appliance runs by itself, and how each one's timing follows the settings."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from zoneinfo import ZoneInfo

from apscheduler.triggers.cron import CronTrigger  # type: ignore[import-untyped]  # APScheduler 3 has no types
from apscheduler.triggers.interval import IntervalTrigger  # type: ignore[import-untyped]

from devcell.core.jobs import JobFunction
from devcell.core.scheduler import ScheduledJob, SettingsSource

DUE_CHECK_MINUTES = 15  # how late after its time a "due tomorrow" or a standup reminder may arrive


def daily(key: str) -> Callable[[SettingsSource], Any]:
    """A trigger at the HH:MM in setting `key`, in the appliance's time zone; None when the setting is empty."""

    def build(settings: SettingsSource) -> Any:
        value = str(settings.get(key) or "")
        if not value:
            return None
        hour, minute = value.split(":")
        return CronTrigger(hour=int(hour), minute=int(minute), timezone=ZoneInfo(settings.time_zone()))

    return build


def describe_daily(key: str) -> Callable[[SettingsSource], str]:
    def describe(settings: SettingsSource) -> str:
        value = str(settings.get(key) or "")
        return f"daily at {value} ({settings.time_zone()})" if value else f"off (set {key} to turn it on)"

    return describe


def every_minutes(key: str) -> Callable[[SettingsSource], Any]:
    """A trigger every N minutes, N from setting `key`."""

    def build(settings: SettingsSource) -> Any:
        return IntervalTrigger(minutes=int(settings.get(key)), timezone="UTC")

    return build


def describe_minutes(key: str) -> Callable[[SettingsSource], str]:
    def describe(settings: SettingsSource) -> str:
        return f"every {settings.get(key)} minutes"

    return describe


def scheduled_jobs(
    backup: JobFunction,
    maintenance: JobFunction,
    checkpoint: JobFunction,
    knowledge_scan: JobFunction,
    metrics_sample: JobFunction,
    reminders: JobFunction,
) -> list[ScheduledJob]:
    return [
        ScheduledJob(
            "backup",
            "Backup and verify",
            backup,
            daily("backup_time"),
            describe_daily("backup_time"),
            ("backup_time", "time_zone"),
        ),
        ScheduledJob(
            "maintenance",
            "Database maintenance",
            maintenance,
            daily("maintenance_time"),
            describe_daily("maintenance_time"),
            ("maintenance_time", "time_zone"),
        ),
        ScheduledJob(
            "checkpoint",
            "WAL checkpoint",
            checkpoint,
            every_minutes("checkpoint_minutes"),
            describe_minutes("checkpoint_minutes"),
            ("checkpoint_minutes",),
        ),
        # Files an admin copies into the knowledgebase directory are picked up, and removed ones forgotten.
        ScheduledJob(
            "knowledge_scan",
            "Knowledgebase scan",
            knowledge_scan,
            every_minutes("knowledge_scan_minutes"),
            describe_minutes("knowledge_scan_minutes"),
            ("knowledge_scan_minutes",),
        ),
        # The System page charts: disk free, database and index size, request rate over the last days.
        ScheduledJob(
            "metrics_sample",
            "Metrics sample",
            metrics_sample,
            every_minutes("metrics_sample_minutes"),
            describe_minutes("metrics_sample_minutes"),
            ("metrics_sample_minutes",),
        ),
        # "Due tomorrow" and "overdue" reach each assignee once, soon after their own morning begins; standup
        # reminders soon after the team's standup time, in each person's own time zone.
        ScheduledJob(
            "reminders",
            "Due-date and standup reminders",
            reminders,
            lambda _settings: IntervalTrigger(minutes=DUE_CHECK_MINUTES, timezone="UTC"),
            lambda _settings: f"every {DUE_CHECK_MINUTES} minutes",
            (),
        ),
    ]
