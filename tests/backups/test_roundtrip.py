"""The acceptance round trip: a populated instance (documents with vectors too), backed up while a writer keeps
writing, restored into a fresh data directory by `devcell restore`: every table row and every knowledgebase file
comes back, and once the restored appliance has rebuilt its vectors a search finds the same top result."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import threading
import time
from pathlib import Path
from typing import Any

import orjson
import pytest
from starlette.applications import Starlette
from starlette.testclient import TestClient

from devcell.app import create_app
from devcell.core.config import Config, load_config
from tests.backups.conftest import members, populate, rows, sha256_tree, wait_job
from tests.conftest import ADMIN_PASSWORD, Actor, sign_in
from tests.documents.conftest import FAKE_MODEL, note, uploaded
from tests.serverproc import ServerProcess, cli, create_admin
from tests.waiting import wait_until

QUESTION = "how do I rotate the VPN certificates"
GUIDE = b"""# VPN runbook

## Rotating certificates

Rotate the VPN certificates every ninety days: issue new ones from the lab CA, push them to the gateway and
restart the tunnel service. Old certificates are revoked the same day.

## Adding a user

Create the account on the gateway and send the profile over the internal chat.
"""


@pytest.fixture
def config(tmp_path: Path) -> Config:
    """The deterministic hashing embedder: documents get real vectors in an instant."""
    return load_config({"DEVCELL_EMBEDDING_MODEL": FAKE_MODEL}, data_dir=tmp_path / "data")


def add_documents(admin: Actor) -> dict[str, Any]:
    """An upload, a note and a project-scoped note, indexed; returns the knowledge status with their vectors."""
    project = admin.post("/api/projects", json={"name": "Network", "description": "VPN and gateways"}).json()
    uploaded(admin, "vpn-runbook.md", GUIDE)
    note(admin, "Printer", "The printer on the second floor needs toner every month.")
    note(admin, "Gateway", "The gateway restarts at 04:00 for updates.", project_id=int(project["id"]))
    status: dict[str, Any] = admin.get("/api/knowledge/status").json()
    assert status["consistent"] is True, status
    assert status["vectors"] == status["chunks"] > 0, status
    return status


def top_result(actor: Actor) -> tuple[int, str, str]:
    items = actor.get("/api/search", params={"q": QUESTION}).json()["items"]
    assert items, "the search found nothing"
    return items[0]["document_id"], items[0]["document_title"], items[0]["heading"]


def wait_rebuilt(actor: Actor, timeout: float = 60) -> dict[str, Any]:
    """Until the restored appliance has re-embedded every passage (its index started empty)."""
    last: dict[str, Any] = {}

    def rebuilt() -> dict[str, Any] | None:
        status: dict[str, Any] = actor.get("/api/knowledge/status").json()
        last.update(status)
        jobs = actor.get("/api/jobs?everyone=true&limit=200").json()["items"]
        idle = all(j["status"] in ("succeeded", "failed", "cancelled") for j in jobs)
        return status if idle and status["consistent"] and status["vectors"] == status["chunks"] > 0 else None

    return wait_until(rebuilt, timeout, lambda: f"the index rebuilt (status: {last})")


class Writer(threading.Thread):
    """Creates tasks through the API as fast as it can, and remembers every answer."""

    def __init__(self, actor: Actor) -> None:
        super().__init__(daemon=True)
        self.actor = actor
        self.stop = threading.Event()
        self.created: list[tuple[float, int]] = []
        self.failures: list[str] = []

    def run(self) -> None:
        n = 0
        while not self.stop.is_set():
            n += 1
            response = self.actor.post("/api/tasks", json={"title": f"Written during the backup {n}"})
            if response.status_code == 201:
                self.created.append((time.monotonic(), int(response.json()["id"])))
            else:
                self.failures.append(f"{response.status_code} {response.text[:200]}")


@pytest.mark.slow
def test_round_trip_while_writing(app: Starlette, admin: Actor, config: Config, tmp_path: Path) -> None:
    populate(app, admin, scale=3)
    knowledge = add_documents(admin)
    expected_top = top_result(admin)
    (config.kb_dir / "notes").mkdir(parents=True, exist_ok=True)
    (config.kb_dir / "notes" / "runbook.md").write_text("# Runbook\n")
    (config.kb_dir / "big.bin").write_bytes(os.urandom(24 * 1024 * 1024))  # makes the backup last a while
    files = sha256_tree(config.kb_dir)
    writer = Writer(sign_in(app, "admin", ADMIN_PASSWORD))
    writer.start()
    wait_until(lambda: writer.created or writer.failures, what="the writer's first answer")
    started = time.monotonic()
    job = wait_job(admin, admin.post("/api/backups").json()["id"], timeout=120)
    finished = time.monotonic()
    written = len(writer.created) + len(writer.failures)
    wait_until(lambda: len(writer.created) + len(writer.failures) > written, what="a write after the backup")
    writer.stop.set()
    writer.join(10)

    assert job["status"] == "succeeded", job
    assert writer.failures == []
    during = [i for t, i in writer.created if started <= t <= finished]
    assert len(during) > 5, "the writer should have kept writing during the backup"
    archive = config.data_dir / "backups" / job["result"]["name"]
    snapshot = tmp_path / "snapshot.db"
    snapshot.write_bytes(members(archive)["devcell.db"])
    kept = {r[0] for r in rows(snapshot)["task"]}
    assert {i for t, i in writer.created if t < started} <= kept  # everything acknowledged before it started

    fresh = tmp_path / "fresh"
    result = cli(fresh, "restore", "--yes", str(archive), timeout=120)
    assert result.returncode == 0, result.stderr

    assert "knowledge index is checked when DevCell starts" in result.stdout
    assert rows(fresh / "devcell.db") == rows(snapshot)
    assert sha256_tree(fresh / "knowledgebase") == files
    with sqlite3.connect(fresh / "devcell.db") as connection:
        assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    connection.close()
    manifest = orjson.loads(members(archive)["manifest.json"])
    assert manifest["embedding_model"] == FAKE_MODEL

    # The restored appliance starts with no index at all: it rebuilds the vectors, and search agrees.
    restored = load_config({"DEVCELL_EMBEDDING_MODEL": FAKE_MODEL}, data_dir=fresh)
    restored_app = create_app(restored)
    with TestClient(restored_app):
        again = sign_in(restored_app, "admin", ADMIN_PASSWORD)
        status = wait_rebuilt(again)
        assert status["chunks"] == knowledge["chunks"]
        assert top_result(again) == expected_top
        assert not (fresh / "index-check.json").exists()  # the restore's marker was handled
        again.client.close()


@pytest.mark.slow
def test_cli_restore_refuses_while_a_server_runs(tmp_path: Path) -> None:
    data = tmp_path / "data"
    create_admin(data)
    made = cli(data, "backup")
    assert made.returncode == 0, made.stderr
    archive = made.stdout.split("\t")[0]
    with ServerProcess(data) as server:
        server.wait_ready()
        refused = cli(data, "restore", "--yes", archive)
        assert refused.returncode == 1
        assert f"a DevCell server (pid {server.pid}) is running" in refused.stderr
        assert "sudo systemctl stop devcell" in refused.stderr
    assert cli(data, "restore", "--yes", archive).returncode == 0


def test_cli_backup_to_another_directory(tmp_path: Path) -> None:
    data = tmp_path / "data"
    create_admin(data)
    (tmp_path / "usb").mkdir()
    made = cli(data, "backup", "--to", str(tmp_path / "usb"))
    assert made.returncode == 0, made.stderr
    assert made.stdout.startswith(str(tmp_path / "usb" / "devcell-"))
    assert "verified" in made.stdout


def test_cli_backup_to_a_missing_directory_says_so_and_creates_nothing(tmp_path: Path) -> None:
    # An unmounted USB disk: writing into its empty mount point would fill the SD card instead.
    data = tmp_path / "data"
    create_admin(data)
    refused = cli(data, "backup", "--to", str(tmp_path / "usb" / "backups"))
    assert refused.returncode == 1
    assert refused.stderr.strip() == (
        f"devcell: {tmp_path / 'usb' / 'backups'} does not exist. Create the folder (or mount the disk) first, "
        "then run the backup again."
    )
    assert not (tmp_path / "usb").exists()


def test_cli_backup_to_a_read_only_directory_says_so(tmp_path: Path) -> None:
    data = tmp_path / "data"
    create_admin(data)
    disk = tmp_path / "disk"
    disk.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "ro,size=1m", "tmpfs", str(disk)], check=False)
    if mounted.returncode != 0:
        pytest.skip("mounting a read-only tmpfs needs root (as a service's ReadOnlyPaths would make it)")
    try:
        refused = cli(data, "backup", "--to", str(disk))
    finally:
        subprocess.run(["umount", str(disk)], check=True)
    assert refused.returncode == 1
    assert refused.stderr.strip() == (
        f"devcell: cannot write to {disk} (Read-only file system). Choose a folder this user can write to."
    )
    assert "Traceback" not in refused.stderr


def test_cli_restore_refuses_a_damaged_archive(tmp_path: Path) -> None:
    data = tmp_path / "data"
    create_admin(data)
    archive = tmp_path / "damaged.tar.gz"
    archive.write_bytes(b"\x1f\x8b\x08\x00garbage")
    refused = cli(data, "restore", "--yes", str(archive))
    assert refused.returncode == 1
    assert "damaged.tar.gz cannot be restored" in refused.stderr
    assert "Nothing was changed" in refused.stderr
    assert cli(data, "user", "list").stdout.startswith("1\tadmin")
