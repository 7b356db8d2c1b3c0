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


def test_board_card_moves_from_the_keyboard_and_keeps_focus(server: Server, browsers: Browsers) -> None:
    page = browsers.new_page(server)
    page.goto("/")
    set_up_through_api(page, server)
    task_id = api(page, "POST", "/api/tasks", {"title": "Rotate keys"}, expect_status=201).json()["id"]
    page.goto("/tasks?view=board")
    todo = page.locator('[data-status="todo"]')
    blocked = page.locator('[data-status="blocked"]')
    expect(todo.locator(f'[data-task-id="{task_id}"]')).to_be_visible()

    menu = page.get_by_label("Status of Rotate keys")
    menu.focus()
    page.keyboard.press("ArrowDown")
    expect(menu).to_have_value("in_progress")
    expect(todo.locator(f'[data-task-id="{task_id}"]')).to_be_visible()  # the arrow only moved the selection
    page.keyboard.press("ArrowDown")
    expect(menu).to_have_value("blocked")
    expect(menu).to_be_focused()
    page.keyboard.press("Enter")
    expect(blocked.locator(f'[data-task-id="{task_id}"]')).to_be_visible()
    expect(page.get_by_text("“Rotate keys” moved to Blocked.")).to_be_visible()
    moved_menu = blocked.get_by_label("Status of Rotate keys")
    expect(moved_menu).to_be_focused()
    assert api(page, "GET", f"/api/tasks/{task_id}").json()["status"] == "blocked"

    # Back up one step, from the keyboard again; Escape puts back a selection that was not confirmed.
    page.keyboard.press("ArrowUp")
    page.keyboard.press("Escape")
    expect(moved_menu).to_have_value("blocked")
    page.keyboard.press("ArrowUp")
    page.keyboard.press("Enter")
    in_progress = page.locator('[data-status="in_progress"]')
    expect(in_progress.get_by_label("Status of Rotate keys")).to_be_focused()
    expect(page.get_by_text("“Rotate keys” moved to In progress.")).to_be_visible()
