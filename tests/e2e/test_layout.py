"""On a 375 px phone no page scrolls sideways: the top bar, forms and tables fit the screen (tables scroll inside
their own box)."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import Browsers, Server, expect, set_up_through_api
from tests.e2e.work_helpers import api
from tests.fakes.llm_server import closed_port

pytestmark = [pytest.mark.e2e]

PHONE = {"width": 375, "height": 740}
PAGES = (
    "/",
    "/tasks",
    "/projects",
    "/standups",
    "/knowledge",
    "/ask",
    "/chat",
    "/sitreps",
    "/review",
    "/workflows",
    "/training",
    "/profile",
    "/admin/users",
    "/admin/settings",
    "/admin/system",
)


def test_no_page_scrolls_sideways_on_a_phone(server: Server, browsers: Browsers) -> None:
    page = browsers.new_page(server, viewport=PHONE)
    page.goto("/")
    set_up_through_api(page, server)
    # The longest top bar: an LLM is configured but down, so the chip says so next to the health badge.
    settings = {"values": {"llm_base_url": f"http://127.0.0.1:{closed_port()}", "llm_model": "m"}}
    api(page, "PATCH", "/api/settings", settings, 200)
    too_wide = []
    for path in PAGES:
        page.goto(path)
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        expect(page.locator(".topbar .llm-chip")).to_be_visible()
        page.wait_for_load_state("networkidle")
        width = page.evaluate("() => document.documentElement.scrollWidth")
        if width > PHONE["width"]:
            too_wide.append(f"{path}: {width} px")
    assert too_wide == []
