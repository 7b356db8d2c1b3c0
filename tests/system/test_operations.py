"""The schedule API, maintenance runs and the health registry, through the running app."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest
from starlette.applications import Starlette

from devcell.core.config import Config
from devcell.system.maintenance import VACUUM_MIN_FREE_BYTES, vacuum_decision
from tests.backups.conftest import backup_now, wait_job
from tests.conftest import Actor
from tests.waiting import wait_until


def findings(actor: Actor) -> dict[str, dict[str, Any]]:
    report = actor.get("/api/system/health?fresh=true").json()
    return {item["name"]: item for item in report["items"]}


def checked(actor: Actor, name: str, unless: str = "skipped") -> dict[str, Any] | None:
    """The health finding `name`, or None while its severity is still `unless`."""
    found = findings(actor)[name]
    return None if found["severity"] == unless else found


def run(admin: Actor, name: str) -> dict[str, Any]:
    response = admin.post(f"/api/system/schedule/{name}/run")
    assert response.status_code == 202, response.text
    return wait_job(admin, response.json()["id"])


def test_schedule_lists_the_jobs_with_their_timing(admin: Actor) -> None:
    items = {item["name"]: item for item in admin.get("/api/system/schedule").json()["items"]}
    assert set(items) == {"backup", "maintenance", "checkpoint", "knowledge_scan", "metrics_sample"}
    assert items["backup"]["schedule"] == "daily at 02:30 (UTC)"
    assert items["backup"]["next_run_at"].endswith("02:30:00Z")
    assert items["checkpoint"]["schedule"] == "every 60 minutes"
    assert all(item["runs_here"] for item in items.values())


def test_changing_the_setting_reschedules_live(admin: Actor) -> None:
    admin.patch("/api/settings", json={"values": {"backup_time": "23:05", "time_zone": "Europe/Berlin"}})
    items = {item["name"]: item for item in admin.get("/api/system/schedule").json()["items"]}
    assert items["backup"]["schedule"] == "daily at 23:05 (Europe/Berlin)"
    assert items["backup"]["next_run_at"][11:16] in ("22:05", "21:05")  # 23:05 in Berlin, in UTC
    admin.patch("/api/settings", json={"values": {"backup_time": ""}})
    assert admin.get("/api/system/schedule").json()["items"][0]["next_run_at"] is None


def test_run_now_records_the_run(admin: Actor) -> None:
    job = run(admin, "checkpoint")
    assert job["status"] == "succeeded"
    assert job["kind"] == "scheduled:checkpoint"
    items = {item["name"]: item for item in admin.get("/api/system/schedule").json()["items"]}
    last = items["checkpoint"]["last_run"]
    assert last["status"] == "succeeded"
    assert last["seconds"] is not None


def test_scheduled_knowledge_scan_picks_up_and_forgets_files(admin: Actor, config: Config) -> None:
    placed = config.kb_dir / "runbook.md"
    placed.parent.mkdir(parents=True, exist_ok=True)
    placed.write_text("# Runbook\n\nRestart the relay when the beacon stops.\n")
    job = run(admin, "knowledge_scan")
    assert job["status"] == "succeeded", job
    assert job["result"]["added"] == 1
    titles = [d["title"] for d in admin.get("/api/documents").json()["items"]]
    assert "runbook.md" in titles
    placed.unlink()
    job = run(admin, "knowledge_scan")
    assert job["result"]["removed"] == 1
    assert "runbook.md" not in [d["title"] for d in admin.get("/api/documents").json()["items"]]


def test_scheduled_backup_is_verified_and_pruned(admin: Actor, config: Config) -> None:
    job = run(admin, "backup")
    assert job["status"] == "succeeded", job
    assert job["result"]["verify"]["ok"] is True
    assert job["result"]["pruned"] == []


def test_unknown_scheduled_job_is_404(admin: Actor) -> None:
    assert admin.post("/api/system/schedule/nope/run").status_code == 404


def test_maintenance_checks_integrity_and_prunes(admin: Actor) -> None:
    job = run(admin, "maintenance")
    assert job["status"] == "succeeded", job
    result = job["result"]
    assert result["integrity"]["ok"] is True
    assert result["checkpoint"]["busy"] == 0
    assert set(result) >= {"optimize", "sessions_pruned", "jobs_pruned", "vacuum"}
    assert result["vacuum"]["ran"] is False
    # The job's final state is shown a moment before it is in the job history, which the health check reads.
    integrity = wait_until(lambda: checked(admin, "integrity"), what="the health check saw the maintenance run")
    assert integrity["severity"] == "ok"


def test_maintenance_vacuums_a_mostly_empty_file(admin: Actor, config: Config) -> None:
    with sqlite3.connect(config.database_path, timeout=10) as connection:
        connection.execute("CREATE TABLE ballast (data BLOB)")
        connection.executemany("INSERT INTO ballast VALUES (randomblob(4000))", [()] * 8000)
    with sqlite3.connect(config.database_path, timeout=10) as connection:
        connection.execute("DROP TABLE ballast")
    connection.close()
    before = config.database_path.stat().st_size
    job = run(admin, "maintenance")
    assert job["result"]["vacuum"]["ran"] is True, job["result"]["vacuum"]
    assert config.database_path.stat().st_size < before / 2


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


def test_integrity_failure_turns_health_critical(admin: Actor, config: Config) -> None:
    with sqlite3.connect(config.database_path) as connection:
        connection.execute(
            "INSERT INTO job_run (id, kind, title, status, progress_done, message, result, created_at, finished_at) "
            "VALUES ('x', 'scheduled:maintenance', 'Database maintenance', 'succeeded', 0, 'Done', ?, "
            "'2030-01-01 00:00:00', '2030-01-01 00:00:01')",
            ('{"integrity": {"ok": false, "kind": "quick", "message": "row 3 missing from index"}}',),
        )
    connection.close()
    found = findings(admin)["integrity"]
    assert found["severity"] == "critical"
    assert "row 3 missing from index" in found["message"]
    assert "devcell restore" in found["fix"]["command"]


def test_health_points_at_the_first_backup(admin: Actor) -> None:
    found = findings(admin)
    assert found["backup_age"]["severity"] == "warning"
    assert found["backup_age"]["fix"]["action"] == "run_backup"
    assert found["backup_verify"]["severity"] == "skipped"
    backup_now(admin)
    found = findings(admin)
    assert found["backup_age"]["severity"] == "ok"
    assert found["backup_verify"]["severity"] == "ok"


def test_unsafe_settings_are_reported(admin: Actor) -> None:
    admin.patch("/api/settings", json={"values": {"registration": "open"}})
    found = findings(admin)["exposure"]
    assert found["severity"] == "warning"
    assert "plain HTTP" in found["message"]
    assert "registration is open" in found["message"]


def test_pi_temperature_and_memory_are_read_from_the_system(app: Starlette, admin: Actor, tmp_path: Path) -> None:
    sys_dir, proc = tmp_path / "sys", tmp_path / "proc"
    (sys_dir / "class/thermal/thermal_zone0").mkdir(parents=True)
    (sys_dir / "class/thermal/thermal_zone0/temp").write_text("86500\n")
    proc.mkdir()
    (proc / "meminfo").write_text("MemTotal: 4000000 kB\nMemAvailable: 300000 kB\nSwapTotal: 0 kB\nSwapFree: 0 kB\n")
    app.state.health.context.sys, app.state.health.context.proc = sys_dir, proc
    found = findings(admin)
    assert found["temperature"]["severity"] == "critical"
    assert found["temperature"]["message"].startswith("86 °C")
    assert found["memory"]["severity"] == "warning"


def test_no_thermal_sensor_is_skipped(app: Starlette, admin: Actor, tmp_path: Path) -> None:
    app.state.health.context.sys = tmp_path
    assert findings(admin)["temperature"]["severity"] == "skipped"


def test_llm_check_is_skipped_without_a_server(admin: Actor) -> None:
    assert findings(admin)["llm"]["severity"] == "skipped"


def test_badge_summary_for_users_and_details_for_admins(admin: Actor, user: Actor) -> None:
    summary = user.get("/api/system/health/summary").json()
    assert set(summary) == {"status", "warning", "critical"}
    assert summary["warning"] >= 1  # no backup yet, served on all interfaces
    assert user.get("/api/system/health").status_code == 403


def test_a_failed_job_is_reported(app: Starlette, admin: Actor) -> None:
    def broken(_context: object) -> None:
        raise RuntimeError("the disk went away")

    snap = app.state.jobs.submit("test", "Broken job", broken)
    wait_job(admin, snap.id)
    # The job's final state is shown a moment before it is in the job history, which the health check reads.
    found = wait_until(lambda: checked(admin, "failed_jobs", unless="ok"), what="the health check saw the failed job")
    assert found["severity"] == "warning"
    assert "Broken job: the disk went away" in found["message"]
