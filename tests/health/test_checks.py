"""The health checks: the disk thresholds agree with the request guard's floor; each check through the running app."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from starlette.applications import Starlette

from devcell.core.db import run_sql, transaction
from devcell.core.jobs import JOBS
from devcell.health.checks import disk_severity
from devcell.health.registry import HEALTH
from tests.backups.conftest import backup_now, wait_job
from tests.conftest import Actor
from tests.health.conftest import checked, findings
from tests.waiting import wait_until

MB = 1024 * 1024
GB = 1024 * MB


@pytest.mark.parametrize(
    ("free", "total", "floor", "expected"),
    [
        (150 * MB, 2 * GB, 200 * MB, "critical"),  # writes refused: critical even with 7 % of a small disk free
        (300 * MB, 2 * GB, 200 * MB, "warning"),  # under twice the floor
        (3 * GB, 32 * GB, 200 * MB, "warning"),  # under 10 % of an SD card
        (4 * GB, 100 * GB, 200 * MB, "warning"),  # under 10 % and under 5 GB
        (20 * GB, 250 * GB, 200 * MB, "ok"),  # 8 % of a big disk is still 20 GB: nothing to warn of
        (50 * GB, 100 * GB, 200 * MB, "ok"),
        (512 * 1024, 10 * GB, 0, "critical"),  # floor 0, yet nothing fits
        (20 * MB, 100 * MB, 0, "ok"),
    ],
)
def test_disk_severity(free: int, total: int, floor: int, expected: str) -> None:
    assert disk_severity(free, total, floor) == expected


def test_integrity_failure_turns_health_critical(admin: Actor) -> None:
    with transaction(write=True):
        run_sql(
            "INSERT INTO job_run (id, kind, title, status, progress_done, message, result, created_at, finished_at) "
            "VALUES ('x', 'scheduled:maintenance', 'Database maintenance', 'succeeded', 0, 'Done', ?, "
            "'2030-01-01 00:00:00', '2030-01-01 00:00:01')",
            ('{"integrity": {"ok": false, "kind": "quick", "message": "row 3 missing from index"}}',),
        )
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
    # Read by people on the System page: how long ago, never a raw timestamp.
    assert re.fullmatch(r"devcell-\S+\.tar\.gz verified (a minute|\d+ minutes) ago", found["backup_verify"]["message"])
    assert re.fullmatch(r"devcell-\S+\.tar\.gz, (a minute|\d+ minutes) ago \(.+\)", found["backup_age"]["message"])


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
    context = app.state.need(HEALTH).context
    context.sys, context.proc = sys_dir, proc
    found = findings(admin)
    assert found["temperature"]["severity"] == "critical"
    assert found["temperature"]["message"].startswith("86 °C")
    assert found["memory"]["severity"] == "warning"


def test_no_thermal_sensor_is_skipped(app: Starlette, admin: Actor, tmp_path: Path) -> None:
    app.state.need(HEALTH).context.sys = tmp_path
    assert findings(admin)["temperature"]["severity"] == "skipped"


def test_llm_check_is_skipped_without_a_server(admin: Actor) -> None:
    assert findings(admin)["llm"]["severity"] == "skipped"


def test_a_failed_job_is_reported(app: Starlette, admin: Actor) -> None:
    def broken(_context: object) -> None:
        raise RuntimeError("the disk went away")

    snap = app.state.need(JOBS).submit("test", "Broken job", broken)
    wait_job(admin, snap.id)
    # The job's final state is shown a moment before it is in the job history, which the health check reads.
    found = wait_until(lambda: checked(admin, "failed_jobs", unless="ok"), what="the health check saw the failed job")
    assert found["severity"] == "warning"
    assert "Broken job: the disk went away" in found["message"]
