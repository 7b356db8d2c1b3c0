"""A document nobody named is titled by its first Markdown heading, not by its file name; a given title wins."""

from __future__ import annotations

import pytest

from tests.conftest import Actor
from tests.documents.conftest import upload
from tests.documents.pdfs import pdf


def title_of(actor: Actor, name: str, content: bytes, **fields: object) -> str:
    response = upload(actor, name, content, **fields)
    assert response.status_code == 201, response.text
    return str(response.json()["title"])


@pytest.mark.parametrize(
    ("content", "title"),
    [
        (b"# Backup runbook\n\nThe backup runs nightly.\n", "Backup runbook"),
        (b"Some intro line.\n\n## Restore **quickly** with `devcell restore` ##\n\nText.\n",
         "Restore quickly with devcell restore"),
        (b"Release notes\n=============\n\nVersion 2.\n", "Release notes"),
        (b"---\ntitle: \"Front matter title\"\n---\n\n# Heading\n", "Front matter title"),
        (b"---\ndate: 2026-01-01\n---\n\n# After the front matter\n", "After the front matter"),
        (b"```\n# a shell comment, not a heading\n```\n\n# Real heading\n", "Real heading"),
        (b"# [Linked](https://example.org) title\r\n\r\nWindows line ends.\r\n", "Linked title"),
        (b"No heading at all, just text.\n", "guide.md"),
        (b"#hashtag is not a heading\n", "guide.md"),
    ],
)  # fmt: skip
def test_a_markdown_upload_is_titled_by_its_first_heading(admin: Actor, content: bytes, title: str) -> None:
    assert title_of(admin, "guide.md", content) == title


def test_a_given_title_always_wins(admin: Actor) -> None:
    assert title_of(admin, "guide.md", b"# Heading\n\nText.\n", title="My title") == "My title"
    assert title_of(admin, "guide.md", b"# Heading\n\nText.\n", title="   ") == "Heading"  # blank is not a title


def test_text_files_and_pdfs_keep_their_file_name(admin: Actor) -> None:
    assert title_of(admin, "notes.txt", b"# Not Markdown\n\nA plain text file.\n") == "notes.txt"
    assert title_of(admin, "manual.pdf", pdf(["# Page one", "Page two."])) == "manual.pdf"


def test_the_title_is_what_the_list_shows(admin: Actor) -> None:
    title_of(admin, "2026-03-01-ops.md", b"# Operations handbook\n\nText.\n")
    assert [d["title"] for d in admin.get("/api/documents").json()["items"]] == ["Operations handbook"]


def test_a_note_without_a_title_takes_its_first_heading_or_line(admin: Actor) -> None:
    def created(**body: object) -> str:
        response = admin.post("/api/documents/notes", json=body)
        assert response.status_code == 201, response.text
        return str(response.json()["title"])

    assert created(text="Intro.\n\n# On-call rota\n\nDana first.") == "On-call rota"
    assert created(text="Call Dana first, then Sam.\n\nMore.") == "Call Dana first, then Sam."
    assert created(text="x" * 300).startswith("x" * 79)
    assert len(created(text="x" * 300)) == 80
    assert created(title="Given", text="# Heading\n\nText.") == "Given"
    assert created(title=None, text="# Heading\n\nText.") == "Heading"
    assert admin.post("/api/documents/notes", json={"title": "", "text": "# H"}).status_code == 422
