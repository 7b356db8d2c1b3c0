"""core.disk.disk_full: which errors mean the disk filled up under a write (507), and which do not."""

from __future__ import annotations

import errno
import sqlite3

import peewee

from devcell.core.disk import disk_full


def test_no_space_on_a_file_write_is_507() -> None:
    full = disk_full(OSError(errno.ENOSPC, "No space left on device"))
    assert full is not None
    assert full.status == 507


def test_sqlite_full_through_peewee_is_507() -> None:
    assert disk_full(peewee.OperationalError("database or disk is full")) is not None


def test_sqlite_full_from_sqlite3_is_507() -> None:
    assert disk_full(sqlite3.OperationalError("database or disk is full")) is not None


def test_other_errors_are_not_a_full_disk() -> None:
    assert disk_full(OSError(errno.EACCES, "Permission denied")) is None
    assert disk_full(peewee.OperationalError("database is locked")) is None
    assert disk_full(ValueError("database or disk is full")) is None
