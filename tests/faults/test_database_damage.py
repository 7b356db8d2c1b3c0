"""A damaged devcell.db, injected from outside while the server is stopped: the server still starts, says what is
wrong, and each documented way back (System page, recovery page, CLI) brings every row and document back."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.serverproc import ADMIN_PASSWORD, Client, ServerProcess, api_token, cli, create_admin
from tests.waiting import wait_until

ENV = {"DEVCELL_EMBEDDING_MODEL": "hashing-test"}
TASKS = 40
NOTE = {"title": "Runbook", "text": "# Runbook\n\nRestart the relay with `systemctl restart relay`."}


def _tasks_and_notes(data: Path) -> tuple[list[str], list[str]]:
    with sqlite3.connect(data / "devcell.db") as connection:
        assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        tasks = [row[0] for row in connection.execute("SELECT title FROM task ORDER BY id")]
        notes = [row[0] for row in connection.execute("SELECT title FROM document ORDER BY id")]
    connection.close()
    return tasks, notes


@pytest.fixture
def seeded(tmp_path: Path) -> tuple[Path, Path]:
    """A data directory with an admin, TASKS tasks (with descriptions, so they fill pages of their own), a note and
    a backup of all of it made with `devcell backup`; the server is stopped. Yields (data dir, archive)."""
    data = tmp_path / "data"
    create_admin(data)
    with ServerProcess(data, env=ENV) as server:
        server.wait_ready()
        with server.client(api_token(server)) as client:
            for n in range(TASKS):
                assert client.request("POST", "/api/tasks", {"title": f"kept {n}", "description": "d" * 3000})[0] == 201
            assert client.request("POST", "/api/documents/notes", NOTE)[0] == 201
    made = cli(data, "backup")
    assert made.returncode == 0, made.stderr
    archive = Path(made.stdout.split("\t")[0])
    assert archive.is_file()
    return data, archive


def _break_last_pages(db: Path, pages: int = 10) -> None:
    """Garbage over the page headers of the last pages (where the tasks are): SQLite's quick_check notices."""
    size = db.stat().st_size
    with sqlite3.connect(db) as connection:
        page_size = connection.execute("PRAGMA page_size").fetchone()[0]
    connection.close()
    with db.open("r+b") as handle:
        for page in range(size // page_size - pages, size // page_size):
            handle.seek(page * page_size)
            handle.write(b"\xff" * 30)


def _destroy_header(db: Path) -> None:
    with db.open("r+b") as handle:
        handle.write(b"\0" * 100)


def _truncate(db: Path) -> None:
    with db.open("r+b") as handle:
        handle.truncate(db.stat().st_size // 2)


def _ready_checks(client: Client) -> tuple[int, dict[str, bool]]:
    status, body = client.request("GET", "/api/health/ready")
    return status, {check["name"]: check["ok"] for check in body["checks"]}


def _damaged_copies(data: Path) -> list[Path]:
    return sorted((data / "damaged").glob("*/devcell.db"))


def test_damaged_pages_are_restored_from_the_system_page(seeded: tuple[Path, Path]) -> None:
    data, archive = seeded
    _break_last_pages(data / "devcell.db")
    damaged_bytes = (data / "devcell.db").read_bytes()
    with ServerProcess(data, env=ENV) as server:
        server.wait_ready()
        with server.client() as admin:
            admin.login("admin", ADMIN_PASSWORD)
            wait_until(lambda: _ready_checks(admin)[1]["integrity"] is False, what="readiness reports the damage")
            status, answer = admin.request("POST", f"/api/backups/{archive.name}/restore", {"confirm": archive.name})
            assert status == 202, answer
            job = _finished_job(admin, answer["id"])
            assert job["status"] == "succeeded", job
            assert job["result"]["damaged_kept"].startswith("damaged/")
            assert job["result"]["safety_backup"] is None
            wait_until(lambda: _ready_checks(admin)[0] == 200, what="ready again after the restore")
    tasks, notes = _tasks_and_notes(data)
    assert tasks == [f"kept {n}" for n in range(TASKS)]
    assert notes == ["Runbook"]
    assert [p.read_bytes() for p in _damaged_copies(data)] == [damaged_bytes]


def _finished_job(client: Client, job_id: str) -> dict[str, Any]:
    last: list[tuple[int, Any]] = []

    def finished() -> bool:
        last.append(client.request("GET", f"/api/jobs/{job_id}"))
        status, body = last[-1]
        if status == 401:  # the restored database has the sessions of the backup's time, not this one
            client.login("admin", ADMIN_PASSWORD)
        return status == 200 and body["status"] in ("succeeded", "failed", "cancelled")

    try:
        wait_until(finished, what=f"job {job_id} finished")
    except AssertionError as exc:
        raise AssertionError(f"{exc}; the last answer: {last[-1]}") from None
    return dict(last[-1][1])


def test_destroyed_header_starts_in_recovery_mode_and_the_recovery_page_restores(seeded: tuple[Path, Path]) -> None:
    data, archive = seeded
    _destroy_header(data / "devcell.db")
    with ServerProcess(data, env=ENV) as server:
        assert server.wait_ready() < 20
        with server.client() as browser:
            assert browser.request("GET", "/api/recovery")[1]["active"] is True
            status, body = browser.request("GET", "/api/tasks")
            assert (status, body["error"]["code"]) == (503, "recovery_mode")
            assert _ready_checks(browser) == (503, {"database": False})
            refused = cli(data, "restore", "--yes", str(archive))  # the server's recovery page owns the data
            assert (refused.returncode, "recovery page" in refused.stderr) == (1, True)
            code = (data / "recovery_code").read_text().strip()
            assert cli(data, "recovery-code").stdout.strip() == code
            assert browser.request("POST", "/api/recovery/backups", {"code": "WRONG-CODE"})[0] == 403
            status, listed = browser.request("POST", "/api/recovery/backups", {"code": code})
            assert archive.name in [item["name"] for item in listed["backups"]["items"]]
            status, restored = browser.request("POST", "/api/recovery/restore", {"code": code, "name": archive.name})
            assert status == 200, restored
            assert restored["damaged_kept"].startswith("damaged/")
            assert browser.request("GET", "/api/recovery")[1]["active"] is False
            browser.login("admin", ADMIN_PASSWORD)
            assert browser.request("GET", "/api/tasks?limit=1")[1]["total"] == TASKS
            assert _ready_checks(browser)[0] == 200
    assert not (data / "recovery_code").exists()
    tasks, notes = _tasks_and_notes(data)
    assert (len(tasks), notes) == (TASKS, ["Runbook"])
    assert _damaged_copies(data)[0].read_bytes()[:100] == b"\0" * 100


def test_truncated_file_is_reported_by_check_and_restored_by_the_cli(seeded: tuple[Path, Path]) -> None:
    data, archive = seeded
    _truncate(data / "devcell.db")
    checked = cli(data, "check")
    assert checked.returncode == 1
    assert "FAIL database: devcell.db is truncated" in checked.stdout
    assert "Traceback" not in checked.stderr
    restored = cli(data, "restore", "--yes", str(archive))
    assert restored.returncode == 0, restored.stderr
    assert "its files are kept in" in restored.stdout
    tasks, notes = _tasks_and_notes(data)
    assert (len(tasks), notes) == (TASKS, ["Runbook"])
    with ServerProcess(data, env=ENV) as server:
        server.wait_ready()
        with server.client() as browser:
            browser.login("admin", ADMIN_PASSWORD)
            assert browser.request("GET", "/api/tasks?limit=1")[1]["total"] == TASKS


@pytest.mark.parametrize("damage", [_destroy_header, _truncate], ids=["header", "truncated"])
def test_check_never_crashes_on_a_damaged_database(seeded: tuple[Path, Path], damage: Callable[[Path], None]) -> None:
    data, _ = seeded
    damage(data / "devcell.db")
    checked = cli(data, "check")
    assert checked.returncode == 1
    assert "FAIL database" in checked.stdout
    assert "Traceback" not in checked.stderr
