"""A disk that fills up under a running server: 507 and a clean rollback, never 500; health and readiness agree."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from tests.faults.conftest import fill
from tests.serverproc import ADMIN_PASSWORD, ServerProcess, api_token, create_admin

DESCRIPTION = "x" * 19_000  # near the 20,000-character limit: a few fill the last free pages


def _integrity_and_titles(database: Path) -> tuple[str, list[str]]:
    with sqlite3.connect(database) as connection:
        integrity = connection.execute("PRAGMA integrity_check").fetchone()[0]
        titles = [row[0] for row in connection.execute("SELECT title FROM task ORDER BY id")]
    connection.close()
    return integrity, titles


def _health(server: ServerProcess, token: str) -> dict[str, str]:
    with server.client(token) as client:
        _, report = client.request("GET", "/api/system/health?fresh=true")
    return {item["name"]: item["severity"] for item in report["items"]}


def test_a_full_disk_with_floor_0_answers_507_and_loses_nothing(small_disk: Path, tmp_path: Path) -> None:
    data = small_disk / "data"
    create_admin(data)
    env = {"DEVCELL_DISK_FLOOR_MB": "0", "DEVCELL_EMBEDDING_MODEL": "hashing-test"}
    with ServerProcess(data, log_path=tmp_path / "server.log", env=env) as server:
        server.wait_ready()
        token = api_token(server)
        with server.client(token) as client:
            for n in range(5):
                assert client.request("POST", "/api/tasks", {"title": f"before {n}"})[0] == 201
            filler = fill(small_disk)
            statuses = [client.request("POST", "/api/tasks", {"title": "t", "description": DESCRIPTION})[0]]
            while statuses[-1] == 201 and len(statuses) < 200:
                statuses.append(client.request("POST", "/api/tasks", {"title": "t", "description": DESCRIPTION})[0])
            assert statuses[-1] == 507, statuses
            assert 500 not in statuses
            assert client.request("GET", "/api/tasks")[0] == 200  # reading still works
            assert _health(server, token)["disk_data"] == "critical"
            filler.unlink()
            assert client.request("POST", "/api/tasks", {"title": "after"})[0] == 201
    integrity, titles = _integrity_and_titles(data / "devcell.db")
    assert integrity == "ok"
    assert titles[:5] == [f"before {n}" for n in range(5)]
    assert titles[-1] == "after"


def test_a_small_disk_under_the_default_floor_is_critical_and_not_ready(small_disk: Path, tmp_path: Path) -> None:
    data = small_disk / "data"
    create_admin(data)
    with ServerProcess(
        data, log_path=tmp_path / "server.log", env={"DEVCELL_EMBEDDING_MODEL": "hashing-test"}
    ) as server:
        server.wait_ready()
        with server.client() as browser:
            browser.login("admin", ADMIN_PASSWORD)  # signing in still works when changes are refused
            assert browser.request("POST", "/api/tasks", {"title": "refused"})[0] == 507
            status, ready = browser.request("GET", "/api/health/ready")
            _, report = browser.request("GET", "/api/system/health?fresh=true")
    assert status == 503
    assert {c["name"]: c["ok"] for c in ready["checks"]}["disk_floor"] is False
    assert {item["name"]: item["severity"] for item in report["items"]}["disk_data"] == "critical"
