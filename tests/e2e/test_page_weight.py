"""The first load stays small (HTML+JS+CSS <= 100 KB gzipped) and nothing is fetched from outside the appliance."""

from __future__ import annotations

import gzip
import re
from html.parser import HTMLParser
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import pytest

from tests.e2e.conftest import ROOT, Browsers, Server, expect, set_up_through_api

if TYPE_CHECKING:
    from playwright.sync_api import Response

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

BUDGET = 100 * 1024
WEB_DIST = ROOT / "web_dist"


class _Assets(HTMLParser):
    """The files index.html makes the browser load: scripts, stylesheets and module preloads."""

    def __init__(self) -> None:
        super().__init__()
        self.paths: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "script" and found.get("src"):
            self.paths.append(str(found["src"]))
        if tag == "link" and found.get("rel") in ("stylesheet", "modulepreload") and found.get("href"):
            self.paths.append(str(found["href"]))


def test_built_first_load_fits_the_budget() -> None:
    """web_dist as built: index.html and what it loads, gzipped as the server sends them."""
    index = (WEB_DIST / "index.html").read_bytes()
    parser = _Assets()
    parser.feed(index.decode())
    assert any(path.endswith(".js") for path in parser.paths)
    assert any(path.endswith(".css") for path in parser.paths)
    files = [index] + [(WEB_DIST / path.lstrip("/")).read_bytes() for path in parser.paths]
    total = sum(len(gzip.compress(data, compresslevel=9)) for data in files)
    assert total <= BUDGET, f"the first load is {total / 1024:.1f} KB gzipped, over {BUDGET // 1024} KB"


def test_first_load_is_small_and_every_request_stays_on_the_appliance(server: Server, browsers: Browsers) -> None:
    setup_page = browsers.new_page(server)
    setup_page.goto("/")
    set_up_through_api(setup_page, server)

    # A signed-in first visit, with an empty cache: a new browser context with only the session cookie.
    page = browsers.new_page(server, storage_state=setup_page.context.storage_state())
    responses: list[Response] = []
    page.on("response", lambda response: responses.append(response))
    page.goto("/")
    expect(page.get_by_role("heading", name=re.compile("^Welcome"))).to_be_visible()
    page.wait_for_load_state("networkidle")
    entries: list[dict[str, Any]] = page.evaluate(
        """() => [...performance.getEntriesByType('navigation'), ...performance.getEntriesByType('resource')]
              .map(e => ({name: e.name, type: e.initiatorType, size: e.transferSize}))"""
    )
    loaded = [entry for entry in entries if re.search(r"(/|\.html|\.js|\.css)$", urlsplit(entry["name"]).path)]
    total = sum(entry["size"] for entry in loaded)
    assert any(entry["name"].endswith(".js") for entry in loaded)
    assert all(entry["size"] > 0 for entry in loaded), loaded  # transferSize is 0 only when it was cached
    assert total <= BUDGET, f"the first load transferred {total / 1024:.1f} KB: {loaded}"

    # The server compresses the bundle, and admin pages are not part of the first load.
    script = next(r for r in responses if r.url.endswith(".js") and "/assets/index-" in r.url)
    assert script.header_value("content-encoding") == "gzip"
    assert not [r.url for r in responses if re.search(r"/(users|settings|profile)-page-", r.url)]
    assert not [r.url for r in responses if re.search(r"/(tasks|projects|project|standups|history)-page-", r.url)]

    # Visit every page; no request may leave the appliance's origin.
    for path, heading in [
        ("/profile", "Your profile"),
        ("/admin/users", "Users"),
        ("/admin/settings", "Settings"),
        ("/tasks", "Tasks"),
        ("/tasks?view=board", "Task board"),
        ("/projects", "Projects"),
        ("/standups", "Standups"),
        ("/standups/history", "Standup history"),
        ("/", re.compile("^Welcome")),
    ]:
        page.goto(path)
        expect(page.get_by_role("heading", name=heading, exact=isinstance(heading, str))).to_be_visible()
        page.wait_for_load_state("networkidle")
    page.get_by_role("button", name="Use the dark theme").click()
    page.reload()
    expect(page.locator("html")).to_have_attribute("data-theme", "dark")

    requested = [url for log in browsers.logs for url in log.requests]
    assert len(requested) > 10
    foreign = [url for url in requested if not url.startswith(server.base_url + "/")]
    assert not foreign, f"requests left the appliance: {foreign}"
