"""Two real server processes on one data directory: the scheduled jobs run in exactly one of them."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import orjson
import pytest

from tests.serverproc import ServerProcess, api_token, cli, create_admin
from tests.waiting import wait_until

FIRST_RUN_WAIT = 90.0  # the checkpoint job runs every minute at its shortest setting


def checkpoint_pids(data: Path) -> list[int]:
    with sqlite3.connect(data / "devcell.db") as connection:
        found = connection.execute(
            "SELECT result FROM job_run WHERE kind = 'scheduled:checkpoint' AND status = 'succeeded'"
        ).fetchall()
    connection.close()
    return [orjson.loads(row[0])["pid"] for row in found]


@pytest.mark.slow
def test_scheduled_jobs_run_in_exactly_one_process(tmp_path: Path) -> None:
    data = tmp_path / "data"
    create_admin(data)
    assert cli(data, "settings", "set", "checkpoint_minutes", "1").returncode == 0
    with ServerProcess(data) as first:
        first.wait_ready()
        with ServerProcess(data) as second:
            second.wait_ready()
            holder = {}
            for server in (first, second):
                with server.client(api_token(server)) as client:
                    status, body = client.request("GET", "/api/system/schedule")
                    assert status == 200, body
                    holder[server.pid] = body["items"][0]["runs_here"]
                    status, body = client.request("POST", "/api/system/schedule/checkpoint/run")
                    assert status == (202 if holder[server.pid] else 409), body
            assert holder == {first.pid: True, second.pid: False}
            # The run-now, then one scheduled.
            wait_until(lambda: len(checkpoint_pids(data)) >= 2, FIRST_RUN_WAIT, "two checkpoint runs", every=0.5)
            assert set(checkpoint_pids(data)) == {first.pid}
            assert len(checkpoint_pids(data)) >= 2
