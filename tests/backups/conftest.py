"""Backup test helpers: a disk whose free space a test sets, a populated instance, and archive/database readers."""

from __future__ import annotations

import contextlib
import hashlib
import io
import sqlite3
import tarfile
import tempfile
from pathlib import Path
from typing import Any

import orjson
import pytest
from starlette.applications import Starlette

from devcell.backups._archive import schema_version, table_counts
from devcell.core.disk import DISK, DiskProbe, DiskUsage
from tests.conftest import USER_PASSWORD, Actor, create_user, sign_in
from tests.waiting import wait_until

GZIP = {"Content-Type": "application/gzip"}

WAIT = 30.0


class ScriptedDisk(DiskProbe):
    """The real statvfs reading, unless a test set `free` (bytes): then every path reports that much free."""

    def __init__(self) -> None:
        self.free: int | None = None

    def usage(self, path: Path) -> DiskUsage:
        real = super().usage(path)
        return real if self.free is None else DiskUsage(total=real.total, free=self.free)


@pytest.fixture
def disk(app: Starlette) -> ScriptedDisk:
    """Injected before the lifespan starts (request it before `client`/`admin`)."""
    probe = ScriptedDisk()
    app.state.provide(DISK, probe)
    return probe


def wait_job(actor: Actor, job_id: str, timeout: float = WAIT) -> dict[str, Any]:
    def finished() -> dict[str, Any] | None:
        response = actor.get(f"/api/jobs/{job_id}")
        if response.status_code == 503:  # paused while a restore swaps the data in
            return None
        body: dict[str, Any] = response.json()
        assert "status" in body, body
        return body if body["status"] in ("succeeded", "failed", "cancelled") else None

    return wait_until(finished, timeout, f"job {job_id} finished")


def backup_now(admin: Actor) -> str:
    response = admin.post("/api/backups")
    assert response.status_code == 202, response.text
    job = wait_job(admin, response.json()["id"])
    assert job["status"] == "succeeded", job
    return str(job["result"]["name"])


def populate(app: Starlette, admin: Actor, scale: int = 3) -> dict[str, Any]:
    """Users, projects, tasks, comments and standups, all made through the API."""
    users = [create_user(admin, f"member{i}") for i in range(scale)]
    members = [sign_in(app, f"member{i}", USER_PASSWORD) for i in range(scale)]
    made: dict[str, Any] = {"users": users, "projects": [], "tasks": []}
    for p in range(scale):
        project = admin.post("/api/projects", json={"name": f"Project {p}", "description": "d"}).json()
        made["projects"].append(project["id"])
        for member in members:
            username = member.user["username"]
            admin.post(f"/api/projects/{project['id']}/members", json={"username": username, "role": "member"})
        for t in range(scale * 2):
            task = admin.post("/api/tasks", json={"title": f"Task {p}.{t}", "project_id": project["id"]}).json()
            made["tasks"].append(task["id"])
            admin.post(f"/api/tasks/{task['id']}/comments", json={"body": f"Comment on {t}"})
    for member in members:
        response = member.post("/api/standups", json={"yesterday": "a", "today": "b", "blockers": ""})
        assert response.status_code == 201, response.text
    return made


def rows(db: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, sorted, for equality checks."""
    with contextlib.closing(sqlite3.connect(f"file:{db}?mode=ro", uri=True)) as connection:
        names = [
            r[0]
            for r in connection.execute(
                "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'"
            )
        ]
        return {name: sorted(connection.execute(f'SELECT * FROM "{name}"').fetchall(), key=repr) for name in names}


def members(archive: Path) -> dict[str, bytes]:
    with tarfile.open(archive, "r:gz") as tar:
        return {m.name: tar.extractfile(m).read() for m in tar if m.isfile()}  # type: ignore[union-attr]


def write_archive(path: Path, files: dict[str, bytes]) -> None:
    """An archive with exactly these members (in order), the way DevCell lays them out."""
    with tarfile.open(path, "w:gz") as tar:
        for name, data in files.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))


def upload(admin: Actor, data: bytes) -> str:
    """An archive uploaded through the API; its name."""
    response = admin.client.post("/api/backups/upload", content=data, headers={**admin.headers, **GZIP})
    assert response.status_code == 201, response.text
    return str(response.json()["name"])


def restore(admin: Actor, name: str) -> dict[str, Any]:
    """Restore through the API and wait for the job's end; the job."""
    response = admin.post(f"/api/backups/{name}/restore", json={"confirm": name})
    assert response.status_code == 202, response.text
    return wait_job(admin, response.json()["id"])


def reseal(files: dict[str, bytes], **manifest_changes: Any) -> dict[str, bytes]:
    """Recompute the manifest's checksums after a test changed members (an archive that is whole but different)."""
    manifest = orjson.loads(files["manifest.json"])
    manifest["members"] = {
        name: {"sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}
        for name, data in files.items()
        if name != "manifest.json"
    }
    if "devcell.db" in files:  # a PostgreSQL archive's dump is counted when it is made; its counts stay
        with tempfile.TemporaryDirectory() as scratch:
            db = Path(scratch) / "devcell.db"
            db.write_bytes(files["devcell.db"])
            manifest["tables"], manifest["schema_version"] = table_counts(db), schema_version(db)
    manifest.update(manifest_changes)
    return {**{k: v for k, v in files.items() if k != "manifest.json"}, "manifest.json": orjson.dumps(manifest)}


def sha256_tree(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }
