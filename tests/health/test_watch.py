"""A database that fails its integrity check at start refuses changes and the health page points at restore."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

import psycopg2
import pytest
from starlette.applications import Starlette
from starlette.testclient import TestClient

from devcell.app import create_app
from devcell.core.config import Config
from devcell.core.jobs import JOBS, JobSnapshot
from devcell.health.watch import DATABASE_WATCH
from tests.backups.conftest import backup_now
from tests.conftest import ADMIN_PASSWORD, sign_in
from tests.waiting import wait_until


def damage(config: Config) -> None:
    """Overwrite the middle of the task table's pages: the file opens, but quick_check finds the damage."""
    with sqlite3.connect(config.database_path) as connection:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        root = connection.execute("SELECT rootpage FROM sqlite_master WHERE name = 'task'").fetchone()[0]
        page_size = connection.execute("PRAGMA page_size").fetchone()[0]
    connection.close()
    with config.database_path.open("r+b") as handle:
        handle.seek((root - 1) * page_size + 8)
        handle.write(b"\xff" * 64)


def wait_for_problem(app: Starlette) -> str:
    watch = app.state.need(DATABASE_WATCH)
    return str(wait_until(lambda: watch.problem, 10, "the check at start found something"))


def finished(app: Starlette, job_id: str) -> JobSnapshot:
    def done() -> JobSnapshot | None:
        snap: JobSnapshot | None = app.state.need(JOBS).get(job_id)
        return snap if snap is not None and snap.finished else None

    return wait_until(done, 30, "the restore finished")


# Pages of the SQLite file overwritten: SQLite's own damage, which its quick_check finds; a PostgreSQL server keeps
# its pages to itself (its twin below loses a table instead).
@pytest.mark.parametrize("backend", ["sqlite"])
def test_damage_at_start_refuses_changes_until_a_restore(config: Config) -> None:
    refused_until_a_restore(config, damage, "")


def lose_a_table(config: Config) -> None:
    """What a PostgreSQL server's data can suffer from the outside: a table dropped by hand, or lost to a bad
    manual migration. The app's tables are checked at start there, as quick_check checks a SQLite file."""
    assert config.database_url is not None
    connection = psycopg2.connect(config.database_url)
    try:
        connection.autocommit = True
        with connection.cursor() as cursor:
            cursor.execute("DROP TABLE chunk CASCADE")
    finally:
        connection.close()


@pytest.mark.parametrize("backend", ["postgresql"])
def test_a_table_missing_at_start_refuses_changes_until_a_restore(config: Config) -> None:
    refused_until_a_restore(config, lose_a_table, "tables missing: chunk")


def refused_until_a_restore(config: Config, harm: Callable[[Config], None], problem: str) -> None:
    first = create_app(config)
    with TestClient(first) as anonymous:
        code = (config.data_dir / "setup_code").read_text().strip()
        setup = {"setup_code": code, "username": "admin", "password": ADMIN_PASSWORD}
        assert anonymous.post("/api/setup", json=setup).status_code == 201
        admin = sign_in(first, "admin", ADMIN_PASSWORD)
        for n in range(200):
            admin.post("/api/tasks", json={"title": f"Task {n}", "description": "x" * 200})
        name = backup_now(admin)
    harm(config)
    restarted = create_app(config)
    with TestClient(restarted):
        assert problem in wait_for_problem(restarted)
        admin = sign_in(restarted, "admin", ADMIN_PASSWORD)  # signing in still works
        refused = admin.post("/api/tasks", json={"title": "On top of the damage"})
        assert refused.status_code == 503
        assert "restore the newest good backup" in refused.json()["error"]["message"]
        assert "Retry-After" not in refused.headers  # waiting does not repair a damaged database
        health = {i["name"]: i for i in admin.get("/api/system/health?fresh=true").json()["items"]}
        assert health["integrity"]["severity"] == "critical"
        assert problem in health["integrity"]["message"]
        assert "devcell restore" in health["integrity"]["fix"]["command"]

        response = admin.post(f"/api/backups/{name}/restore", json={"confirm": name})
        assert response.status_code == 202, response.text
        job = finished(restarted, response.json()["id"])
        assert job.status == "succeeded", job
        assert restarted.state.need(DATABASE_WATCH).problem is None
        admin = sign_in(restarted, "admin", ADMIN_PASSWORD)  # this session was not in the backup
        assert admin.post("/api/tasks", json={"title": "After the restore"}).status_code == 201
        assert admin.get("/api/tasks").json()["total"] == 201  # the backup's 200 and this one
