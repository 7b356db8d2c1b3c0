"""An archive may unpack to at most MAX_EXPANSION times its size, and never past the free space above the disk
floor: verify and restore stop there, say why, and leave nothing behind (issue #13, finding 7)."""

from __future__ import annotations

import gzip
import io
import tarfile
from pathlib import Path
from typing import Any

from devcell.backups._check import MAX_EXPANSION, MAX_MANIFEST, ExpansionCap, check_archive
from devcell.core.config import Config
from devcell.core.disk import MB
from tests.backups.conftest import GZIP, ScriptedDisk, backup_now, members, reseal, rows, wait_job
from tests.conftest import Actor

BOMB_BYTES = 100 * MB  # zeros: gzip -9 packs them into ~100 kB, a ratio near 1000
GB = 1024 * MB


def tar_bytes(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as tar:
        for name, data in files.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def write_gz(path: Path, raw: bytes, level: int = 9) -> Path:
    path.write_bytes(gzip.compress(raw, compresslevel=level))
    return path


def bomb(admin: Actor, config: Config, tmp_path: Path) -> Path:
    """Today's real backup plus one huge zero-filled file, resealed: whole, but it unpacks ~1000-fold."""
    files = members(config.data_dir / "backups" / backup_now(admin))
    files["knowledgebase/zeros.bin"] = bytes(BOMB_BYTES)
    archive = write_gz(tmp_path / "bomb.tar.gz", tar_bytes(reseal(files)))
    assert MAX_EXPANSION * archive.stat().st_size < BOMB_BYTES  # the premise: past the ratio
    return archive


def upload(admin: Actor, archive: Path) -> str:
    response = admin.client.post("/api/backups/upload", content=archive.read_bytes(), headers={**admin.headers, **GZIP})
    assert response.status_code == 201, response.text
    return str(response.json()["name"])


def verify(admin: Actor, name: str) -> dict[str, Any]:
    response = admin.post(f"/api/backups/{name}/verify")
    assert response.status_code == 202, response.text
    return wait_job(admin, response.json()["id"])


def scratch_left(config: Config) -> list[str]:
    tmp = config.data_dir / "tmp"
    return sorted(p.name for p in tmp.iterdir()) if tmp.is_dir() else []


def written(scratch: Path) -> int:
    return sum(p.stat().st_size for p in scratch.rglob("*") if p.is_file())


def test_verify_refuses_an_archive_that_unpacks_past_the_ratio(admin: Actor, config: Config, tmp_path: Path) -> None:
    job = verify(admin, upload(admin, bomb(admin, config, tmp_path)))
    assert job["result"]["ok"] is False
    assert f"unpacks to more than {MAX_EXPANSION} times its size" in job["result"]["problems"][0]
    assert scratch_left(config) == []


def test_restore_refuses_it_and_changes_nothing(admin: Actor, config: Config, tmp_path: Path) -> None:
    name = upload(admin, bomb(admin, config, tmp_path))
    before = rows(config.database_path)
    response = admin.post(f"/api/backups/{name}/restore", json={"confirm": name})
    assert response.status_code == 202, response.text
    job = wait_job(admin, response.json()["id"])
    assert job["status"] == "failed"
    assert f"unpacks to more than {MAX_EXPANSION} times its size" in job["error"]
    assert "Nothing was changed" in job["error"]
    assert {k: v for k, v in rows(config.database_path).items() if k not in ("job_run", "session")} == {
        k: v for k, v in before.items() if k not in ("job_run", "session")
    }
    assert scratch_left(config) == []


def test_verify_stops_at_the_free_space_above_the_floor(
    disk: ScriptedDisk, admin: Actor, config: Config, tmp_path: Path
) -> None:
    # Packed at DevCell's own level 1, so the ratio allows it: only the space above the floor stops it.
    files = members(config.data_dir / "backups" / backup_now(admin))
    files["knowledgebase/zeros.bin"] = bytes(20 * MB)
    name = upload(admin, write_gz(tmp_path / "big.tar.gz", tar_bytes(reseal(files)), level=1))
    admin.patch("/api/settings", json={"values": {"disk_floor_mb": 100}})
    disk.free = 110 * MB  # enough for the preflight; 10 MB above the floor
    job = verify(admin, name)
    assert job["status"] == "failed"
    assert "Not enough free space to unpack the archive" in job["error"]
    assert scratch_left(config) == []


def test_a_real_backup_verifies_under_the_cap(admin: Actor, config: Config) -> None:
    job = verify(admin, backup_now(admin))
    assert (job["status"], job["result"]["ok"]) == ("succeeded", True)


def test_nothing_is_written_past_the_cap(tmp_path: Path) -> None:
    # Each file alone fits; their sum does not. The first ones are written, the one that would pass is not.
    files = {f"knowledgebase/part{i}.bin": bytes(300 * 1024) for i in range(5)}
    archive = write_gz(tmp_path / "parts.tar.gz", tar_bytes(files))
    scratch = tmp_path / "scratch"
    report = check_archive(archive, scratch, ExpansionCap(ratio_bytes=MB, space_bytes=10 * MB, where=scratch))
    assert report.ok is False
    assert "unpacks to more than" in report.problems[0]
    assert 0 < written(scratch) <= MB


def test_a_stream_that_goes_on_past_the_archive_end_is_cut_at_the_cap(tmp_path: Path) -> None:
    # Zeros after the end-of-archive blocks write nothing, but unpacking them all would still take CPU time.
    archive = write_gz(tmp_path / "tail.tar.gz", tar_bytes({"devcell.db": b"x"}) + bytes(50 * MB))
    scratch = tmp_path / "scratch"
    report = check_archive(archive, scratch, ExpansionCap(ratio_bytes=MB, space_bytes=10 * MB, where=scratch))
    assert "unpacks to more than" in report.problems[0]


def test_a_manifest_too_large_to_hold_in_memory_is_refused(tmp_path: Path) -> None:
    archive = write_gz(tmp_path / "manifest.tar.gz", tar_bytes({"manifest.json": bytes(MAX_MANIFEST + 1)}))
    scratch = tmp_path / "scratch"
    report = check_archive(archive, scratch, ExpansionCap(ratio_bytes=GB, space_bytes=GB, where=scratch))
    assert "manifest.json is larger than" in report.problems[0]
