"""Knowledge in a real browser, searching the way people look: the list's search finds a document by a word only
in its text, and a cited passage opens highlighted exactly, from the answer and from its own link."""

from __future__ import annotations

import re
import time
from typing import TYPE_CHECKING

import pytest

from tests.e2e.conftest import Browsers, StartServer, expect, set_up_through_api
from tests.e2e.work_helpers import api
from tests.fakes.llm_server import running

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


CAFE = (
    "# Visitors\n\nVisitors must sign the logbook at reception.\n\n"
    "# Coffee\n\nThe coffee machine on floor two is cleaned every **Monday** morning with `descale --full`.\n\n"
    "# Parking\n\nParking in the yard is free after six."
)
# The cited passage as shown: its Markdown rendered.
CITED = "The coffee machine on floor two is cleaned every Monday morning with descale --full."


def _marked(page: Page) -> str:
    """The text of the marked passage in the open viewer (one mark per text node it covers)."""
    dialog = page.get_by_role("dialog")
    expect(dialog.locator("mark.kb-viewer__hit").first).to_be_visible()
    return "".join(dialog.locator("mark.kb-viewer__hit").all_inner_texts())


def test_a_citation_opens_exactly_its_passage_and_has_its_own_link(
    start_server: StartServer, browsers: Browsers
) -> None:
    with running() as fake:
        fake.script = lambda body: "The coffee machine is cleaned every Monday [1]."
        server = start_server(DEVCELL_EMBEDDING_MODEL="hashing-e2e")
        page = browsers.new_page(server)
        page.goto("/")
        set_up_through_api(page, server)
        api(page, "PATCH", "/api/settings", {"values": {"llm_base_url": fake.url, "llm_model": "fake"}}, 200)
        api(page, "POST", "/api/documents/notes", {"title": "Office", "text": CAFE}, expect_status=201)
        _wait_indexed(page, 1)

        page.goto("/ask")
        page.get_by_label("Question").fill("When is the coffee machine cleaned?")
        page.get_by_role("button", name="Ask", exact=True).click()
        expect(page.locator(".ask-answer__text")).to_contain_text("cleaned every Monday")
        card = page.locator("#source-1")
        expect(card).to_contain_text("Coffee")  # the cited passage's heading
        extract = card.locator(".ask-citation__text")  # the passage reads as Markdown, not as its syntax
        expect(extract.locator("strong")).to_have_text("Monday")
        expect(extract.locator("code")).to_have_text("descale --full")
        assert "**" not in extract.inner_text()
        assert "`" not in extract.inner_text()
        card.get_by_role("button", name="Office").click()
        dialog = page.get_by_role("dialog", name="Office")
        expect(dialog).to_be_visible()
        assert _marked(page) == CITED  # the passage only: not the visitors' or the parking paragraph beside it
        expect(dialog.get_by_label("The cited passage")).to_have_count(0)  # found in the text, not shown apart
        expect(dialog.locator("mark.kb-viewer__hit").first).to_be_in_viewport()
        page.keyboard.press("Escape")

        link = card.get_by_role("link", name="Link to this passage").get_attribute("href")
        assert link is not None
        assert re.fullmatch(r"/knowledge\?doc=\d+&passage=\d+", link), link
        fresh = page.context.new_page()
        fresh.goto(link)
        expect(fresh.get_by_role("dialog", name="Office")).to_be_visible()
        assert _marked(fresh) == CITED
