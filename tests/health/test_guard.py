"""A nearly full disk refuses changes with 507 and keeps the database whole; a restore holds requests with 503."""

from __future__ import annotations

import os
import sqlite3
import threading

import httpx2
from starlette.applications import Starlette
from starlette.testclient import TestClient

from devcell.core.config import Config
from devcell.core.db import run_sql, transaction
from devcell.core.jobs import JOBS
from devcell.health.guard import GATE
from tests.backups.conftest import ScriptedDisk, backup_now
from tests.conftest import ADMIN_PASSWORD, Actor, sign_in
from tests.waiting import wait_until

MB = 1024 * 1024


def test_writes_answer_507_when_the_disk_is_below_the_floor(
    disk: ScriptedDisk, app: Starlette, admin: Actor, config: Config, backend: str
) -> None:
    assert admin.post("/api/tasks", json={"title": "Before"}).status_code == 201
    disk.free = 50 * MB
    app.state.request_guard.forget()

    response = admin.post("/api/tasks", json={"title": "After"})

    assert response.status_code == 507
    error = response.json()["error"]
    assert error["code"] == "insufficient_storage"
    assert "almost full" in error["message"]
    assert "Delete old backups" in error["message"]
    assert admin.get("/api/tasks").json()["total"] == 1  # reading still works
    with transaction():
        assert run_sql("SELECT COUNT(*) FROM task").fetchone()[0] == 1
    if backend == "sqlite":  # the file itself, read by a connection of its own (a server keeps its own pages)
        with sqlite3.connect(config.database_path) as connection:
            assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        connection.close()


def test_sign_in_and_deleting_backups_still_work_when_full(disk: ScriptedDisk, app: Starlette, admin: Actor) -> None:
    disk.free = 50 * MB
    app.state.request_guard.forget()
    assert sign_in(app, "admin", ADMIN_PASSWORD).user["username"] == "admin"
    assert admin.delete("/api/backups/devcell-20990101T000000Z.tar.gz").status_code == 404  # not 507


def test_health_is_critical_when_the_disk_is_full(disk: ScriptedDisk, admin: Actor) -> None:
    disk.free = 50 * MB
    report = admin.get("/api/system/health?fresh=true").json()
    found = {item["name"]: item for item in report["items"]}
    assert report["status"] == "critical"
    assert found["disk_data"]["severity"] == "critical"
    assert found["disk_data"]["fix"]["command"].startswith("du -sh")


def test_disk_health_is_critical_exactly_when_changes_are_refused(
    disk: ScriptedDisk, app: Starlette, admin: Actor
) -> None:
    # A 2 GB disk 63 % free still refuses changes when the free space is under the floor: health must say so.
    disk.free = 150 * MB
    app.state.request_guard.forget()
    assert admin.post("/api/tasks", json={"title": "x"}).status_code == 507
    found = {item["name"]: item for item in admin.get("/api/system/health?fresh=true").json()["items"]}
    assert found["disk_data"]["severity"] == "critical"
    assert "changes are refused" in found["disk_data"]["message"]


def test_disk_health_warns_below_twice_the_floor(disk: ScriptedDisk, app: Starlette, admin: Actor) -> None:
    disk.free = 300 * MB
    app.state.request_guard.forget()
    assert admin.post("/api/tasks", json={"title": "x"}).status_code == 201
    found = {item["name"]: item for item in admin.get("/api/system/health?fresh=true").json()["items"]}
    assert found["disk_data"]["severity"] == "warning"


def test_readiness_fails_while_the_disk_is_below_the_floor(
    disk: ScriptedDisk, app: Starlette, admin: Actor, client: TestClient
) -> None:
    disk.free = 50 * MB
    app.state.request_guard.forget()
    response = client.get("/api/health/ready")
    assert response.status_code == 503
    assert {c["name"]: c["ok"] for c in response.json()["checks"]}["disk_floor"] is False


def test_readiness_fails_while_writes_are_paused(app: Starlette, admin: Actor, client: TestClient) -> None:
    with app.state.need(GATE).hold("writes", "Maintenance."):
        response = client.get("/api/health/ready")
    assert response.status_code == 503
    assert {c["name"]: c["ok"] for c in response.json()["checks"]}["writes"] is False


def test_the_floor_is_a_setting(disk: ScriptedDisk, app: Starlette, admin: Actor) -> None:
    disk.free = 50 * MB
    admin.patch("/api/settings", json={"values": {"disk_floor_mb": 10}})
    app.state.request_guard.forget()
    assert admin.post("/api/tasks", json={"title": "Fits"}).status_code == 201


def test_a_restore_pauses_every_request_but_liveness(app: Starlette, admin: Actor, client: TestClient) -> None:
    with app.state.need(GATE).hold("all", "A restore is in progress."):
        response = admin.get("/api/tasks")
        assert response.status_code == 503
        assert response.headers["Retry-After"] == "5"
        assert response.json()["error"] == {
            "code": "paused",
            "message": "A restore is in progress.",
            "detail": {"retry_after": 5},
        }
        assert client.get("/api/health").status_code == 200
    assert admin.get("/api/tasks").status_code == 200


def test_paused_writes_leave_reads_working(app: Starlette, admin: Actor) -> None:
    with app.state.need(GATE).hold("writes", "Maintenance."):
        assert admin.get("/api/tasks").status_code == 200
        assert admin.post("/api/tasks", json={"title": "x"}).status_code == 503


def test_changes_during_a_real_restore_answer_503_with_retry_after(
    app: Starlette, admin: Actor, config: Config
) -> None:
    (config.kb_dir / "big.bin").write_bytes(os.urandom(16 * MB))  # the safety backup takes a moment
    name = backup_now(admin)
    answers: list[httpx2.Response] = []
    done = threading.Event()

    def keep_writing() -> None:
        while not done.is_set():
            answers.append(admin.post("/api/tasks", json={"title": "During the restore"}))

    writer = threading.Thread(target=keep_writing, daemon=True)
    writer.start()
    response = admin.post(f"/api/backups/{name}/restore", json={"confirm": name})
    assert response.status_code == 202, response.text
    job_id = response.json()["id"]
    wait_until(lambda: app.state.need(JOBS).get(job_id).status in ("succeeded", "failed"), 30, "the restore ended")
    done.set()
    writer.join(10)

    paused = [a for a in answers if a.status_code == 503]
    assert paused, "no change was attempted while the restore held them back"
    assert all(a.json()["error"]["code"] == "paused" for a in paused)
    assert all(a.headers["Retry-After"] == "5" for a in paused)
    assert {a.status_code for a in answers} <= {201, 503, 401}  # 401: the session was not in the backup
