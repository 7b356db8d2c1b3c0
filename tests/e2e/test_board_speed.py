"""The board renders 500 cards in under a second in Chromium (issue 4's acceptance), measured in the page:
performance.now() from the navigation's start until all 500 cards are in the document."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.e2e.conftest import Browsers, Server, expect, set_up_through_api
from tests.e2e.work_helpers import api

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

CARDS = 500
BUDGET_MS = 1000.0
PRIORITIES = ["low", "normal", "high", "urgent"]
STATUSES = ["todo", "in_progress", "blocked", "done"]

# Polled on every animation frame; records the moment the last card arrived.
ALL_CARDS_SHOWN = f"""() => {{
  if (document.querySelectorAll('.board-card').length !== {CARDS}) return false;
  window.__boardShownAt ??= performance.now();
  return true;
}}"""


def test_board_renders_500_cards_within_a_second(
    server: Server, browsers: Browsers, record_property: Callable[[str, object], None]
) -> None:
    page = browsers.new_page(server)
    page.goto("/")
    set_up_through_api(page, server)
    project = api(page, "POST", "/api/projects", {"name": "Load", "description": ""}, expect_status=201).json()

    # Seed through the API with a Bearer token, as a script would.
    token = api(page, "POST", "/api/auth/tokens", {"name": "seed"}, expect_status=201).json()["token"]
    bearer = {"Authorization": f"Bearer {token}"}
    for number in range(CARDS):
        body = {
            "title": f"Task {number:03d} with a realistic, somewhat longer title",
            "project_id": project["id"],
            "status": STATUSES[number % 4],
            "priority": PRIORITIES[number % 4],
            "due_date": f"2030-01-{number % 28 + 1:02d}" if number % 3 else None,
        }
        answer = page.request.post("/api/tasks", data=body, headers=bearer)
        assert answer.status == 201, answer.text()

    timings = []
    for attempt in ("first visit", "second visit"):
        page.goto(f"/tasks?view=board&project={project['id']}")
        page.wait_for_function(ALL_CARDS_SHOWN, polling="raf", timeout=15_000)
        elapsed = float(page.evaluate("() => window.__boardShownAt"))
        timings.append(elapsed)
        print(f"\nboard with {CARDS} cards rendered in {elapsed:.0f} ms ({attempt}, from navigation start)")  # noqa: T201 - the acceptance test reports its number
    expect(page.locator('[data-status="todo"] .board__count')).to_have_text(str(CARDS // 4))

    # Switching from the list to the board inside the app (no page load) is measured too.
    page.goto(f"/tasks?project={project['id']}")
    expect(page.get_by_role("table", name="Tasks")).to_be_visible()
    page.evaluate("() => { window.__boardShownAt = undefined; window.__switchAt = performance.now(); }")
    page.get_by_role("navigation", name="View").get_by_role("link", name="Board").click()
    page.wait_for_function(ALL_CARDS_SHOWN, polling="raf", timeout=15_000)
    switch = float(page.evaluate("() => window.__boardShownAt - window.__switchAt"))
    print(f"\nboard with {CARDS} cards rendered in {switch:.0f} ms (switching from the list)")  # noqa: T201 - reported too

    record_property("board_500_cards_ms", [round(t) for t in timings])
    record_property("board_500_cards_switch_ms", round(switch))
    assert max(timings) < BUDGET_MS, f"the board took {timings} ms for {CARDS} cards"
    assert switch < BUDGET_MS, f"switching to the board took {switch:.0f} ms"
