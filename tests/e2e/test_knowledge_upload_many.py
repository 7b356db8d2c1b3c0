"""Several files uploaded at once on the Knowledge page (issue #19 item 8): chosen with the file field (keyboard) or
dropped on the panel; each gets its own progress and outcome (done, or the server's reason), at most two go up at a
time, and the document list fills in as they finish."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import pytest

from tests.e2e.conftest import Browsers, StartServer, expect, set_up_through_api

if TYPE_CHECKING:
    from pathlib import Path

    from playwright.sync_api import Page

pytestmark = [pytest.mark.e2e]

# Records, in the page, every moment an upload progress bar appears, and the most seen at once.
WATCH_PROGRESS = """() => {
  window.__uploads = { seen: new Set(), most: 0 };
  new MutationObserver(() => {
    const bars = document.querySelectorAll('progress[aria-label^="Uploading "]');
    for (const bar of bars) window.__uploads.seen.add(bar.getAttribute('aria-label'));
    window.__uploads.most = Math.max(window.__uploads.most, bars.length);
  }).observe(document.body, { childList: true, subtree: true });
}"""


def _knowledge(start_server: StartServer, browsers: Browsers) -> Page:
    server = start_server(DEVCELL_EMBEDDING_MODEL="hashing-e2e")
    page = browsers.new_page(server)
    page.goto("/")
    set_up_through_api(page, server)
    page.goto("/knowledge")
    expect(page.get_by_role("heading", name="Knowledge", exact=True)).to_be_visible()
    return page


def _files(tmp_path: Path) -> list[str]:
    good = tmp_path / "coffee.md"
    good.write_text("# Coffee\n\nThe machine is cleaned on Mondays.\n")
    text = tmp_path / "visitors.txt"
    text.write_text("Visitors sign the logbook at the front desk.\n" * 4000)  # ~180 KB: progress shows
    bad = tmp_path / "scan.pdf"
    bad.write_text("not a PDF at all\n")
    return [str(good), str(text), str(bad)]


def test_three_files_with_one_bad_show_two_done_and_one_error(
    start_server: StartServer, browsers: Browsers, tmp_path: Path
) -> None:
    page = _knowledge(start_server, browsers)
    page.evaluate(WATCH_PROGRESS)
    page.get_by_label("Markdown, text or PDF files").set_input_files(_files(tmp_path))
    expect(page.get_by_role("textbox", name=re.compile("^Title"))).to_be_disabled()  # three files take their own titles
    upload = page.get_by_role("button", name="Upload 3 files")
    upload.focus()
    page.keyboard.press("Enter")

    uploads = page.get_by_role("list", name="Uploads")
    expect(uploads.get_by_role("listitem")).to_have_count(3)
    coffee, visitors, scan = (
        uploads.get_by_role("listitem").filter(has_text=n) for n in ("coffee.md", "visitors.txt", "scan.pdf")
    )
    expect(coffee).to_contain_text("Done")
    expect(coffee).to_contain_text("Coffee uploaded; it is being indexed.")
    expect(visitors).to_contain_text("Done")
    expect(scan).to_contain_text("Failed")
    expect(scan).to_contain_text("This file is named .pdf but is not a PDF (it does not start with %PDF).")
    expect(page.get_by_text("2 uploaded, 1 failed")).to_be_visible()

    rows = page.locator(".kb-table tbody tr")
    expect(rows).to_have_count(2)  # the list refreshed with both good files
    expect(rows.filter(has_text="Coffee")).to_have_count(1)
    expect(rows.filter(has_text="visitors.txt")).to_have_count(1)
    seen = page.evaluate("() => ({ seen: [...window.__uploads.seen], most: window.__uploads.most })")
    assert 1 <= seen["most"] <= 2, seen  # one or two at a time, never all three
    assert "Uploading coffee.md" in seen["seen"], seen


def test_files_dropped_on_the_panel_are_uploaded(start_server: StartServer, browsers: Browsers) -> None:
    page = _knowledge(start_server, browsers)
    dropped = page.evaluate_handle(
        """() => {
          const data = new DataTransfer();
          data.items.add(new File(['# Dropped notes\\n\\nFrom the desktop.'], 'dropped.md', { type: 'text/markdown' }));
          data.items.add(new File(['plain words'], 'plain.txt', { type: 'text/plain' }));
          return data;
        }"""
    )
    panel = page.get_by_role("form", name="Upload documents")
    panel.dispatch_event("dragover", {"dataTransfer": dropped})
    expect(panel).to_have_class(re.compile("kb-upload--dragging"))
    panel.dispatch_event("drop", {"dataTransfer": dropped})
    uploads = page.get_by_role("list", name="Uploads")
    expect(uploads.get_by_role("listitem").filter(has_text="Done")).to_have_count(2)
    expect(page.locator(".kb-table tbody tr")).to_have_count(2)
    expect(panel).not_to_have_class(re.compile("kb-upload--dragging"))
