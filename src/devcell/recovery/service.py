"""Recovery mode's work: the one-time recovery code, the backups that can be restored, the restore itself.

The accounts live in the database that cannot be opened, so nobody can sign in: the recovery code (printed in the
service log and by `devcell recovery-code`, 0600 in the data directory, deleted once a restore succeeded) stands in
for an administrator, like the setup code does on a fresh install."""

from __future__ import annotations

import logging
import threading
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from starlette.requests import Request

from devcell.backups.service import Backups, list_backups
from devcell.core import onetime
from devcell.core.config import Config
from devcell.core.db import utcnow
from devcell.core.errors import Conflict
from devcell.core.logs import announce_secret
from devcell.core.scheduler import LOCK_FILE, ProcessLock
from devcell.core.state import Key
from devcell.health.schemas import CheckOut, ReadyOut
from devcell.recovery.errors import InRecovery, RecoveryCodeInvalid
from devcell.recovery.schemas import RecoveryBackups, RecoveryRestored, RecoveryStatus
from devcell.settings.service import SettingsStore, salvaged_settings

log = logging.getLogger(__name__)

RECOVERY_CODE_FILE = "recovery_code"


def recovery_code_path(data_dir: Path) -> Path:
    return data_dir / RECOVERY_CODE_FILE


@dataclass
class RecoveryMode:
    """What a server in recovery mode knows: why, since when, and how to reach the backups."""

    problem: str
    backups: Backups
    settings: SettingsStore
    data_dir: Path
    # Held like the scheduler holds it, so `devcell restore` refuses to run beside this server's recovery page.
    lock: ProcessLock
    since: datetime = field(default_factory=utcnow)
    busy: threading.Lock = field(default_factory=threading.Lock)
    # Set by the composition root: opens the restored storage and starts every service.
    leave: Callable[[], Awaitable[None]] | None = None

    def status(self) -> RecoveryStatus:
        return RecoveryStatus(active=True, problem=self.problem, since=self.since)


def enter(config: Config, problem: str) -> RecoveryMode:
    """Prepare recovery mode: the backups as the damaged database's saved settings (if readable) place them,
    and a recovery code announced in the service log."""
    settings = salvaged_settings(config.database_path, config.setting_overrides())
    backups = Backups(
        config.data_dir,
        config.kb_dir,
        settings.get,
        embedding_model=config.embedding_model,
        database_url=config.database_url,
    )
    lock = ProcessLock(config.data_dir / LOCK_FILE)
    lock.acquire()  # not held when another server runs on this directory: that one holds it then
    mode = RecoveryMode(problem=problem, backups=backups, settings=settings, data_dir=config.data_dir, lock=lock)
    _announce(config, problem)
    return mode


def _announce(config: Config, problem: str) -> None:
    announce_secret(
        "devcell.recovery_code",
        logging.ERROR,
        "DevCell cannot open its database (%s), so it runs in recovery mode. Open http://%s:%s/recovery and "
        "enter the recovery code %s (also printed by `devcell recovery-code`) to restore a backup.",
        problem,
        "<this host>" if config.host in ("0.0.0.0", "::") else config.host,  # noqa: S104 - a bind address
        config.port,
        onetime.ensure_code(recovery_code_path(config.data_dir)),
    )
    log.error("DevCell cannot open its database (%s); recovery mode: see the service log for the code", problem)


def check_code(mode: RecoveryMode, code: str) -> None:
    if not onetime.matches(recovery_code_path(mode.data_dir), code):
        raise RecoveryCodeInvalid()


def backups(mode: RecoveryMode) -> RecoveryBackups:
    return RecoveryBackups(
        backups=list_backups(mode.backups), damaged_dir=str(mode.backups.damaged_dir()), uploaded=None
    )


def restore(mode: RecoveryMode, name: str) -> RecoveryRestored:
    """Restore a backup over the damaged database (its files are kept in damaged/<time>/). The code is used up."""
    if not mode.busy.acquire(blocking=False):
        raise Conflict("A restore is already running; wait for it to finish.", code="restore_running")
    try:
        archive = mode.backups.directory().archive(name)
        result: dict[str, Any] = mode.backups.restore(archive, lambda _done, _total, _message: None)
    finally:
        mode.busy.release()
    onetime.discard(recovery_code_path(mode.data_dir))
    log.warning("recovery: restored %s; the damaged files are in %s", name, result.get("damaged_kept"))
    return RecoveryRestored(
        archive=name,
        created_at=result.get("created_at"),
        seconds=float(result["seconds"]),
        damaged_kept=result.get("damaged_kept"),
    )


# While in recovery mode only these answer: liveness/readiness (systemd and monitors) and the recovery API.
OPEN_PATHS = ("/api/health", "/api/recovery")


class RecoveryGuard:
    """The request guard of recovery mode: every other API route answers 503 recovery_mode."""

    def __call__(self, request: Request) -> None:
        if not request.url.path.startswith(OPEN_PATHS):
            raise InRecovery()

    def forget(self) -> None:
        """Nothing is cached."""


class Unready:
    """Readiness in recovery mode: never ready, and says why (administrators see the message)."""

    def __init__(self, problem: str) -> None:
        self.answer = ReadyOut(status="fail", checks=[CheckOut(name="database", ok=False, message=problem)])

    def get(self) -> ReadyOut:
        return self.answer


RECOVERY_MODE: Key[RecoveryMode] = Key("recovery mode")
