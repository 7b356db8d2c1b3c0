"""Copies of a damaged database that a restore set aside (damaged/<time>/): listing them and deleting one.

DevCell never deletes them by itself (they may hold the last hours of work a specialist can still get out), so
the System page lists them with their size and an admin deletes them when they are no longer needed."""

from __future__ import annotations

import re
import shutil
import stat
from datetime import UTC, datetime
from pathlib import Path

from devcell.backups.errors import DamagedNotFound
from devcell.backups.schemas import DamagedFile, DamagedFolder, DamagedList

# Exactly the stamp restore.set_aside_damaged names a folder by (UTC, to the second). Nothing else is ever taken
# as a folder name, so no request can reach outside damaged/ ("..", slashes, absolute paths all fail the match).
STAMP = re.compile(r"[0-9]{8}T[0-9]{6}Z")  # used with fullmatch: `$` would let a trailing newline in
STAMP_FORMAT = "%Y%m%dT%H%M%SZ"


def _is_folder(path: Path) -> bool:
    """A real directory, not a symlink to one: deleting follows neither, and listing must not either."""
    try:
        return stat.S_ISDIR(path.lstat().st_mode)
    except OSError:
        return False


def _created_at(name: str) -> datetime | None:
    """The time in a folder's name, or None when the name is not a stamp (so not one of ours)."""
    if not STAMP.fullmatch(name):
        return None
    try:
        return datetime.strptime(name, STAMP_FORMAT).replace(tzinfo=UTC)
    except ValueError:  # the pattern, but no date (month 13)
        return None


def _files(folder: Path) -> list[DamagedFile]:
    found = []
    for child in sorted(folder.iterdir()):
        info = child.lstat()
        if stat.S_ISREG(info.st_mode):
            found.append(DamagedFile(name=child.name, size=info.st_size))
    return found


def _describe(folder: Path) -> DamagedFolder | None:
    created_at = _created_at(folder.name)
    if created_at is None or not _is_folder(folder):
        return None
    try:
        files = _files(folder)
    except FileNotFoundError:  # deleted by another admin while this listing ran
        return None
    return DamagedFolder(name=folder.name, created_at=created_at, files=files, size=sum(f.size for f in files))


def list_damaged(damaged_dir: Path) -> DamagedList:
    """Every folder of damaged files, newest first (an empty list when there has never been one)."""
    if not damaged_dir.is_dir():  # damaged/ itself may be a symlink an admin made to a bigger disk
        return DamagedList(items=[], total_size=0)
    folders = [d for d in (_describe(p) for p in damaged_dir.iterdir()) if d is not None]
    folders.sort(key=lambda folder: folder.created_at, reverse=True)
    return DamagedList(items=folders, total_size=sum(f.size for f in folders))


def folder(damaged_dir: Path, name: str) -> Path:
    """The path of an existing folder of damaged files; 404 for any other name."""
    path = damaged_dir / name
    if _created_at(name) is None or not _is_folder(path):
        raise DamagedNotFound(f"There are no damaged database files named {name!r}.")
    return path


def delete_damaged(damaged_dir: Path, name: str) -> None:
    path = folder(damaged_dir, name)
    try:
        shutil.rmtree(path)  # never follows a symlink inside it: only what is in damaged/ goes
    except FileNotFoundError:  # another admin's delete got there first
        raise DamagedNotFound(f"There are no damaged database files named {name!r}.") from None
