"""Backups over the API: create (verified), list, download, upload, verify, delete, and every refusal."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import orjson
from starlette.applications import Starlette

from devcell.backups.service import BACKUPS
from devcell.core.config import Config
from devcell.core.migrations.runner import HEAD
from tests.backups.conftest import (
    GZIP,
    ScriptedDisk,
    backup_now,
    members,
    populate,
    reseal,
    rows,
    upload,
    wait_job,
    write_archive,
)
from tests.conftest import Actor


def backup_dir(config: Config) -> Path:
    return config.data_dir / "backups"


def stored(config: Config) -> list[str]:
    folder = backup_dir(config)
    return sorted(p.name for p in folder.iterdir()) if folder.is_dir() else []


def test_backup_is_listed_with_its_manifest_and_verification(app: Starlette, admin: Actor, config: Config) -> None:
    populate(app, admin, scale=2)
    name = backup_now(admin)
    listing = admin.get("/api/backups").json()
    (item,) = listing["items"]
    assert item["name"] == name
    assert item["kind"] == "backup"
    assert item["schema_version"] == HEAD
    assert item["tables"]["user"] == 3
    assert item["tables"]["task"] == 8
    assert item["verify"]["ok"] is True
    assert item["verify"]["problems"] == []
    assert listing["directory"] == str(backup_dir(config))
    assert (backup_dir(config) / name).stat().st_mode & 0o077 == 0o040  # owner and group only


def test_archive_holds_the_database_knowledgebase_and_manifest(admin: Actor, config: Config) -> None:
    (config.kb_dir / "notes").mkdir(parents=True, exist_ok=True)
    (config.kb_dir / "notes" / "runbook.md").write_text("# Runbook\n")
    name = backup_now(admin)
    found = members(backup_dir(config) / name)
    assert set(found) == {"devcell.db", "knowledgebase/notes/runbook.md", "manifest.json"}
    assert found["knowledgebase/notes/runbook.md"] == b"# Runbook\n"
    assert orjson.loads(found["manifest.json"])["embedding_model"] == config.embedding_model


def test_download_streams_the_archive(admin: Actor, config: Config) -> None:
    name = backup_now(admin)
    response = admin.get(f"/api/backups/{name}")
    assert response.status_code == 200
    assert response.content == (backup_dir(config) / name).read_bytes()
    assert name in response.headers["content-disposition"]


def test_unknown_or_crafted_names_are_404(admin: Actor) -> None:
    for name in ("devcell-20990101T000000Z.tar.gz", "..%2Fdevcell.db", "devcell.db"):
        assert admin.get(f"/api/backups/{name}").status_code == 404


def test_delete_removes_archive_and_side_files(admin: Actor, config: Config) -> None:
    name = backup_now(admin)
    assert admin.delete(f"/api/backups/{name}").status_code == 204
    assert stored(config) == []


def test_uploaded_copy_verifies(admin: Actor, config: Config) -> None:
    name = backup_now(admin)
    uploaded = upload(admin, (backup_dir(config) / name).read_bytes())
    assert uploaded.endswith("-upload.tar.gz")
    job = wait_job(admin, admin.post(f"/api/backups/{uploaded}/verify").json()["id"])
    assert job["status"] == "succeeded"
    assert job["result"]["ok"] is True


def test_upload_that_is_not_an_archive_is_refused(admin: Actor, config: Config) -> None:
    response = admin.client.post("/api/backups/upload", content=b"PK\x03\x04 a zip", headers={**admin.headers, **GZIP})
    assert response.status_code == 422
    assert "not a DevCell backup" in response.json()["error"]["message"]
    assert stored(config) == []


def test_upload_over_the_limit_is_refused(admin: Actor, config: Config) -> None:
    admin.patch("/api/settings", json={"values": {"backup_upload_max_mb": 1}})
    big = b"\x1f\x8b" + b"0" * 2_000_000
    response = admin.client.post("/api/backups/upload", content=big, headers={**admin.headers, **GZIP})
    assert response.status_code == 413
    assert "backup_upload_max_mb" in response.json()["error"]["message"]
    assert stored(config) == []


def test_flipped_byte_fails_verification(admin: Actor, config: Config) -> None:
    data = bytearray((backup_dir(config) / backup_now(admin)).read_bytes())
    data[len(data) // 2] ^= 0xFF
    name = upload(admin, bytes(data))
    job = wait_job(admin, admin.post(f"/api/backups/{name}/verify").json()["id"])
    assert job["result"]["ok"] is False
    assert "cannot be read" in job["result"]["problems"][0] or "checksum" in job["result"]["problems"][0]
    listed = {i["name"]: i for i in admin.get("/api/backups").json()["items"]}
    assert listed[name]["verify"]["ok"] is False


def test_archive_with_a_changed_member_fails_its_checksum(admin: Actor, config: Config, tmp_path: Path) -> None:
    files = members(backup_dir(config) / backup_now(admin))
    files["devcell.db"] = files["devcell.db"][:-1] + b"\x01"  # a whole gzip stream, one changed byte inside
    forged = tmp_path / "forged.tar.gz"
    write_archive(forged, files)
    name = upload(admin, forged.read_bytes())
    job = wait_job(admin, admin.post(f"/api/backups/{name}/verify").json()["id"])
    assert job["result"]["problems"] == ["devcell.db does not match its checksum"]


def test_row_counts_must_match_the_manifest(admin: Actor, config: Config, tmp_path: Path) -> None:
    files = members(backup_dir(config) / backup_now(admin))
    counted = orjson.loads(files["manifest.json"])["tables"]
    (tmp_path / "db").write_bytes(files["devcell.db"])
    with sqlite3.connect(tmp_path / "db") as connection:
        connection.execute("DELETE FROM user")
    files["devcell.db"] = (tmp_path / "db").read_bytes()
    forged = tmp_path / "forged.tar.gz"
    write_archive(forged, reseal(files, tables=counted))  # checksums right, counts from before the delete
    name = upload(admin, forged.read_bytes())
    job = wait_job(admin, admin.post(f"/api/backups/{name}/verify").json()["id"])
    assert job["result"]["problems"] == ["table user has 0 rows, the manifest says 1"]


def test_no_space_refuses_the_backup_before_it_starts(disk: ScriptedDisk, admin: Actor, config: Config) -> None:
    disk.free = 10 * 1024 * 1024
    response = admin.post("/api/backups")
    assert response.status_code == 507
    body = response.json()["error"]
    assert body["code"] == "insufficient_storage"
    assert "Not enough free space for the backup" in body["message"]
    assert stored(config) == []


def test_a_second_backup_while_one_runs_is_refused(app: Starlette, admin: Actor) -> None:
    backups = app.state.need(BACKUPS)
    with backups._exclusive():
        response = admin.post("/api/backups")
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "backup_busy"


def test_restore_needs_the_typed_name(admin: Actor, config: Config) -> None:
    name = backup_now(admin)
    response = admin.post(f"/api/backups/{name}/restore", json={"confirm": "yes"})
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "confirmation_required"


def test_database_rows_are_unchanged_by_a_backup(app: Starlette, admin: Actor, config: Config) -> None:
    populate(app, admin, scale=1)
    before = rows(config.database_path)
    backup_now(admin)
    after = rows(config.database_path)
    before.pop("job_run"), after.pop("job_run")  # the backup job itself is recorded
    assert after == before
