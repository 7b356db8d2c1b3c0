"""Health's public surface: readiness, the health report and its badge summary, and what other slices use of the
registry and the database watch (operations' metrics, support bundle and maintenance)."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path
from typing import Any, Protocol

from devcell.core.db import check_reachable, utcnow
from devcell.core.disk import human
from devcell.core.migrations.runner import HEAD, SchemaTooNew, current_version
from devcell.core.state import Key
from devcell.health.guard import GATE as GATE
from devcell.health.guard import Gate, RequestGuard
from devcell.health.registry import HEALTH as HEALTH
from devcell.health.registry import Finding as Finding
from devcell.health.registry import Health as Health
from devcell.health.schemas import CheckOut, HealthReportOut, HealthSummaryOut, ReadyOut
from devcell.health.watch import Recovery
from devcell.health.watch import integrity as integrity


def _check_database() -> CheckOut:
    problem = check_reachable()
    return CheckOut(name="database", ok=problem is None, message=problem or "reachable")


def _check_schema() -> CheckOut:
    try:
        version = current_version()
    except SchemaTooNew as exc:
        return CheckOut(name="migrations", ok=False, message=str(exc))
    except Exception as exc:
        return CheckOut(name="migrations", ok=False, message=f"cannot read the schema version: {exc}")
    ok = version == HEAD
    return CheckOut(name="migrations", ok=ok, message=f"schema {version} of {HEAD}")


def _check_writable(directory: Path) -> CheckOut:
    probe = directory / f".ready-{os.getpid()}"
    try:
        with probe.open("wb") as handle:
            handle.write(b"ok")
            handle.flush()
            os.fsync(handle.fileno())
        probe.unlink()
    except OSError as exc:
        return CheckOut(name="disk", ok=False, message=f"cannot write to {directory}: {exc.strerror}")
    return CheckOut(name="disk", ok=True, message="writable")


# More readiness checks from the running server's state (the database's integrity, paused writes, the disk
# floor): wired in by the app, since they need its guard and recovery.
Conditions = Callable[[], list[CheckOut]]


def readiness(tmp_dir: Path, conditions: Conditions = list) -> ReadyOut:
    """Database reachable, migrations current, data directory writable, and the server's own conditions."""
    checks = [_check_database(), _check_schema(), _check_writable(tmp_dir), *conditions()]
    return ReadyOut(status="ok" if all(c.ok for c in checks) else "fail", checks=checks)


def ready_conditions(recovery: Recovery, gate: Gate, guard: RequestGuard) -> list[CheckOut]:
    """Not ready while the database is damaged, changes are paused (a restore, a damaged database) or the data
    disk is below the floor: a load balancer or a monitor should hear what the health page says."""
    damaged = recovery.problem
    paused = gate.blocking(write=True)
    free, floor = guard.free_bytes(), guard.floor_bytes()
    return [
        CheckOut(name="integrity", ok=damaged is None, message=damaged or "no damage found"),
        CheckOut(name="writes", ok=paused is None, message=paused.message if paused else "accepted"),
        CheckOut(name="disk_floor", ok=free >= floor, message=f"{human(free)} free; changes need {human(floor)}"),
    ]


READY_CACHE_SECONDS = 3.0  # a probe that polls every second costs one fsync every three, not one per call


class Readiness:
    """The readiness answer, cached briefly: it is anonymous and each run writes and fsyncs a probe file, so a
    loop of callers must not turn into a loop of disk writes."""

    def __init__(self, tmp_dir: Path, conditions: Conditions = list) -> None:
        self.tmp_dir = tmp_dir
        self.conditions = conditions
        self._cached: tuple[float, ReadyOut] | None = None
        self._lock = threading.Lock()

    def get(self) -> ReadyOut:
        with self._lock:  # one run at a time; callers meanwhile wait for its answer
            cached = self._cached
            if cached is not None and time.monotonic() - cached[0] < READY_CACHE_SECONDS:
                return cached[1]
            result = readiness(self.tmp_dir, self.conditions)
            self._cached = (time.monotonic(), result)
            return result


def anonymous_view(result: ReadyOut) -> dict[str, Any]:
    """Names and outcomes only: messages name paths and errors, which are for administrators."""
    return {"status": result.status, "checks": [{"name": c.name, "ok": c.ok} for c in result.checks]}


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
            # Titles only: the badge tells every user what is wrong, never what the check found (paths, errors).
            "problems": [
                {"name": f.name, "title": f.title, "severity": f.severity}
                for f in findings
                if f.severity in ("warning", "critical")
            ],
        }
    )


class ReadinessSource(Protocol):
    """What answers /api/health/ready: `Readiness` when serving, recovery mode's `Unready` otherwise."""

    def get(self) -> ReadyOut: ...


READINESS: Key[ReadinessSource] = Key("readiness")
