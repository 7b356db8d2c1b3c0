"""Restore through the API and the setup page: the data comes back, and every refusal changes nothing."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from peewee import SqliteDatabase
from starlette.applications import Starlette
from starlette.testclient import TestClient

from devcell.core.config import Config
from devcell.core.jobs import JOBS
from devcell.core.migrations.runner import HEAD, MIGRATIONS
from tests.backups.conftest import (
    GZIP,
    ScriptedDisk,
    backup_now,
    members,
    populate,
    reseal,
    restore,
    rows,
    sha256_tree,
    upload,
    write_archive,
)
from tests.conftest import ADMIN_PASSWORD, Actor, setup_code, sign_in
from tests.waiting import wait_until

VOLATILE = ("job_run", "session")  # written by the restore itself and by signing in


def stable(db: Path) -> dict[str, Any]:
    found = rows(db)
    return {k: v for k, v in found.items() if k not in VOLATILE}


def archive_db(archive: Path, tmp_path: Path) -> Path:
    path = tmp_path / "from-archive.db"
    path.write_bytes(members(archive)["devcell.db"])
    return path


def forge(admin: Actor, config: Config, tmp_path: Path, change: Callable[[sqlite3.Connection], None]) -> str:
    """Upload an archive of today's data whose database `change` altered (checksums recomputed: it is whole)."""
    files = members(config.data_dir / "backups" / backup_now(admin))
    db = tmp_path / "forge.db"
    db.write_bytes(files["devcell.db"])
    with sqlite3.connect(db) as connection:
        change(connection)
    connection.close()
    files["devcell.db"] = db.read_bytes()
    archive = tmp_path / "forged.tar.gz"
    write_archive(archive, reseal(files))
    return upload(admin, archive.read_bytes())


@pytest.fixture
def kb(config: Config) -> Path:
    (config.kb_dir / "notes").mkdir(parents=True, exist_ok=True)
    (config.kb_dir / "notes" / "runbook.md").write_text("# Runbook\nRestart the thing.\n")
    (config.kb_dir / "manual.pdf").write_bytes(bytes(range(256)) * 40)
    return config.kb_dir


def test_restore_brings_back_the_data_and_files(
    app: Starlette, admin: Actor, config: Config, kb: Path, tmp_path: Path
) -> None:
    populate(app, admin, scale=2)
    name = backup_now(admin)
    wanted_files = sha256_tree(kb)
    admin.post("/api/tasks", json={"title": "Made after the backup"})
    (kb / "notes" / "runbook.md").write_text("changed")
    (kb / "new.md").write_text("new")

    job = restore(admin, name)

    assert job["status"] == "succeeded", job
    assert stable(config.database_path) == stable(archive_db(config.data_dir / "backups" / name, tmp_path))
    assert sha256_tree(kb) == wanted_files
    assert job["result"]["safety_backup"].endswith("-safety.tar.gz")
    assert admin.get("/api/tasks?q=after").json()["total"] == 0  # the admin's session was in the backup too


def test_empty_knowledge_folders_are_there_after_a_restore(admin: Actor, config: Config) -> None:
    assert (config.kb_dir / "uploads").is_dir()
    name = backup_now(admin)  # uploads/ is empty: the archive holds no entry for it
    job = restore(admin, name)
    assert job["status"] == "succeeded", job
    assert (config.kb_dir / "uploads").is_dir()
    assert (config.kb_dir / "notes").is_dir()


def test_safety_backup_holds_the_state_before_the_restore(admin: Actor, config: Config, tmp_path: Path) -> None:
    name = backup_now(admin)
    admin.post("/api/tasks", json={"title": "Only in the safety backup"})
    safety = restore(admin, name)["result"]["safety_backup"]
    titles = rows(archive_db(config.data_dir / "backups" / safety, tmp_path))["task"]
    assert any("Only in the safety backup" in str(row) for row in titles)


def schema_3_database(path: Path) -> None:
    """A database as DevCell left it at schema 3 (migrations 1-3 only), with one admin."""
    db = SqliteDatabase(str(path))
    db.execute_sql(
        "CREATE TABLE schema_migration (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at DATETIME)"
    )
    for migration in MIGRATIONS[:3]:
        migration.up(db)
        db.execute_sql("INSERT INTO schema_migration VALUES (?, ?, '2025-01-01')", (migration.version, migration.name))
    db.execute_sql(
        "INSERT INTO user (username, role, password_hash, created_at, updated_at, password_changed_at) "
        "VALUES ('old-admin', 'admin', '!', '2025-01-01', '2025-01-01', '2025-01-01')"
    )
    db.close()


def finished(app: Starlette, job_id: str) -> Any:
    """Polls the runner itself: after a restore the caller's session may not exist any more."""

    def done() -> Any:
        snap = app.state.need(JOBS).get(job_id)
        return snap if snap is not None and snap.finished else None

    return wait_until(done, 30, "the restore finished")


def test_older_schema_is_migrated_after_restore(app: Starlette, admin: Actor, config: Config, tmp_path: Path) -> None:
    files = members(config.data_dir / "backups" / backup_now(admin))
    schema_3_database(tmp_path / "old.db")
    files["devcell.db"] = (tmp_path / "old.db").read_bytes()
    archive = tmp_path / "old.tar.gz"
    write_archive(archive, reseal(files))
    name = upload(admin, archive.read_bytes())
    response = admin.post(f"/api/backups/{name}/restore", json={"confirm": name})
    job = finished(app, response.json()["id"])
    assert job.status == "succeeded", job
    assert (job.result["schema_from"], job.result["schema_to"]) == (3, HEAD)
    with sqlite3.connect(config.database_path) as connection:
        assert connection.execute("SELECT MAX(version) FROM schema_migration").fetchone()[0] == HEAD
        assert connection.execute("SELECT username FROM user").fetchall() == [("old-admin",)]
    connection.close()


def refused(admin: Actor, config: Config, name: str) -> dict[str, Any]:
    before = stable(config.database_path)
    kept = sorted(p.name for p in (config.data_dir / "backups").iterdir())
    job = restore(admin, name)
    assert job["status"] == "failed", job
    assert stable(config.database_path) == before
    assert sorted(p.name for p in (config.data_dir / "backups").iterdir()) == kept  # no safety backup either
    assert admin.get("/api/auth/me").status_code == 200
    return job


def test_flipped_byte_is_refused_and_changes_nothing(admin: Actor, config: Config) -> None:
    data = bytearray((config.data_dir / "backups" / backup_now(admin)).read_bytes())
    data[len(data) // 2] ^= 0xFF
    job = refused(admin, config, upload(admin, bytes(data)))
    assert "cannot be restored" in job["error"]
    assert "Nothing was changed" in job["error"]


def test_truncated_archive_is_refused_and_changes_nothing(admin: Actor, config: Config) -> None:
    data = (config.data_dir / "backups" / backup_now(admin)).read_bytes()
    job = refused(admin, config, upload(admin, data[: len(data) * 2 // 3]))
    assert "damaged or cut short" in job["error"]


def test_newer_schema_is_refused_and_changes_nothing(admin: Actor, config: Config, tmp_path: Path) -> None:
    def from_the_future(connection: sqlite3.Connection) -> None:
        connection.execute("INSERT INTO schema_migration VALUES (?, 'future', '2099-01-01')", (HEAD + 1,))

    job = refused(admin, config, forge(admin, config, tmp_path, from_the_future))
    assert f"schema {HEAD + 1}" in job["error"]
    assert "Install that version" in job["error"]


def test_failed_migration_puts_the_previous_state_back(admin: Actor, config: Config, tmp_path: Path) -> None:
    def claims_schema_3(connection: sqlite3.Connection) -> None:
        # Claims schema 3, but migration 4's index is there: running migration 4 again fails.
        connection.execute("DELETE FROM schema_migration WHERE version >= 4")

    name = forge(admin, config, tmp_path, claims_schema_3)
    admin.post("/api/tasks", json={"title": "Still here after the failed restore"})
    before = stable(config.database_path)
    job = restore(admin, name)
    assert job["status"] == "failed"
    assert "migration 4" in job["error"]
    assert stable(config.database_path) == before
    assert admin.get("/api/tasks?q=failed").json()["total"] == 1


def test_no_space_refuses_the_restore(disk: ScriptedDisk, admin: Actor, config: Config) -> None:
    name = backup_now(admin)
    disk.free = 1024 * 1024
    before = stable(config.database_path)
    kept = sorted(p.name for p in (config.data_dir / "backups").iterdir())
    response = admin.post(f"/api/backups/{name}/restore", json={"confirm": name})
    assert response.status_code == 507
    assert "Not enough free space for the restore" in response.json()["error"]["message"]
    assert stable(config.database_path) == before
    assert sorted(p.name for p in (config.data_dir / "backups").iterdir()) == kept


def fresh(tmp_path: Path, name: str) -> tuple[Starlette, Config]:
    from devcell.app import create_app
    from devcell.core.config import load_config

    config = load_config({}, data_dir=tmp_path / name)
    return create_app(config), config


def test_setup_page_restores_onto_a_fresh_install(app: Starlette, admin: Actor, config: Config, tmp_path: Path) -> None:
    data = (config.data_dir / "backups" / backup_now(admin)).read_bytes()
    admin.client.close()
    new_app, new_config = fresh(tmp_path, "fresh")
    with TestClient(new_app) as anonymous:
        code = setup_code(new_config)
        wrong = anonymous.post("/api/setup/restore", content=data, headers={**GZIP, "X-Setup-Code": "AAAA-BBBB"})
        assert wrong.status_code == 403
        response = anonymous.post("/api/setup/restore", content=data, headers={**GZIP, "X-Setup-Code": code})
        assert response.status_code == 200, response.text
        assert anonymous.get("/api/setup").json()["needs_setup"] is False
        assert not (new_config.data_dir / "setup_code").exists()
        sign_in(new_app, "admin", ADMIN_PASSWORD)
        again = anonymous.post("/api/setup/restore", content=data, headers={**GZIP, "X-Setup-Code": code})
        assert again.status_code == 409


def test_setup_restore_wants_the_archive_as_the_body(app: Starlette, client: TestClient) -> None:
    response = client.post("/api/setup/restore", json={})
    assert response.status_code == 415
