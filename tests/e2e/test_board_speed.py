"""The board with 500 cards in Chromium: every card in its column, on a first visit, a repeat visit and when
switching from the list. Its speed budget (issue 4: under a second) is measured by `build.py bench board`;
a timed assertion here would fail on a loaded CI machine rather than on a slow board. The times are still
recorded as test properties."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.bench.board_scenario import ALL_CARDS_SHOWN, CARDS, STATUSES, task_body
from tests.e2e.conftest import Browsers, Server, expect, set_up_through_api
from tests.e2e.work_helpers import api

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


def test_board_shows_all_500_cards(
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
        answer = page.request.post("/api/tasks", data=task_body(number, project["id"]), headers=bearer)
        assert answer.status == 201, answer.text()

    timings = []
    for _visit in ("first", "second"):
        page.goto(f"/tasks?view=board&project={project['id']}")
        page.wait_for_function(ALL_CARDS_SHOWN, polling="raf", timeout=60_000)
        timings.append(round(float(page.evaluate("() => window.__boardShownAt"))))
        for status in STATUSES:
            expect(page.locator(f'[data-status="{status}"] .board__count')).to_have_text(str(CARDS // 4))
            expect(page.locator(f'[data-status="{status}"] .board-card')).to_have_count(CARDS // 4)

    # Switching from the list to the board inside the app (no page load) shows every card too.
    page.goto(f"/tasks?project={project['id']}")
    expect(page.get_by_role("table", name="Tasks")).to_be_visible()
    page.evaluate("() => { window.__boardShownAt = undefined; window.__switchAt = performance.now(); }")
    page.get_by_role("navigation", name="View").get_by_role("link", name="Board").click()
    page.wait_for_function(ALL_CARDS_SHOWN, polling="raf", timeout=60_000)
    expect(page.get_by_text("Task 499 with a realistic, somewhat longer title")).to_be_visible()
    record_property("board_500_cards_ms", timings)
    record_property(
        "board_500_cards_switch_ms", round(float(page.evaluate("() => window.__boardShownAt - window.__switchAt")))
    )
