"""Views of the scheduler and the health registry for the API."""

from __future__ import annotations

from dataclasses import asdict
from datetime import UTC

from devcell.core.db import utcnow
from devcell.core.jobs import JobSnapshot
from devcell.core.scheduler import ScheduleEntry, Scheduler
from devcell.system.health import Finding, Health
from devcell.system.schemas import (
    HealthReportOut,
    HealthSummaryOut,
    ScheduleEntryOut,
    ScheduleOut,
    ScheduleRunOut,
)


def _run_out(snap: JobSnapshot | None) -> ScheduleRunOut | None:
    if snap is None:
        return None
    seconds = (snap.finished_at - snap.started_at).total_seconds() if snap.finished_at and snap.started_at else None
    return ScheduleRunOut(
        id=snap.id,
        status=snap.status,
        started_at=snap.started_at,
        finished_at=snap.finished_at,
        seconds=None if seconds is None else round(seconds, 2),
        message=snap.message,
        error=snap.error,
    )


def _entry_out(entry: ScheduleEntry) -> ScheduleEntryOut:
    return ScheduleEntryOut(
        name=entry.name,
        title=entry.title,
        schedule=entry.schedule,
        next_run_at=entry.next_run_at.astimezone(UTC) if entry.next_run_at else None,
        last_run=_run_out(entry.last_run),
        running=entry.running,
        runs_here=entry.runs_here,
    )


def schedule(scheduler: Scheduler) -> ScheduleOut:
    return ScheduleOut(items=[_entry_out(e) for e in scheduler.entries()])


def _overall(findings: list[Finding]) -> str:
    severities = {f.severity for f in findings}
    return "critical" if "critical" in severities else "warning" if "warning" in severities else "ok"


def health_report(health: Health, fresh: bool) -> HealthReportOut:
    findings = health.findings(fresh=fresh)
    return HealthReportOut.model_validate(
        {"status": _overall(findings), "checked_at": utcnow(), "items": [asdict(f) for f in findings]}
    )


def health_summary(health: Health) -> HealthSummaryOut:
    findings = health.findings()
    return HealthSummaryOut.model_validate(
        {
            "status": _overall(findings),
            "warning": sum(f.severity == "warning" for f in findings),
            "critical": sum(f.severity == "critical" for f in findings),
        }
    )
