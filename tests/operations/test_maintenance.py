"""The nightly maintenance: integrity check, pruning, VACUUM when it pays, and (issue #13, finding 3) the removal of
staged uploads abandoned for over an hour."""

from __future__ import annotations

import os
import sqlite3
import threading
import time
from datetime import datetime
from pathlib import Path
from typing import Any

import psycopg2
import pytest

from devcell.core.config import Config
from devcell.core.db import WRITE_LOCK_KEY, run_sql, transaction
from devcell.operations.maintenance import VACUUM_MIN_FREE_BYTES, optimize, vacuum_decision
from tests.backups.conftest import wait_job
from tests.conftest import Actor
from tests.health.conftest import checked
from tests.waiting import wait_until


def run_maintenance(admin: Actor) -> dict[str, Any]:
    response = admin.post("/api/system/schedule/maintenance/run")
    assert response.status_code == 202, response.text
    job = wait_job(admin, response.json()["id"])
    assert job["status"] == "succeeded", job
    return dict(job["result"])


def staged(config: Config, name: str, age_seconds: float) -> Path:
    path = config.kb_dir / "uploads" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"half an upload")
    then = time.time() - age_seconds
    os.utime(path, (then, then))
    return path


def test_maintenance_removes_an_abandoned_upload_and_keeps_a_fresh_one(admin: Actor, config: Config) -> None:
    old = staged(config, ".incoming-x", age_seconds=2 * 3600)
    fresh = staged(config, ".incoming-y", age_seconds=60)
    result = run_maintenance(admin)
    assert result["uploads_swept"] == {"removed": 1, "files": [".incoming-x"]}
    assert not old.exists()
    assert fresh.exists()


def test_maintenance_leaves_stored_uploads_alone(admin: Actor, config: Config) -> None:
    """Only staged files: an adopted upload of any age is a document's file."""
    document = staged(config, "0123456789abcdef0123456789abcdef.md", age_seconds=30 * 86400)
    assert run_maintenance(admin)["uploads_swept"] == {"removed": 0, "files": []}
    assert document.exists()


def test_maintenance_checks_integrity_and_prunes(admin: Actor) -> None:
    result = run_maintenance(admin)
    assert result["integrity"]["ok"] is True
    assert result["checkpoint"]["busy"] == 0
    assert set(result) >= {"optimize", "sessions_pruned", "jobs_pruned", "vacuum"}
    assert result["vacuum"]["ran"] is False
    # The job's final state is shown a moment before it is in the job history, which the health check reads.
    integrity = wait_until(lambda: checked(admin, "integrity"), what="the health check saw the maintenance run")
    assert integrity["severity"] == "ok"


# VACUUM of the SQLite file (its free pages, its size on disk); PostgreSQL leaves that to autovacuum, see below.
@pytest.mark.parametrize("backend", ["sqlite"])
def test_maintenance_vacuums_a_mostly_empty_file(admin: Actor, config: Config) -> None:
    with sqlite3.connect(config.database_path, timeout=10) as connection:
        connection.execute("CREATE TABLE ballast (data BLOB)")
        connection.executemany("INSERT INTO ballast VALUES (randomblob(4000))", [()] * 8000)
    with sqlite3.connect(config.database_path, timeout=10) as connection:
        connection.execute("DROP TABLE ballast")
    connection.close()
    before = config.database_path.stat().st_size
    vacuum = run_maintenance(admin)["vacuum"]
    assert vacuum["ran"] is True, vacuum
    assert config.database_path.stat().st_size < before / 2


def last_analyzed(table: str) -> datetime | None:
    with transaction():  # a unit of work of its own: the server's statistics as they are now
        row = run_sql("SELECT last_analyze FROM pg_stat_user_tables WHERE relname = ?", (table,)).fetchone()
    return None if row is None else row[0]


@pytest.mark.parametrize("backend", ["postgresql"])
def test_maintenance_on_postgresql_checks_the_tables_and_analyzes_them_on_the_server(admin: Actor) -> None:
    assert last_analyzed("task") is None  # a fresh database: nothing analysed by hand yet
    result = run_maintenance(admin)
    assert result["integrity"]["ok"] is True
    assert result["integrity"]["message"] == "ok"
    assert result["checkpoint"] == {"busy": 0, "wal_frames": 0, "checkpointed": 0}  # the server checkpoints itself
    assert result["optimize"] == "done"
    assert result["vacuum"] == {
        "ran": False,
        "reason": "not needed (PostgreSQL's autovacuum keeps the database compact)",
    }
    # The ANALYZE ran on the server: its statistics say so for DevCell's tables.
    assert wait_until(lambda: last_analyzed("task"), what="the server recorded the ANALYZE") is not None


@pytest.mark.parametrize("backend", ["postgresql"])
def test_analyze_does_not_hold_up_the_writers_of_every_process(admin: Actor, config: Config) -> None:
    """A writer of another process holds the write lock: the ANALYZE runs beside it, not after it (nor does it
    keep writers waiting while it samples every table)."""
    assert config.database_url is not None
    writer = psycopg2.connect(config.database_url)
    finished = threading.Event()
    analyze = threading.Thread(target=lambda: (optimize(), finished.set()), daemon=True)
    try:
        with writer.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", (WRITE_LOCK_KEY,))
        analyze.start()
        assert finished.wait(30), "the ANALYZE waited for the write lock"
    finally:
        writer.rollback()  # the lock goes with its transaction
        writer.close()
        analyze.join(30)


@pytest.mark.parametrize(
    ("size", "free", "disk", "runs"),
    [
        (100 * 2**20, 50 * 2**20, 10 * 2**30, True),
        (100 * 2**20, 10 * 2**20, 10 * 2**30, False),  # not worth it
        (100 * 2**20, 50 * 2**20, 150 * 2**20, False),  # no room for the copy VACUUM makes
        (3 * 2**30, 2 * 2**30, 100 * 2**30, False),  # too large for one night's pause
    ],
)
def test_vacuum_decision(size: int, free: int, disk: int, runs: bool) -> None:
    assert (vacuum_decision({"bytes": size, "free_bytes": free}, disk) is None) is runs
    assert VACUUM_MIN_FREE_BYTES < 50 * 2**20
