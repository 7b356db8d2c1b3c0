"""The snapshot taken before every package upgrade (the maintainer script runs `devcell snapshot
--before-upgrade-from OLD` with the service stopped), whether or not the new version migrates the database."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

from devcell.core.db import utcnow

KEEP_UPGRADE_SNAPSHOTS = 3
PREFIX = "devcell-upgrade-from-"


def upgrade_snapshots(snapshots_dir: Path) -> list[Path]:
    """The upgrade snapshots, oldest first (by the time stamp that ends each name; versions do not sort as text)."""
    return sorted(snapshots_dir.glob(f"{PREFIX}*.db"), key=lambda path: path.stem.rsplit("-", 1)[-1])


def snapshot_before_upgrade(db_path: Path, snapshots_dir: Path, from_version: str) -> Path | None:
    """A copy of the database made with SQLite's backup API (consistent even if something still writes), named
    after the version being replaced; the newest KEEP_UPGRADE_SNAPSHOTS are kept. None when there is no database
    yet. Never opens the database for migration: it is copied as the old version left it."""
    if not db_path.is_file():
        return None
    snapshots_dir.mkdir(parents=True, exist_ok=True)
    stamp = utcnow().strftime("%Y%m%dT%H%M%S%fZ")
    safe_version = "".join(c if c.isalnum() or c in ".+~" else "_" for c in from_version)
    target = snapshots_dir / f"{PREFIX}{safe_version}-{stamp}.db"
    partial = target.with_suffix(".partial")
    # A plain connection, not mode=ro: a read-only one cannot read a WAL the stopped service left behind.
    with closing(sqlite3.connect(db_path)) as source, closing(sqlite3.connect(partial)) as copy:
        source.backup(copy)
    partial.rename(target)  # a snapshot cut short by a full disk never passes for a whole one
    for old in upgrade_snapshots(snapshots_dir)[:-KEEP_UPGRADE_SNAPSHOTS]:
        old.unlink()
    return target
