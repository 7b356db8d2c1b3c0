"""The health registry: named checks, each giving a severity, a message and the fix (a button or a command)."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, Protocol

from devcell.backups.service import Backups
from devcell.core.disk import DiskProbe
from devcell.core.jobs import JobRunner, JobSnapshot
from devcell.core.scheduler import Scheduler
from devcell.core.state import Key
from devcell.health.watch import Recovery

log = logging.getLogger(__name__)

Severity = Literal["ok", "warning", "critical", "skipped"]
CACHE_SECONDS = 20.0  # the badge polls every 30 s per browser; the checks need not run for each


@dataclass(frozen=True)
class Fix:
    """How to fix it: `action` is a button the UI knows (run_backup, run_maintenance, verify_backup, rebuild_index,
    settings), `command` an exact shell command, `target` what the action works on (a backup name, a setting key)."""

    label: str
    action: str | None = None
    command: str | None = None
    target: str | None = None


@dataclass(frozen=True)
class Finding:
    name: str
    title: str
    severity: Severity
    message: str
    fix: Fix | None = None


class IndexReport(Protocol):
    """What the index check reads of the search slice's consistency report."""

    @property
    def model_ready(self) -> bool: ...
    @property
    def consistent(self) -> bool | None: ...
    @property
    def problems(self) -> list[str]: ...
    @property
    def vectors(self) -> int | None: ...
    @property
    def chunks(self) -> int: ...
    @property
    def model(self) -> str: ...
    @property
    def documents(self) -> dict[str, int]: ...
    @property
    def unreachable(self) -> str | None: ...


class WorkerReport(Protocol):
    """What the index check reads of the knowledge worker's unexpected endings (search._remote.WorkerTrouble)."""

    @property
    def starting(self) -> bool: ...
    @property
    def times(self) -> int: ...
    @property
    def last(self) -> str: ...
    @property
    def retry_in(self) -> float | None: ...


class IndexWatch(Protocol):
    """The vector index as health sees it (the search slice's index care, handed in by the composition root):
    health checks it and offers its rebuild as the fix, without importing the search slice."""

    def status(self) -> IndexReport | None:
        """The consistency report; None while the index has not been opened in this process."""

    def start_rebuild(self, reason: str, owner_id: int | None = None) -> JobSnapshot:
        """The rebuild job (one at a time: while one is queued or running, that one is returned)."""

    def worker_trouble(self) -> WorkerReport | None:
        """The knowledge worker's unexpected endings of the last hour; None: there were none (or no worker)."""


@dataclass
class HealthContext:
    """Everything a check may look at. `llm_probe` is the LLM client's reachability check (the composition root
    sets it): it returns None when reachable, else the reason. `llm_context` asks the LLM server for its model's
    context (when what is known is stale) and returns the warning when llm_context_tokens exceeds it, else None.
    `index` answers for the search slice's vector index."""

    data_dir: Path
    host: str
    setting: Callable[[str], Any]
    disk: DiskProbe
    backups: Backups
    runner: JobRunner
    scheduler: Scheduler | None
    recovery: Recovery | None = None
    llm_probe: Callable[[], str | None] | None = None
    llm_context: Callable[[], str | None] | None = None
    index: IndexWatch | None = None
    database_url: str | None = None  # DEVCELL_DATABASE_URL past one box (a PostgreSQL server); None: the SQLite file
    proc: Path = field(default=Path("/proc"))
    sys: Path = field(default=Path("/sys"))


Check = Callable[[HealthContext], Finding]


def run_checks(context: HealthContext, checks: list[Check]) -> list[Finding]:
    findings = []
    for check in checks:
        try:
            findings.append(check(context))
        except Exception as exc:  # one broken check must not hide the others
            log.exception("health check %s failed", check.__name__)
            findings.append(Finding(check.__name__, check.__name__, "warning", f"The check itself failed: {exc}"))
    return findings


class Health:
    """Runs the registered checks, caching the result briefly."""

    def __init__(self, context: HealthContext, checks: list[Check]) -> None:
        self.context = context
        self.checks = checks
        self._cached: tuple[float, list[Finding]] | None = None
        self._lock = threading.Lock()

    def findings(self, fresh: bool = False) -> list[Finding]:
        with self._lock:
            cached = self._cached
        if not fresh and cached is not None and time.monotonic() - cached[0] < CACHE_SECONDS:
            return cached[1]
        found = run_checks(self.context, self.checks)
        with self._lock:
            self._cached = (time.monotonic(), found)
        return found

    def forget(self) -> None:
        with self._lock:
            self._cached = None


HEALTH: Key[Health] = Key("health checks")
