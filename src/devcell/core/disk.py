"""Free-space readings behind one seam (tests inject a full disk), and the 507 error a full disk answers."""

from __future__ import annotations

import errno
import shutil
import sqlite3
from dataclasses import dataclass
from pathlib import Path

import peewee

from devcell.core.errors import DevCellError
from devcell.core.state import Key

MB = 1024 * 1024


class InsufficientStorage(DevCellError):
    """507: the disk is too full for this; the message says how much is free and what to do."""

    status = 507
    code = "insufficient_storage"


@dataclass(frozen=True)
class DiskUsage:
    total: int
    free: int

    @property
    def free_fraction(self) -> float:
        return self.free / self.total if self.total else 0.0


def human(size: float) -> str:
    """A size for people: 1.2 GB, 340 MB, 12 kB."""
    for unit, factor in (("GB", 1024**3), ("MB", MB), ("kB", 1024)):
        if size >= factor:
            return f"{size / factor:.1f} {unit}"
    return f"{int(size)} B"


class DiskProbe:
    """Reads free space with statvfs. Tests subclass it to report a full disk without filling one."""

    def usage(self, path: Path) -> DiskUsage:
        # A target that does not exist yet (a backup dir to be created) is measured at its nearest parent.
        probe = path
        while not probe.exists() and probe != probe.parent:
            probe = probe.parent
        usage = shutil.disk_usage(probe)
        return DiskUsage(total=usage.total, free=usage.free)

    def require(self, path: Path, needed: int, what: str) -> None:
        """Raise InsufficientStorage unless `needed` bytes are free at `path`."""
        usage = self.usage(path)
        if usage.free < needed:
            raise InsufficientStorage(
                f"Not enough free space for {what}: it needs about {human(needed)} at {path}, but only "
                f"{human(usage.free)} is free. Free some space (delete old backups, or use a larger disk) and try "
                "again.",
                detail={"path": str(path), "needed": needed, "free": usage.free},
            )


# "database or disk is full" is SQLite's SQLITE_FULL; peewee re-raises it as its own OperationalError (not a
# subclass of sqlite3's), so the message is what both share.
_SQLITE_FULL = "database or disk is full"
_NO_SPACE = (errno.ENOSPC, errno.EDQUOT)


def disk_full(exc: BaseException) -> InsufficientStorage | None:
    """The 507 for an error that means the disk filled up under a write (SQLite's or a file's), else None.

    The guard refuses changes below the `disk_floor_mb` floor before they start; this catches what gets past it
    (a floor of 0, or a disk filled by something else between two checks). The transaction was rolled back."""
    full = isinstance(exc, OSError) and exc.errno in _NO_SPACE
    full = full or (isinstance(exc, sqlite3.Error | peewee.DatabaseError) and _SQLITE_FULL in str(exc))
    if not full:
        return None
    return InsufficientStorage(
        "The disk holding DevCell's data is full, so this change was not saved (nothing was half-written). Delete "
        "old backups from the System page, or free space on the disk, then try again; reading still works."
    )


# Tests provide a nearly full disk before the server starts; otherwise wiring makes the real probe.
DISK: Key[DiskProbe] = Key("disk probe")
