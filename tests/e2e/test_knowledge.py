"""Knowledge acceptance in a real browser, with no LLM and the network blocked for the server: upload a PDF and a
Markdown file, watch both reach "Indexed" with progress, ask, and get the PDF's passage cited with its page."""

from __future__ import annotations

import re
import time
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tests.documents.pdfs import pdf
from tests.e2e.conftest import Browsers, StartServer, expect, set_up_through_api
from tests.e2e.work_helpers import api
from tests.fakes.llm_server import closed_port, running

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

FILLER = "This chapter describes general procedures of the laboratory in detail. " * 6


def manual_pdf(path: Path) -> Path:
    pages = [f"Chapter {n}. {FILLER}" for n in range(1, 25)]
    pages[1] = "Chapter 2. Visitors must sign the logbook at reception and wear a visitor badge at all times."
    path.write_bytes(pdf(pages))
    return path


def test_upload_index_and_ask_without_llm(start_server: StartServer, browsers: Browsers, tmp_path: Path) -> None:
    blocked = f"http://127.0.0.1:{closed_port()}"
    home = tmp_path / "home"
    home.mkdir()
    server = start_server(
        HTTP_PROXY=blocked,
        HTTPS_PROXY=blocked,
        ALL_PROXY=blocked,
        HF_HUB_OFFLINE="1",
        HOME=str(home),
        ORT_DISABLE_TELEMETRY="0",  # the app must set it itself before onnxruntime loads
    )
    page = browsers.new_page(server)
    page.goto("/")
    set_up_through_api(page, server)
    page.goto("/knowledge")
    expect(page.get_by_role("heading", name="Knowledge", exact=True)).to_be_visible()

    notes = tmp_path / "coffee.md"
    notes.write_text("# Coffee\n\nThe coffee machine on floor two is cleaned every Monday morning.\n")
    # A PDF keeps its file name as its title; a Markdown file gets its first heading.
    for file, title in ((manual_pdf(tmp_path / "lab-manual.pdf"), "lab-manual.pdf"), (notes, "Coffee")):
        page.get_by_label("Markdown, text or PDF file").set_input_files(str(file))
        page.get_by_role("button", name="Upload", exact=True).click()
        expect(page.get_by_text(f"{title} uploaded; it is being indexed.")).to_be_visible()

    rows = page.locator(".kb-table tbody tr")
    expect(rows).to_have_count(2)
    pdf_row = rows.filter(has_text="lab-manual.pdf")
    expect(pdf_row.get_by_role("progressbar")).to_be_visible()  # live job progress while it indexes
    for name in ("lab-manual.pdf", "Coffee"):
        expect(rows.filter(has_text=name).get_by_text("Indexed", exact=True)).to_be_visible(timeout=90_000)

    page.get_by_role("link", name="Ask", exact=True).click()
    page.get_by_label("Question").fill("What do guests have to do when they arrive?")
    page.get_by_role("button", name="Ask", exact=True).click()
    expect(page.get_by_text(re.compile("No LLM is configured, so these are extracts"))).to_be_visible()
    first = page.locator(".ask-citation").first
    expect(first).to_contain_text("[1]")
    expect(first).to_contain_text("lab-manual.pdf")
    expect(first).to_contain_text("page 2")
    expect(first).to_contain_text("sign the logbook")
    first.get_by_role("button", name="lab-manual.pdf").click()
    dialog = page.get_by_role("dialog")
    expect(dialog.get_by_label("The cited passage")).to_contain_text("sign the logbook")
    expect(dialog.get_by_role("link", name="Download the original")).to_be_visible()
    # onnxruntime wrote no telemetry state (ORT_DISABLE_TELEMETRY is set before it is imported).
    assert not (home / ".cache" / "Microsoft").exists()


def _wait_indexed(page: Page, count: int) -> None:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        documents = page.request.get("/api/knowledge/status").json()["documents"]
        if documents["indexed"] >= count:
            return
        time.sleep(0.2)
    raise AssertionError(f"{count} documents were not indexed in time")


def test_ask_with_the_fake_llm_streams_and_cites_sources_that_open(
    start_server: StartServer, browsers: Browsers
) -> None:
    """Acceptance: with the fake LLM configured, the answer streams and cites [1]..[n]; each marker and each
    source card opens the passage it stands for."""
    with running() as fake:
        fake.piece_delay = 0.6
        fake.script = lambda body: (
            "Guests sign the logbook at reception [1]. "
            "The coffee machine is cleaned every Monday [2]. That is all the knowledgebase says."
        )
        server = start_server()
        page = browsers.new_page(server)
        page.goto("/")
        set_up_through_api(page, server)
        settings = {"llm_base_url": fake.url, "llm_model": "fake"}
        api(page, "PATCH", "/api/settings", {"values": settings}, expect_status=200)
        notes = [
            ("Visitors", "Visitors must sign the logbook at reception and wear a visitor badge at all times."),
            ("Coffee", "The coffee machine on floor two is cleaned every Monday morning."),
        ]
        for title, text in notes:
            api(page, "POST", "/api/documents/notes", {"title": title, "text": text}, expect_status=201)
        _wait_indexed(page, 2)

        page.goto("/ask")
        page.get_by_label("Question").fill("What do visitors do, and when is the coffee machine cleaned?")
        page.get_by_role("button", name="Ask", exact=True).click()
        answer = page.locator(".ask-answer__text")
        expect(answer).to_contain_text("Guests sign the logbook")
        assert "That is all" not in answer.inner_text()  # streamed: the first piece shows before the rest arrives
        expect(answer).to_contain_text("That is all the knowledgebase says.")
        cards = page.locator(".ask-citation")
        expect(cards).to_have_count(2)
        for number in (1, 2):
            card = page.locator(f"#source-{number}")
            expect(card).to_contain_text(f"[{number}]")
            title = card.get_by_role("button").inner_text()
            passage = card.locator(".ask-citation__text").inner_text()
            answer.get_by_role("link", name=f"[{number}]").click()  # the marker in the answer
            dialog = page.get_by_role("dialog", name=title)
            expect(dialog).to_be_visible()
            expect(dialog.locator("mark.kb-viewer__hit")).to_have_text(passage)  # marked in the note's text
            page.keyboard.press("Escape")
            expect(dialog).to_have_count(0)
            card.get_by_role("button", name=title).click()  # and the card itself
            expect(page.get_by_role("dialog").locator("mark.kb-viewer__hit")).to_have_text(passage)
            page.keyboard.press("Escape")
        sent = fake.requests[-1]["messages"][1]["content"]
        assert "[1] " in sent  # the LLM was given the numbered sources it cites
        assert "[2] " in sent


def test_a_document_link_opens_its_viewer(start_server: StartServer, browsers: Browsers) -> None:
    """The assistant features link to documents as /knowledge?doc=<id>."""
    server = start_server(DEVCELL_EMBEDDING_MODEL="hashing-e2e")
    page = browsers.new_page(server)
    page.goto("/")
    set_up_through_api(page, server)
    made = api(page, "POST", "/api/documents/notes", {"title": "Runbook", "text": "# Runbook\n\nRestart it."}, 201)
    page.goto(f"/knowledge?doc={made.json()['id']}")
    dialog = page.get_by_role("dialog", name="Runbook")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("Restart it.")
    page.keyboard.press("Escape")
    expect(dialog).to_have_count(0)
    expect(page).to_have_url(re.compile(r"/knowledge$"))
    page.goto("/knowledge?doc=999999")
    expect(page.get_by_role("dialog")).to_contain_text("There is no document with id 999999")


def test_a_document_is_moved_to_a_project_from_its_viewer(start_server: StartServer, browsers: Browsers) -> None:
    server = start_server(DEVCELL_EMBEDDING_MODEL="hashing-e2e")
    page = browsers.new_page(server)
    page.goto("/")
    set_up_through_api(page, server)
    project = api(page, "POST", "/api/projects", {"name": "Red team"}, 201).json()
    made = api(page, "POST", "/api/documents/notes", {"title": "Playbook", "text": "# Playbook\n\nScope first."}, 201)
    document_id = made.json()["id"]
    page.goto(f"/knowledge?doc={document_id}")
    dialog = page.get_by_role("dialog", name="Playbook")
    scope = dialog.get_by_label("Who can see it")
    expect(scope).to_have_value("")
    expect(dialog.get_by_role("button", name="Move")).to_be_disabled()  # nothing changed yet
    scope.select_option(label="Project: Red team")
    dialog.get_by_role("button", name="Move").click()
    expect(dialog.get_by_role("status")).to_contain_text("Now only members of Red team find it.")
    assert api(page, "GET", f"/api/documents/{document_id}").json()["project"]["id"] == project["id"]
    scope.select_option(label="Everyone")
    dialog.get_by_role("button", name="Move").click()
    expect(dialog.get_by_role("status")).to_contain_text("Now everyone finds it.")
    assert api(page, "GET", f"/api/documents/{document_id}").json()["project"] is None
