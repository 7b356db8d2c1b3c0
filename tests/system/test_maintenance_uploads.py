"""Issue #13, finding 3: the nightly maintenance removes staged uploads abandoned for over an hour, and says so."""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

from devcell.core.config import Config
from tests.backups.conftest import wait_job
from tests.conftest import Actor


def run_maintenance(admin: Actor) -> dict[str, Any]:
    response = admin.post("/api/system/schedule/maintenance/run")
    assert response.status_code == 202, response.text
    job = wait_job(admin, response.json()["id"])
    assert job["status"] == "succeeded", job
    return dict(job["result"])


def staged(config: Config, name: str, age_seconds: float) -> Path:
    path = config.kb_dir / "uploads" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"half an upload")
    then = time.time() - age_seconds
    os.utime(path, (then, then))
    return path


def test_maintenance_removes_an_abandoned_upload_and_keeps_a_fresh_one(admin: Actor, config: Config) -> None:
    old = staged(config, ".incoming-x", age_seconds=2 * 3600)
    fresh = staged(config, ".incoming-y", age_seconds=60)
    result = run_maintenance(admin)
    assert result["uploads_swept"] == {"removed": 1, "files": [".incoming-x"]}
    assert not old.exists()
    assert fresh.exists()


def test_maintenance_leaves_stored_uploads_alone(admin: Actor, config: Config) -> None:
    """Only staged files: an adopted upload of any age is a document's file."""
    document = staged(config, "0123456789abcdef0123456789abcdef.md", age_seconds=30 * 86400)
    assert run_maintenance(admin)["uploads_swept"] == {"removed": 0, "files": []}
    assert document.exists()
