"""Restore on a fresh install, from the first-run setup page: the setup code stands in for an admin."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from devcell.accounts import service as accounts
from devcell.accounts.errors import SetupCodeInvalid, SetupDone
from devcell.backups.service import Backups
from devcell.core import onetime


def check_setup_code(data_dir: Path, code: str) -> None:
    """Refuse unless DevCell still needs setup and `code` is its setup code."""
    if not accounts.needs_setup():
        raise SetupDone()
    if not onetime.matches(accounts.setup_code_path(data_dir), code):
        raise SetupCodeInvalid()


def restore_fresh(backups: Backups, name: str) -> dict[str, Any]:
    """Restore an uploaded archive onto a fresh install. No safety backup: there is nothing to keep yet (the
    empty database is still copied aside, to roll back to if the restore fails)."""
    path = backups.directory().archive(name)
    try:
        result = backups.restore(path, lambda _done, _total, _message: None, safety=False)
    except Exception:
        backups.delete(name)
        raise
    if not accounts.needs_setup():
        accounts.discard_setup_code(backups.data_dir)
    return result
