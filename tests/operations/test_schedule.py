"""The schedule API: the scheduled jobs with their timing, live rescheduling, and running one now."""

from __future__ import annotations

from typing import Any

from devcell.core.config import Config
from tests.backups.conftest import wait_job
from tests.conftest import Actor


def run(admin: Actor, name: str) -> dict[str, Any]:
    response = admin.post(f"/api/system/schedule/{name}/run")
    assert response.status_code == 202, response.text
    return wait_job(admin, response.json()["id"])


def test_schedule_lists_the_jobs_with_their_timing(admin: Actor) -> None:
    items = {item["name"]: item for item in admin.get("/api/system/schedule").json()["items"]}
    assert set(items) == {
        "backup", "maintenance", "checkpoint", "knowledge_scan", "metrics_sample", "reminders"
    }  # fmt: skip
    assert items["reminders"]["schedule"] == "every 15 minutes"
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
    assert "Runbook" in titles  # its first heading
    placed.unlink()
    job = run(admin, "knowledge_scan")
    assert job["result"]["removed"] == 1
    assert "Runbook" not in [d["title"] for d in admin.get("/api/documents").json()["items"]]


def test_scheduled_backup_is_verified_and_pruned(admin: Actor, config: Config) -> None:
    job = run(admin, "backup")
    assert job["status"] == "succeeded", job
    assert job["result"]["verify"]["ok"] is True
    assert job["result"]["pruned"] == []


def test_unknown_scheduled_job_is_404(admin: Actor) -> None:
    assert admin.post("/api/system/schedule/nope/run").status_code == 404
