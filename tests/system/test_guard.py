"""A nearly full disk refuses changes with 507 and keeps the database whole; a restore holds requests with 503."""

from __future__ import annotations

import sqlite3

from starlette.applications import Starlette
from starlette.testclient import TestClient

from devcell.config import Config
from tests.backups.conftest import ScriptedDisk
from tests.conftest import ADMIN_PASSWORD, Actor, sign_in

MB = 1024 * 1024


def test_writes_answer_507_when_the_disk_is_below_the_floor(
    disk: ScriptedDisk, app: Starlette, admin: Actor, config: Config
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
    with sqlite3.connect(config.database_path) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert connection.execute("SELECT COUNT(*) FROM task").fetchone()[0] == 1
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


def test_the_floor_is_a_setting(disk: ScriptedDisk, app: Starlette, admin: Actor) -> None:
    disk.free = 50 * MB
    admin.patch("/api/settings", json={"values": {"disk_floor_mb": 10}})
    app.state.request_guard.forget()
    assert admin.post("/api/tasks", json={"title": "Fits"}).status_code == 201


def test_a_restore_pauses_every_request_but_liveness(app: Starlette, admin: Actor, client: TestClient) -> None:
    with app.state.gate.hold("all", "A restore is in progress."):
        response = admin.get("/api/tasks")
        assert response.status_code == 503
        assert response.json()["error"] == {"code": "paused", "message": "A restore is in progress."}
        assert client.get("/api/health").status_code == 200
    assert admin.get("/api/tasks").status_code == 200


def test_paused_writes_leave_reads_working(app: Starlette, admin: Actor) -> None:
    with app.state.gate.hold("writes", "Maintenance."):
        assert admin.get("/api/tasks").status_code == 200
        assert admin.post("/api/tasks", json={"title": "x"}).status_code == 503
