"""Knowledge in a real browser, searching the way people look: the list's search finds a document by a word only
in its text, and a cited passage opens highlighted exactly, from the answer and from its own link."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

import pytest

from tests.e2e.conftest import Browsers, StartServer, expect, set_up_through_api
from tests.e2e.work_helpers import api

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


def _wait_indexed(page: Page, count: int) -> None:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if page.request.get("/api/knowledge/status").json()["documents"]["indexed"] >= count:
            return
        time.sleep(0.2)
    raise AssertionError(f"{count} documents were not indexed in time")


def test_search_finds_a_document_by_a_word_in_its_text(start_server: StartServer, browsers: Browsers) -> None:
    server = start_server(DEVCELL_EMBEDDING_MODEL="hashing-e2e")
    page = browsers.new_page(server)
    page.goto("/")
    set_up_through_api(page, server)
    notes = [
        ("Remote access", "# Remote access\n\nThe lab is reached over WireGuard on port 51820."),
        ("Printers", "# Printers\n\nThe printer on floor two needs toner."),
    ]
    for title, text in notes:
        api(page, "POST", "/api/documents/notes", {"title": title, "text": text}, expect_status=201)
    _wait_indexed(page, 2)
    page.goto("/knowledge")
    rows = page.locator(".kb-table tbody tr")
    expect(rows).to_have_count(2)
    page.get_by_label("Search titles and text").fill("wireguard")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Remote access")
    page.get_by_label("Search titles and text").fill("toner")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Printers")
