"""Knowledge acceptance in a real browser, with no LLM and the network blocked for the server: upload a PDF and a
Markdown file, watch both reach "Indexed" with progress, ask, and get the PDF's passage cited with its page."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.e2e.conftest import Browsers, StartServer, expect, set_up_through_api
from tests.fakes.llm_server import closed_port
from tests.knowledge.pdfs import pdf

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
    for file in (manual_pdf(tmp_path / "lab-manual.pdf"), notes):
        page.get_by_label("Markdown, text or PDF file").set_input_files(str(file))
        page.get_by_role("button", name="Upload", exact=True).click()
        expect(page.get_by_text(f"{file.name} uploaded; it is being indexed.")).to_be_visible()

    rows = page.locator(".kb-table tbody tr")
    expect(rows).to_have_count(2)
    pdf_row = rows.filter(has_text="lab-manual.pdf")
    expect(pdf_row.get_by_role("progressbar")).to_be_visible()  # live job progress while it indexes
    for name in ("lab-manual.pdf", "coffee.md"):
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
