"""The knowledge index on the health page (consistency, the rebuild button) and after a restore (rebuilt when the
backup's model differs; otherwise only the documents whose vectors do not match the restored passages are embedded
again)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import orjson
import pytest
from starlette.applications import Starlette

from devcell.core.config import Config, load_config
from devcell.core.jobs import JOBS
from devcell.search.runtime import KNOWLEDGE
from tests.backups.conftest import backup_now, members, reseal, wait_job, write_archive
from tests.conftest import Actor
from tests.documents.conftest import FAKE_MODEL, chroma_collection, note, wait_jobs
from tests.waiting import wait_until

GZIP = {"Content-Type": "application/gzip"}


@pytest.fixture
def config(tmp_path: Path, database_env: dict[str, str]) -> Config:
    return load_config({"DEVCELL_EMBEDDING_MODEL": FAKE_MODEL, **database_env}, data_dir=tmp_path / "data")


def finding(admin: Actor) -> dict[str, Any]:
    items = admin.get("/api/system/health?fresh=true").json()["items"]
    found: dict[str, Any] = next(item for item in items if item["name"] == "index")
    return found


def status(admin: Actor) -> dict[str, Any]:
    body: dict[str, Any] = admin.get("/api/knowledge/status").json()
    return body


def settled(admin: Actor, timeout: float = 30) -> dict[str, Any]:
    """Until no job runs and the index holds a vector for every passage."""

    def consistent() -> dict[str, Any] | None:
        wait_jobs(admin, timeout)
        now = status(admin)
        return now if now["consistent"] and now["vectors"] == now["chunks"] else None

    return wait_until(consistent, timeout, lambda: f"the index settled: {status(admin)}")


def restore(app: Starlette, admin: Actor, name: str) -> dict[str, Any]:
    response = admin.post(f"/api/backups/{name}/restore", json={"confirm": name})
    assert response.status_code == 202, response.text
    job_id = response.json()["id"]

    def finished() -> Any:  # polls the runner: the caller's session may be gone after the restore
        snap = app.state.need(JOBS).get(job_id)
        return snap if snap is not None and snap.finished else None

    snap = wait_until(finished, 30, "the restore finished")
    assert snap.status == "succeeded", snap
    return dict(snap.result)


def top_title(admin: Actor, question: str) -> str:
    return str(admin.get("/api/search", params={"q": question}).json()["items"][0]["document_title"])


def test_health_skips_the_index_until_it_is_opened(admin: Actor) -> None:
    found = finding(admin)
    assert found["severity"] == "skipped"
    assert "first knowledge use" in found["message"]


def test_health_reports_a_consistent_index(admin: Actor) -> None:
    note(admin, "Toner", "The printer needs toner every month.")
    settled(admin)
    found = finding(admin)
    assert found["severity"] == "ok", found
    assert found["message"].startswith("Consistent: ")
    assert f"({FAKE_MODEL})" in found["message"]


def test_missing_vectors_are_a_warning_fixed_by_the_rebuild_button(app: Starlette, admin: Actor) -> None:
    note(admin, "Toner", "The printer needs toner every month.\n\nThe scanner needs nothing.")
    before = settled(admin)
    index = app.state.need(KNOWLEDGE).index()
    index.delete(sorted(index.ids())[:1])  # a vector lost behind the slice's back

    found = finding(admin)
    assert found["severity"] == "warning", found
    assert f"{before['chunks'] - 1} vectors for {before['chunks']} passages" in found["message"]
    assert found["fix"] == {"label": "Rebuild the index", "action": "rebuild_index", "command": None, "target": None}

    response = admin.post("/api/system/index/rebuild")
    assert response.status_code == 202, response.text
    job = wait_job(admin, response.json()["id"])
    assert job["status"] == "succeeded", job
    assert job["result"]["vectors_removed"] == before["chunks"] - 1
    assert settled(admin)["vectors"] == before["chunks"]
    assert finding(admin)["severity"] == "ok"


def test_rebuild_is_for_admins(user: Actor) -> None:
    assert user.post("/api/system/index/rebuild").status_code == 403


def jobs_of(admin: Actor, kind: str) -> list[dict[str, Any]]:
    return [j for j in admin.get("/api/jobs?everyone=true&limit=200").json()["items"] if j["kind"] == kind]


def embedded(admin: Actor, known: set[str]) -> list[str]:
    """Titles of the indexing jobs not in `known` that embedded their document (not those that found it
    unchanged)."""
    jobs = [j for j in jobs_of(admin, "knowledge.index") if j["id"] not in known]
    done = [j for j in jobs if j["result"] and "skipped" not in j["result"]]
    return sorted(j["title"].removeprefix("Index ") for j in done)


def test_restore_keeps_matching_vectors_and_drops_the_rest(app: Starlette, admin: Actor, config: Config) -> None:
    note(admin, "Toner", "The printer needs toner every month.")
    settled(admin)
    name = backup_now(admin)
    note(admin, "Gateway", "The gateway restarts at four for updates.")
    note(admin, "Badges", "Visitor badges are at the front desk.")
    settled(admin)

    result = restore(app, admin, name)

    assert result["embedding_model"] == FAKE_MODEL
    assert result["jobs_closed"] == 1  # the backup job, running when its own copy was taken
    assert result["index"] == (
        "Kept 1 vectors that match the restored passages, dropped 2; 0 document(s) are being indexed again."
    )
    assert not (config.data_dir / "index-check.json").exists()
    assert settled(admin)["vectors"] == 1
    assert top_title(admin, "printer toner") == "Toner"
    assert not jobs_of(admin, "knowledge.rebuild")


def test_restore_embeds_again_only_the_documents_whose_vectors_are_gone(app: Starlette, admin: Actor) -> None:
    note(admin, "Toner", "The printer needs toner every month.")
    gateway = note(admin, "Gateway", "The gateway restarts at four for updates.")
    settled(admin)
    name = backup_now(admin)
    assert admin.delete(f"/api/documents/{gateway['id']}").status_code == 204  # its vectors go with it
    before = {j["id"] for j in jobs_of(admin, "knowledge.index")}

    result = restore(app, admin, name)

    assert result["index"] == (
        "Kept 1 vectors that match the restored passages, dropped 0; 1 document(s) are being indexed again."
    )
    assert settled(admin)["vectors"] == 2
    assert embedded(admin, before) == ["Gateway"]
    assert top_title(admin, "gateway restarts") == "Gateway"


def test_restore_drops_a_vector_made_from_another_passage_under_the_same_id(app: Starlette, admin: Actor) -> None:
    """Another appliance's index (or one from before an older restore) can hold vector c1 for another text."""
    note(admin, "Toner", "The printer needs toner every month.")
    settled(admin)
    name = backup_now(admin)
    with chroma_collection(app) as collection:
        found = collection.get(include=["metadatas"])
        collection.update(ids=found["ids"], metadatas=[{**m, "fp": "another-text"} for m in found["metadatas"]])

    result = restore(app, admin, name)

    assert result["index"] == (
        "Kept 0 vectors that match the restored passages, dropped 1; 1 document(s) are being indexed again."
    )
    assert settled(admin)["vectors"] == 1
    assert top_title(admin, "printer toner") == "Toner"


def test_rebuild_runs_one_at_a_time(app: Starlette, admin: Actor) -> None:
    note(admin, "Toner", "The printer needs toner every month.")
    settled(admin)
    with app.state.need(KNOWLEDGE).index_lock:  # an indexing job holds it: the rebuild waits for it
        first = admin.post("/api/system/index/rebuild").json()
        second = admin.post("/api/system/index/rebuild").json()
    assert second["id"] == first["id"]
    assert wait_job(admin, first["id"])["status"] == "succeeded"
    assert len(jobs_of(admin, "knowledge.rebuild")) == 1


def test_rebuild_removes_damaged_indexes_left_aside(admin: Actor, config: Config) -> None:
    note(admin, "Toner", "The printer needs toner every month.")
    settled(admin)
    leftover = config.data_dir / "index.broken-20261201T101010"
    (leftover / "segment").mkdir(parents=True)
    (leftover / "chroma.sqlite3").write_bytes(b"damaged")

    job = wait_job(admin, admin.post("/api/system/index/rebuild").json()["id"])

    assert job["result"]["leftovers_removed"] == 1
    assert not leftover.exists()
    assert settled(admin)["vectors"] == 1


def test_restore_of_a_matching_index_keeps_it(app: Starlette, admin: Actor) -> None:
    note(admin, "Toner", "The printer needs toner every month.")
    settled(admin)
    result = restore(app, admin, backup_now(admin))
    assert result["index"] == "The index matches the restored database (1 vectors)."
    assert not jobs_of(admin, "knowledge.rebuild")


def test_restore_of_a_backup_from_another_model_rebuilds(
    app: Starlette, admin: Actor, config: Config, tmp_path: Path
) -> None:
    note(admin, "Toner", "The printer needs toner every month.")
    settled(admin)
    files = members(config.data_dir / "backups" / backup_now(admin))
    assert orjson.loads(files["manifest.json"])["embedding_model"] == FAKE_MODEL
    archive = tmp_path / "other-model.tar.gz"
    write_archive(archive, reseal(files, embedding_model="all-MiniLM-L6-v2"))
    upload = admin.client.post("/api/backups/upload", content=archive.read_bytes(), headers={**admin.headers, **GZIP})
    assert upload.status_code == 201, upload.text

    result = restore(app, admin, upload.json()["name"])

    assert result["index"] == (
        f"Rebuilding the index: the backup's vectors were made with all-MiniLM-L6-v2; this appliance uses {FAKE_MODEL}."
    )
    rebuilt = [j for j in admin.get("/api/jobs?everyone=true").json()["items"] if j["kind"] == "knowledge.rebuild"]
    assert len(rebuilt) == 1
    assert settled(admin)["vectors"] == 1
    assert top_title(admin, "printer toner") == "Toner"


def test_restore_gives_files_their_mtimes_back_so_the_scan_finds_nothing_to_do(
    app: Starlette, admin: Actor, config: Config
) -> None:
    page = config.kb_dir / "handbook" / "toner.md"
    page.parent.mkdir(parents=True)
    page.write_text("# Toner\n\nThe printer needs toner every month.\n")
    stamp = 1_700_000_000_123_456_789  # nanoseconds: the scan compares mtime_ns exactly
    os.utime(page, ns=(stamp, stamp))
    assert admin.post("/api/knowledge/rescan").json()["queued"] == 1
    settled(admin)

    restore(app, admin, backup_now(admin))

    assert page.stat().st_mtime_ns == stamp
    assert admin.post("/api/knowledge/rescan").json()["queued"] == 0
