"""Liveness, readiness and the health report's badge summary, over HTTP."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from typing import Any

import orjson
import pytest
from starlette.testclient import TestClient

from devcell import __version__
from devcell.core.config import Config
from devcell.core.db import run_sql, transaction
from devcell.core.migrations.runner import HEAD
from devcell.health import service
from tests.conftest import Actor


def checks(response: Any) -> dict[str, bool]:
    return {check["name"]: check["ok"] for check in response.json()["checks"]}


@pytest.fixture
def tmp_dir_restored(config: Config) -> Iterator[None]:
    """Put the data/tmp directory back, so the app can shut down cleanly after a test broke it."""
    yield
    if config.tmp_dir.is_file():
        config.tmp_dir.unlink()
    config.tmp_dir.mkdir(mode=0o750, exist_ok=True)
    config.tmp_dir.chmod(0o750)


def test_health_answers_anonymously_with_the_version(client: TestClient) -> None:
    response = client.get("/api/health")
    assert (response.status_code, response.json()) == (200, {"status": "ok", "version": __version__})


def test_ready_reports_every_check_ok(client: TestClient) -> None:
    response = client.get("/api/health/ready")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"
    assert checks(response) == {
        "database": True,
        "migrations": True,
        "disk": True,
        "integrity": True,
        "writes": True,
        "disk_floor": True,
    }


def test_ready_tells_anonymous_callers_names_and_outcomes_only(
    client: TestClient, config: Config, tmp_dir_restored: None
) -> None:
    shutil.rmtree(config.tmp_dir)
    config.tmp_dir.write_text("in the way")
    body = client.get("/api/health/ready").json()
    assert body["checks"] == [
        {"name": "database", "ok": True},
        {"name": "migrations", "ok": True},
        {"name": "disk", "ok": False},
        {"name": "integrity", "ok": True},
        {"name": "writes", "ok": True},
        {"name": "disk_floor", "ok": True},
    ]
    assert str(config.data_dir) not in orjson.dumps(body).decode()


def test_ready_gives_administrators_the_messages(admin: Actor, config: Config) -> None:
    body = admin.get("/api/health/ready").json()
    messages = {check["name"]: check["message"] for check in body["checks"]}
    assert (messages["database"], messages["migrations"], messages["disk"]) == (
        "reachable",
        f"schema {HEAD} of {HEAD}",
        "writable",
    )
    assert (messages["integrity"], messages["writes"]) == ("no damage found", "accepted")


def test_ready_is_cached_for_a_few_seconds(
    client: TestClient, config: Config, tmp_dir_restored: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert client.get("/api/health/ready").status_code == 200
    shutil.rmtree(config.tmp_dir)
    config.tmp_dir.write_text("in the way")
    assert client.get("/api/health/ready").status_code == 200  # the answer of a moment ago, no new probe file
    monkeypatch.setattr(service, "READY_CACHE_SECONDS", 0.0)
    assert client.get("/api/health/ready").status_code == 503


def test_ready_is_503_when_the_tmp_dir_is_not_a_directory(
    client: TestClient, config: Config, tmp_dir_restored: None
) -> None:
    shutil.rmtree(config.tmp_dir)
    config.tmp_dir.write_text("in the way")
    response = client.get("/api/health/ready")
    assert (response.status_code, response.json()["status"]) == (503, "fail")
    assert checks(response)["disk"] is False


def test_ready_is_503_when_the_tmp_dir_is_read_only(client: TestClient, config: Config, tmp_dir_restored: None) -> None:
    config.tmp_dir.chmod(0o500)
    if os.access(config.tmp_dir, os.W_OK):
        pytest.skip("this user (root?) can write to read-only directories")
    response = client.get("/api/health/ready")
    assert response.status_code == 503
    assert checks(response)["disk"] is False


def test_ready_is_503_when_the_schema_is_newer_than_the_code(client: TestClient) -> None:
    with transaction(write=True):
        run_sql("INSERT INTO schema_migration VALUES (?, 'future', '2099-01-01')", (HEAD + 1,))
    response = client.get("/api/health/ready")
    assert response.status_code == 503
    assert checks(response)["migrations"] is False


def test_badge_summary_for_users_and_details_for_admins(admin: Actor, user: Actor) -> None:
    summary = user.get("/api/system/health/summary").json()
    assert set(summary) == {"status", "warning", "critical", "problems"}
    assert summary["warning"] >= 1  # no backup yet, served on all interfaces
    assert user.get("/api/system/health").status_code == 403
    # What a user may see of each problem: which check, never what it found (messages name paths and errors).
    assert all(set(problem) == {"name", "title", "severity"} for problem in summary["problems"])
    assert len(summary["problems"]) == summary["warning"] + summary["critical"]
    assert {"name": "backup_age", "title": "Last backup", "severity": "warning"} in summary["problems"]
    report = admin.get("/api/system/health").json()["items"]
    messages = [item["message"] for item in report if item["severity"] in ("warning", "critical")]
    assert not any(message in str(summary) for message in messages)


def test_health_report_reads_its_declared_query(admin: Actor) -> None:
    assert admin.get("/api/system/health?fresh=true").status_code == 200
    response = admin.get("/api/system/health?fresh=true&verbose=1")
    assert response.status_code == 422
    assert response.json()["error"]["detail"][0]["field"] == "query.verbose"
