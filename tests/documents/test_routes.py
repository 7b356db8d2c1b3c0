"""Documents: upload (hostile ones too), notes, listing, viewing, download and delete."""

from __future__ import annotations

import re
from pathlib import Path

import httpx2
import pytest

from devcell.core.config import Config
from tests.conftest import Actor
from tests.documents.conftest import note, upload, uploaded, wait_done
from tests.documents.pdfs import pdf

GUIDE = b"# Backups\n\nThe backup runs every night at 02:00.\n\n## Restore\n\nRestore with devcell restore.\n"


def raw_upload(actor: Actor, filename: bytes, content: bytes) -> httpx2.Response:
    """A multipart body written by hand: the file name goes on the wire byte for byte (NUL included)."""
    boundary = b"devcellboundary"
    body = (
        b"--" + boundary + b'\r\nContent-Disposition: form-data; name="file"; filename="' + filename + b'"\r\n'
        b"Content-Type: text/markdown\r\n\r\n" + content + b"\r\n--" + boundary + b"--\r\n"
    )
    headers = {**actor.headers, "Content-Type": "multipart/form-data; boundary=devcellboundary"}
    return actor.client.post("/api/documents", headers=headers, content=body)


def kb_files(config: Config) -> list[Path]:
    return sorted(p for p in config.kb_dir.rglob("*") if p.is_file())


def test_upload_markdown_is_indexed(admin: Actor, config: Config) -> None:
    document = uploaded(admin, "guide.md", GUIDE)
    assert document["status"] == "indexed", document["reason"]
    assert document["kind"] == "md"
    assert document["title"] == "Backups"  # its first heading (tests/documents/test_titles.py)
    assert document["chunk_count"] >= 2  # one per heading
    assert document["text"] == GUIDE.decode()


def test_upload_pdf_keeps_its_pages(admin: Actor) -> None:
    document = uploaded(admin, "manual.pdf", pdf(["Introduction to the lab.", "The lab door code is 4711."]))
    assert document["status"] == "indexed", document["reason"]
    assert document["kind"] == "pdf"
    assert document["pages"] == 2


@pytest.mark.parametrize(
    ("name", "title"),
    [
        ("../../etc/x.md", "x.md"),
        ("/etc/cron.d/evil.md", "evil.md"),
        ("..\\..\\windows\\x.md", "x.md"),
        ("a\x00b.md", "ab.md"),
        ("\u202etxt.md", "txt.md"),
        ("", "Untitled"),
    ],
)
def test_client_file_name_is_only_a_title(admin: Actor, config: Config, name: str, title: str) -> None:
    response = raw_upload(admin, name.encode(), b"Some text.\n")
    assert response.status_code == 201, response.text
    assert response.json()["title"] == title
    stored = kb_files(config)
    assert len(stored) == 1
    assert stored[0].parent == config.kb_dir / "uploads"  # a server-chosen name inside the knowledgebase
    assert re.fullmatch(r"[0-9a-f]{32}\.(md|txt)", stored[0].name)
    assert not (config.data_dir.parent / "etc").exists()


def test_empty_file_is_refused(admin: Actor, config: Config) -> None:
    response = upload(admin, "empty.md", b"")
    assert response.status_code == 422
    assert "empty" in response.json()["error"]["message"]
    assert kb_files(config) == []


def test_file_over_the_limit_is_413(admin: Actor, config: Config) -> None:
    assert admin.patch("/api/settings", json={"values": {"upload_max_mb": 1}}).status_code == 200
    response = upload(admin, "huge.txt", b"x" * (2 * 2**20))
    assert response.status_code == 413
    assert "upload_max_mb" in response.json()["error"]["message"]
    assert kb_files(config) == []


def test_pdf_that_is_not_a_pdf_is_refused(admin: Actor, config: Config) -> None:
    response = upload(admin, "report.pdf", b"just text pretending\n")
    assert response.status_code == 415
    assert "not a PDF" in response.json()["error"]["message"]
    assert kb_files(config) == []


def test_binary_file_is_refused(admin: Actor) -> None:
    response = upload(admin, "tool.md", b"\x7fELF\x02\x01\x01\x00\x00\x00binary")
    assert response.status_code == 415


def test_upload_without_file_field_is_422(admin: Actor) -> None:
    files = {"other": ("a", b"b")}
    response = admin.client.post("/api/documents", headers=admin.headers, data={"title": "x"}, files=files)
    assert response.status_code == 422


def test_json_upload_is_415(admin: Actor) -> None:
    assert admin.post("/api/documents", json={}).status_code == 415


def test_duplicate_paragraphs_get_their_own_passages(admin: Actor) -> None:
    """Upstream B13: identical chunks in one file gave duplicate ids and failed the whole upload."""
    text = ("Same paragraph again.\n\n# Part\n\n" * 5).encode()
    document = uploaded(admin, "dupes.md", text)
    assert document["status"] == "indexed", document["reason"]
    assert document["chunk_count"] == 5


def test_download_returns_the_original(admin: Actor) -> None:
    document = uploaded(admin, "../guide.md", GUIDE)
    response = admin.get(f"/api/documents/{document['id']}/content")
    assert response.status_code == 200
    assert response.content == GUIDE
    assert 'filename="Backups.md"' in response.headers["content-disposition"]  # its title (the first heading)


def test_list_filters_and_pages(admin: Actor) -> None:
    uploaded(admin, "alpha.md", b"Alpha text.\n")
    uploaded(admin, "beta.txt", b"Beta text.\n")
    note(admin, "Gamma note", "Gamma text.")
    assert admin.get("/api/documents").json()["total"] == 3
    assert [d["title"] for d in admin.get("/api/documents?q=alp").json()["items"]] == ["alpha.md"]
    assert [d["title"] for d in admin.get("/api/documents?kind=txt").json()["items"]] == ["beta.txt"]
    assert [d["title"] for d in admin.get("/api/documents?origin=note").json()["items"]] == ["Gamma note"]
    page = admin.get("/api/documents?limit=2&offset=2").json()
    assert (page["total"], len(page["items"])) == (3, 1)
    assert admin.get("/api/documents?status=indexed").json()["total"] == 3
    assert admin.get("/api/documents?bogus=1").status_code == 422


def test_note_is_written_edited_and_indexed_again(admin: Actor, config: Config) -> None:
    created = note(admin, "On-call", "# On-call\n\nCall Dana first.")
    assert created["origin"] == "note"
    assert created["can_edit"] is True
    path = kb_files(config)[0]
    assert path.parent.name == "notes"
    response = admin.patch(f"/api/documents/notes/{created['id']}", json={"text": "# On-call\n\nCall Sam first."})
    assert response.status_code == 200, response.text
    edited = wait_done(admin, int(created["id"]))
    assert edited["status"] == "indexed"
    assert "Call Sam first." in path.read_text()
    assert "Sam" in str(edited["text"])


def test_only_notes_can_be_edited(admin: Actor) -> None:
    document = uploaded(admin, "file.md", b"Text.\n")
    response = admin.patch(f"/api/documents/notes/{document['id']}", json={"text": "new"})
    assert response.status_code == 422


def test_delete_removes_file_passages_and_vectors(admin: Actor, config: Config) -> None:
    document = uploaded(admin, "guide.md", GUIDE)
    assert admin.delete(f"/api/documents/{document['id']}").status_code == 204
    assert kb_files(config) == []
    assert admin.get(f"/api/documents/{document['id']}").status_code == 404
    status = admin.get("/api/knowledge/status").json()
    assert (status["chunks"], status["vectors"]) == (0, 0)
    assert admin.get("/api/search?q=backup").json()["items"] == []


def test_same_file_after_delete_is_indexed_again(admin: Actor) -> None:
    """Upstream B12: the manifest outlived the delete, so a re-upload was 'unchanged' and had no vectors."""
    first = uploaded(admin, "guide.md", GUIDE)
    admin.delete(f"/api/documents/{first['id']}")
    again = uploaded(admin, "guide.md", GUIDE)
    assert again["status"] == "indexed"
    assert admin.get("/api/search?q=backup night").json()["items"][0]["document_id"] == again["id"]


def test_who_may_delete(admin: Actor, user: Actor) -> None:
    admins = uploaded(admin, "admins.md", b"Admin's text.\n")
    users = uploaded(user, "users.md", b"User's text.\n")
    assert users["can_delete"] is True
    refused = user.delete(f"/api/documents/{admins['id']}")
    assert refused.status_code == 403
    assert user.get(f"/api/documents/{admins['id']}").json()["can_delete"] is False
    assert admin.delete(f"/api/documents/{users['id']}").status_code == 204  # an administrator may
    assert user.delete(f"/api/documents/{users['id']}").status_code == 404


def test_unknown_document_is_404(admin: Actor) -> None:
    assert admin.get("/api/documents/424242").status_code == 404
    assert admin.get("/api/documents/424242/content").status_code == 404
    assert admin.delete("/api/documents/424242").status_code == 404
