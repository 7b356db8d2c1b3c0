"""The backup folder is checked by writing to it, as the running process: when it is chosen, by the health
check and before a backup starts; a missing folder (an unmounted disk) is refused, never created."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from devcell.backups.folders import folder_check_token, folder_problem
from devcell.core.config import Config, load_or_create_secret
from tests.conftest import Actor
from tests.health.conftest import findings


def settings_value(admin: Actor, key: str) -> object:
    items = admin.get("/api/settings").json()["items"]
    return next(item["value"] for item in items if item["key"] == key)


def test_a_missing_folder_is_refused_when_chosen(admin: Actor, tmp_path: Path) -> None:
    usb = tmp_path / "usb" / "devcell"
    response = admin.patch("/api/settings", json={"values": {"backup_dir": str(usb)}})
    assert response.status_code == 422, response.text
    error = response.json()["error"]
    assert error["detail"][0]["field"] == "backup_dir"
    assert "does not exist" in error["message"]
    assert "mounted" in error["message"]
    assert settings_value(admin, "backup_dir") == ""  # nothing saved
    assert not usb.exists()


def test_health_and_a_backup_say_so_when_the_folder_goes_away(admin: Actor, tmp_path: Path) -> None:
    usb = tmp_path / "usb"
    usb.mkdir()
    assert admin.patch("/api/settings", json={"values": {"backup_dir": str(usb)}}).status_code == 200
    assert findings(admin)["backup_folder"]["severity"] == "ok"
    usb.rmdir()  # the disk was unplugged
    found = findings(admin)["backup_folder"]
    assert found["severity"] == "critical"
    assert "does not exist" in found["message"]
    assert found["fix"] == {"label": "Choose another folder", "action": "settings", "command": None,
                            "target": "backup_dir"}  # fmt: skip
    response = admin.post("/api/backups")  # refused before a job starts
    assert response.status_code == 409, response.text
    assert response.json()["error"]["code"] == "backup_folder_unusable"
    assert "does not exist" in response.json()["error"]["message"]
    assert not usb.exists()  # not made on the data disk instead


def test_the_default_folder_is_fine_before_the_first_backup(admin: Actor) -> None:
    assert findings(admin)["backup_folder"]["severity"] == "ok"


@pytest.fixture
def read_only_mount(tmp_path: Path) -> Iterator[Path]:
    """A read-only filesystem, as the service's sandbox makes every folder it was not granted (needs root)."""
    target = tmp_path / "ro"
    target.mkdir()
    if os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip("mounting a read-only tmpfs needs root")
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "ro,size=1m", "tmpfs", str(target)], check=False)
    if mounted.returncode != 0:
        pytest.skip("this machine does not let us mount a tmpfs")
    try:
        yield target
    finally:
        subprocess.run(["umount", str(target)], check=False)


def test_a_read_only_folder_is_explained(read_only_mount: Path, admin: Actor) -> None:
    problem = folder_problem(read_only_mount)
    assert problem is not None
    assert "Read-only file system" in problem
    assert "/mnt and /media" in problem  # the one step: where the service may write
    response = admin.patch("/api/settings", json={"values": {"backup_dir": str(read_only_mount)}})
    assert response.status_code == 422
    assert "Read-only file system" in response.json()["error"]["message"]


def test_a_writable_folder_passes_and_leaves_nothing_behind(tmp_path: Path) -> None:
    assert folder_problem(tmp_path) is None
    assert list(tmp_path.iterdir()) == []


def test_the_service_tries_a_folder_only_for_a_signed_request(
    client: TestClient, config: Config, tmp_path: Path
) -> None:
    secret = load_or_create_secret(config)
    answer = client.post("/api/backups/folder-check", json={"token": folder_check_token(secret, str(tmp_path))})
    assert (answer.status_code, answer.json()) == (200, {"path": str(tmp_path), "ok": True, "message": None})
    missing = str(tmp_path / "gone")
    answer = client.post("/api/backups/folder-check", json={"token": folder_check_token(secret, missing)})
    assert answer.json()["ok"] is False
    assert "does not exist" in answer.json()["message"]
    forged = client.post("/api/backups/folder-check", json={"token": folder_check_token("x" * 64, str(tmp_path))})
    assert forged.status_code == 403


def test_the_backup_list_says_whether_backups_share_the_datas_disk(
    admin: Actor, tmp_path: Path, read_only_mount: Path
) -> None:
    assert admin.get("/api/backups").json()["same_disk_as_data"] is True  # <data>/backups, the default
    subprocess.run(["mount", "-o", "remount,rw", str(read_only_mount)], check=True)  # a second disk, writable
    assert admin.patch("/api/settings", json={"values": {"backup_dir": str(read_only_mount)}}).status_code == 200
    assert admin.get("/api/backups").json()["same_disk_as_data"] is False
