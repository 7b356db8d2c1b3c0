"""Indexing: reasons for failures, skipping unchanged files, cancel and retry, the scan, and index rebuilds."""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pytest
from starlette.applications import Starlette

from devcell.core.config import Config
from devcell.core.jobs import JobCancelled, JobContext
from devcell.search import indexing
from devcell.search.runtime import KNOWLEDGE, Knowledge
from tests.conftest import Actor
from tests.documents.conftest import note, upload, uploaded, wait_done, wait_jobs
from tests.documents.pdfs import bomb, pdf


def kn(app: Starlette) -> Knowledge:
    knowledge: Knowledge = app.state.need(KNOWLEDGE)
    return knowledge


def status(admin: Actor) -> dict[str, object]:
    return admin.get("/api/knowledge/status").json()  # type: ignore[no-any-return]


def test_damaged_pdf_fails_with_a_reason(admin: Actor) -> None:
    document = uploaded(admin, "broken.pdf", b"%PDF-1.4\nthis is not really a pdf at all\n")
    assert document["status"] == "failed"
    assert "PDF" in str(document["reason"])


def test_pdf_bomb_fails_with_a_reason(admin: Actor) -> None:
    document = uploaded(admin, "bomb.pdf", bomb(100))
    assert document["status"] == "failed"
    assert "bomb" in str(document["reason"])


def test_pdf_over_the_page_limit_fails_with_a_reason(admin: Actor) -> None:
    admin.patch("/api/settings", json={"values": {"pdf_max_pages": 2}})
    document = uploaded(admin, "long.pdf", pdf(["one", "two", "three"]))
    assert document["status"] == "failed"
    assert "3 pages" in str(document["reason"])
    assert "pdf_max_pages" in str(document["reason"])


def test_pdf_without_text_fails_with_a_reason(admin: Actor) -> None:
    document = uploaded(admin, "scan.pdf", pdf([""]))
    assert document["status"] == "failed"
    assert "No text" in str(document["reason"])


def test_failed_job_carries_the_reason(admin: Actor) -> None:
    document = uploaded(admin, "scan.pdf", pdf([""]))
    job = admin.get(f"/api/jobs/{document['job_id']}").json()
    assert job["status"] == "failed"
    assert "No text" in job["error"]


def test_unchanged_document_is_skipped(admin: Actor) -> None:
    document = uploaded(admin, "guide.md", b"# Guide\n\nSome words.\n")
    retried = admin.post(f"/api/documents/{document['id']}/reindex")
    assert retried.status_code == 202
    again = wait_done(admin, int(document["id"]))
    assert again["status"] == "indexed"
    job = admin.get(f"/api/jobs/{again['job_id']}").json()
    assert job["result"] == {"chunks": 1, "pages": None}  # retry resets: the whole pipeline ran again
    result = indexing.run_index(kn(admin.client.app), int(document["id"]), _context(admin.client.app))  # type: ignore[arg-type]
    assert result["skipped"] == "unchanged"


def _context(app: Starlette, cancelled: bool = False) -> JobContext:
    runner = kn(app).jobs
    snap = runner.submit("test", "placeholder", lambda ctx: None)
    context = JobContext(runner, snap.id)
    if cancelled:
        context._cancel.set()
    return context


def test_cancel_marks_the_document_and_retry_indexes_it(app: Starlette, admin: Actor) -> None:
    document = uploaded(admin, "guide.md", b"# Guide\n\nSome words.\n")
    indexing.reset(int(document["id"]))
    with pytest.raises(JobCancelled):
        indexing.run_index(kn(app), int(document["id"]), _context(app, cancelled=True))
    cancelled = admin.get(f"/api/documents/{document['id']}").json()
    assert cancelled["status"] == "failed"
    assert "Cancelled" in cancelled["reason"]
    admin.post(f"/api/documents/{document['id']}/reindex")
    assert wait_done(admin, int(document["id"]))["status"] == "indexed"


def test_progress_is_reported_on_the_job(admin: Actor) -> None:
    text = "\n\n".join(f"# Section {i}\n\nParagraph number {i} of the handbook." for i in range(30))
    document = uploaded(admin, "handbook.md", text.encode())
    job = admin.get(f"/api/jobs/{document['job_id']}").json()
    assert job["status"] == "succeeded"
    assert job["progress_done"] == job["progress_total"] == 30


def place(config: Config, relative: str, content: bytes) -> Path:
    path = config.kb_dir / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    return path


def test_scan_picks_up_and_drops_files(admin: Actor, config: Config) -> None:
    place(config, "handbook/intro.md", b"# Intro\n\nWelcome to the team.\n")
    place(config, "faq.txt", b"Questions and answers.\n")
    place(config, "untitled.md", b"No heading in this one.\n")
    place(config, "ignored.docx", b"binary")
    place(config, ".hidden.md", b"hidden")
    first = admin.post("/api/knowledge/rescan").json()
    assert (first["found"], first["added"], first["queued"]) == (3, 3, 3)
    wait_jobs(admin)
    # A Markdown file is titled by its first heading; without one, and for text files, by its file name.
    titles = sorted(d["title"] for d in admin.get("/api/documents?origin=scan").json()["items"])
    assert titles == ["Intro", "faq.txt", "untitled.md"]
    assert admin.get("/api/search?q=welcome team").json()["items"][0]["document_title"] == "Intro"
    (config.kb_dir / "faq.txt").unlink()
    second = admin.post("/api/knowledge/rescan").json()
    assert (second["removed"], second["queued"]) == (1, 0)
    remaining = admin.get("/api/documents?origin=scan").json()["items"]
    assert sorted(d["title"] for d in remaining) == ["Intro", "untitled.md"]


def test_scan_reindexes_a_changed_file(admin: Actor, config: Config) -> None:
    path = place(config, "plan.md", b"The plan is A.\n")
    admin.post("/api/knowledge/rescan")
    wait_jobs(admin)
    path.write_bytes(b"The plan is B, and it is longer.\n")
    os.utime(path, ns=(time.time_ns(), time.time_ns() + 10**9))
    assert admin.post("/api/knowledge/rescan").json()["changed"] == 1
    wait_jobs(admin)
    assert "plan is B" in admin.get("/api/search?q=plan").json()["items"][0]["text"]


def test_scan_ignores_uploads_notes_and_symlinks(admin: Actor, config: Config, tmp_path: Path) -> None:
    uploaded(admin, "guide.md", b"Uploaded.\n")
    note(admin, "A note", "Noted.")
    outside = tmp_path / "outside.md"
    outside.write_text("secret outside the knowledgebase")
    (config.kb_dir / "link.md").symlink_to(outside)
    assert admin.post("/api/knowledge/rescan").json()["found"] == 0


def test_unchanged_rescan_queues_nothing(admin: Actor, config: Config) -> None:
    for i in range(20):
        place(config, f"docs/{i}.md", f"Document {i}.\n".encode())
    admin.post("/api/knowledge/rescan")
    wait_jobs(admin)
    again = admin.post("/api/knowledge/rescan").json()
    assert (again["found"], again["queued"], again["removed"]) == (20, 0, 0)


def test_status_reports_counts_and_consistency(admin: Actor) -> None:
    uploaded(admin, "guide.md", b"# Guide\n\nWords.\n")
    uploaded(admin, "scan.pdf", pdf([""]))
    body = status(admin)
    assert body["documents"] == {"queued": 0, "indexing": 0, "indexed": 1, "failed": 1}
    assert body["chunks"] == body["vectors"] == 1
    assert body["model"] == "hashing-test"
    assert body["consistent"] is True  # index and database agree
    assert any("failed" in p for p in body["problems"])  # a failed document is still a problem to show  # type: ignore[union-attr]


@pytest.mark.parametrize("vectors", ["embedded"])  # damages the embedded index's own files
def test_deleted_index_is_rebuilt_in_the_background(app: Starlette, admin: Actor, config: Config) -> None:
    uploaded(admin, "guide.md", b"# Guide\n\nThe rebuild test passage.\n")
    knowledge = kn(app)
    knowledge.close()
    shutil.rmtree(config.index_dir)
    knowledge.checked = False
    knowledge._index = None
    admin.get("/api/search?q=rebuild")  # first use after the loss: answers, and starts the repair
    wait_jobs(admin)
    assert admin.get("/api/search?q=rebuild test passage").json()["items"][0]["document_title"] == "Guide"
    assert status(admin)["vectors"] == 1


@pytest.mark.parametrize("vectors", ["embedded"])  # damages the embedded index's own files
def test_corrupt_index_is_moved_aside_and_rebuilt(app: Starlette, admin: Actor, config: Config) -> None:
    uploaded(admin, "guide.md", b"# Guide\n\nThe corruption test passage.\n")
    knowledge = kn(app)
    knowledge.close()
    knowledge._index = None
    knowledge.checked = False
    assert any(config.index_dir.rglob("*.sqlite3"))
    for path in config.index_dir.rglob("*"):
        if path.is_file():
            path.write_bytes(b"garbage" * 100)
    admin.get("/api/search?q=corruption")
    wait_jobs(admin)
    assert admin.get("/api/search?q=corruption test passage").json()["items"][0]["document_title"] == "Guide"


def test_another_model_or_chunker_rebuilds_the_index(app: Starlette, admin: Actor) -> None:
    document = uploaded(admin, "guide.md", b"# Guide\n\nVersion test.\n")
    from devcell.core.db import transaction
    from devcell.search.models import KnowledgeMeta

    with transaction(write=True):
        KnowledgeMeta.update(value="old-model/384/chunker-0").execute()
    kn(app).checked = False
    assert status(admin)["documents"]  # first use: the mismatch starts a repair
    wait_jobs(admin)
    after = admin.get(f"/api/documents/{document['id']}").json()
    assert after["status"] == "indexed"
    assert after["job_id"] != document["job_id"]  # indexed again


def test_interrupted_indexing_resumes_at_start(app: Starlette, admin: Actor) -> None:
    document = uploaded(admin, "guide.md", b"# Guide\n\nResume test.\n")
    indexing._set(int(document["id"]), status="indexing")
    assert indexing.resume(kn(app)) == 1
    assert wait_done(admin, int(document["id"]))["status"] == "indexed"


def test_upload_response_names_the_job(admin: Actor) -> None:
    response = upload(admin, "guide.md", b"Words.\n")
    body = response.json()
    assert body["status"] == "queued"
    assert admin.get(f"/api/jobs/{body['job_id']}").status_code == 200
