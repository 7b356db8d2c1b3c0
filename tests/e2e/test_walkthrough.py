"""What a new team tripped over in its first hour (issue 18's walk-through), in a real browser."""

from __future__ import annotations

import re

import pytest

from tests.e2e.conftest import Browsers, Server, expect, set_up_through_api
from tests.e2e.work_helpers import api

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


def test_standup_lines_show_and_export_as_list_items(server: Server, browsers: Browsers) -> None:
    page = browsers.new_page(server)
    page.goto("/")
    set_up_through_api(page, server)
    body = {"yesterday": "Scheduled the maintenance window\nCreated project tasks", "today": "- Write the docs"}
    day = api(page, "POST", "/api/standups", body, expect_status=201).json()["day"]

    for path in ("/standups", "/standups/history"):
        page.goto(path)
        cards = page.get_by_role("article", name=re.compile("^Standup of admin"))
        expect(cards.first).to_be_visible()
        for card in cards.all():
            items = card.locator(".standup__section--yesterday").get_by_role("listitem")
            expect(items).to_have_text(["Scheduled the maintenance window", "Created project tasks"])
            expect(card.locator(".standup__section--today").get_by_role("listitem")).to_have_text(["Write the docs"])

    text = page.request.get(f"/api/standups/export?day={day}").text()
    assert "### Yesterday\n\n- Scheduled the maintenance window\n- Created project tasks\n" in text, text
