"""A PostgreSQL server that does not answer: `devcell serve` waits for it (a line in the log every few seconds, no
traceback, no exit for systemd to give up on), starts as soon as it answers, and stops at once when asked to while
it waits; `devcell check` and the commands say what is wrong in one line, without the password."""

from __future__ import annotations

import signal
from pathlib import Path

from tests.postgres_server import PostgresCluster
from tests.serverproc import ServerProcess, cli_env
from tests.waiting import wait_until

UNREACHABLE = "postgresql://devcell:s3cret-pw@127.0.0.1:1/devcell"


def test_check_and_migrate_name_an_unreachable_server_in_one_line(tmp_path: Path) -> None:
    env = {"DEVCELL_DATABASE_URL": UNREACHABLE}
    checked = cli_env(tmp_path / "data", env, "check")
    assert checked.returncode == 1
    lines = [line for line in checked.stdout.splitlines() if line.startswith("FAIL database:")]
    assert len(lines) == 1
    assert "cannot reach the PostgreSQL database postgresql://devcell:***@127.0.0.1:1/devcell" in lines[0]
    assert "pg_isready" in lines[0]
    migrated = cli_env(tmp_path / "data", env, "migrate")
    assert migrated.returncode == 1
    assert migrated.stderr.count("\n") == 1, migrated.stderr
    assert "Traceback" not in migrated.stderr
    for output in (checked.stdout, checked.stderr, migrated.stdout, migrated.stderr):
        assert "s3cret-pw" not in output


def test_serve_waits_for_the_database_and_starts_when_it_answers(
    postgres_cluster: PostgresCluster, tmp_path: Path
) -> None:
    name = "late_database"
    url = postgres_cluster.url(name)
    with ServerProcess(tmp_path / "data", env={"DEVCELL_DATABASE_URL": url}) as server:
        wait_until(lambda: "trying again in 5 s" in server.log_tail(), 60, "serve says it waits for the database")
        assert "Traceback" not in server.log_tail(200)
        postgres_cluster.execute(f"CREATE DATABASE {name}")
        try:
            server.wait_ready(timeout=60)
        finally:
            server.stop()
            postgres_cluster.drop(url)


def test_serve_stops_at_once_while_it_waits(tmp_path: Path) -> None:
    server = ServerProcess(tmp_path / "data", env={"DEVCELL_DATABASE_URL": UNREACHABLE}).start()
    try:
        wait_until(lambda: "trying again in 5 s" in server.log_tail(), 60, "serve says it waits for the database")
        assert server.process is not None
        server.process.send_signal(signal.SIGTERM)
        assert server.process.wait(15) == 0
        assert "stopped while waiting for the database" in server.log_tail()
        assert "s3cret-pw" not in server.log_tail(200)
    finally:
        server.kill()
