"""Benchmark (issue 4's budget): the task board renders 500 cards in under a second in Chromium.

Measured in the page: performance.now() from the navigation's start (or from the click that switches from the
list) until all 500 cards are in the document. A timed assertion on a shared CI machine fails on load rather
than on a slow board, so the budget lives here; the browser test checks that the board shows every card."""

from __future__ import annotations

import statistics
from pathlib import Path
from typing import TYPE_CHECKING

from tests.serverproc import ADMIN_PASSWORD, Client, ServerProcess, api_token, create_admin

if TYPE_CHECKING:
    from tests.bench.scenarios import Options, Outcome

CHROMIUM = Path("/usr/bin/chromium")
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


def task_body(number: int, project_id: int) -> dict[str, object]:
    """Card `number` of the board: spread over the four columns and priorities, two in three with a due date."""
    return {
        "title": f"Task {number:03d} with a realistic, somewhat longer title",
        "project_id": project_id,
        "status": STATUSES[number % 4],
        "priority": PRIORITIES[number % 4],
        "due_date": f"2030-01-{number % 28 + 1:02d}" if number % 3 else None,
    }


def seed_board(client: Client) -> int:
    """A project with CARDS tasks spread over the four columns, made through the API; returns its id."""
    status, project = client.request("POST", "/api/projects", {"name": "Load", "description": ""})
    if status != 201:
        raise RuntimeError(f"creating the project failed with {status}: {project}")
    for number in range(CARDS):
        status, answer = client.request("POST", "/api/tasks", task_body(number, project["id"]))
        if status != 201:
            raise RuntimeError(f"creating task {number} failed with {status}: {answer}")
    return int(project["id"])


def board_render(options: Options) -> Outcome:
    """The board with 500 cards in headless Chromium: first and repeat visits, and switching from the list."""
    from tests.bench.scenarios import Outcome, _fresh_dir

    outcome = Outcome()
    try:
        import playwright.sync_api  # noqa: F401 - only whether it is there
    except ImportError:
        outcome.skipped = "skipped: playwright is not installed (packaging/requirements-dev.txt)"
        return outcome
    if not CHROMIUM.exists():
        outcome.skipped = f"skipped: {CHROMIUM} is not installed (apt-get install chromium)"
        return outcome
    data_dir = _fresh_dir(options, "board")
    create_admin(data_dir)
    with ServerProcess(data_dir) as server:
        server.wait_ready()
        with server.client(api_token(server)) as client:
            project = seed_board(client)
        first, repeat, switch = _measure(f"http://127.0.0.1:{server.port}", project, options.runs)
    outcome.add("first visit (median)", round(statistics.median(first)), "ms", f"< {BUDGET_MS:.0f}",
                statistics.median(first) < BUDGET_MS)  # fmt: skip
    outcome.add("repeat visit (median)", round(statistics.median(repeat)), "ms", f"< {BUDGET_MS:.0f}",
                statistics.median(repeat) < BUDGET_MS)  # fmt: skip
    outcome.add("list to board (median)", round(statistics.median(switch)), "ms", f"< {BUDGET_MS:.0f}",
                statistics.median(switch) < BUDGET_MS)  # fmt: skip
    outcome.details.update(cards=CARDS, first_ms=first, repeat_ms=repeat, switch_ms=switch)
    return outcome


def _measure(base_url: str, project: int, runs: int) -> tuple[list[int], list[int], list[int]]:
    from playwright.sync_api import sync_playwright

    first: list[int] = []
    repeat: list[int] = []
    switch: list[int] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=["--no-sandbox"])
        try:
            for _ in range(max(runs, 1)):
                context = browser.new_context(base_url=base_url)  # a fresh cache: a real first visit
                page = context.new_page()
                answer = page.request.post("/api/auth/login", data={"username": "admin", "password": ADMIN_PASSWORD})
                if answer.status != 200:
                    raise RuntimeError(f"sign-in failed with {answer.status}: {answer.text()}")
                for into in (first, repeat):
                    page.goto(f"/tasks?view=board&project={project}")
                    page.wait_for_function(ALL_CARDS_SHOWN, polling="raf", timeout=60_000)
                    into.append(round(float(page.evaluate("() => window.__boardShownAt"))))
                page.goto(f"/tasks?project={project}")
                page.get_by_role("table", name="Tasks").wait_for()
                page.evaluate("() => { window.__boardShownAt = undefined; window.__switchAt = performance.now(); }")
                page.get_by_role("navigation", name="View").get_by_role("link", name="Board").click()
                page.wait_for_function(ALL_CARDS_SHOWN, polling="raf", timeout=60_000)
                switch.append(round(float(page.evaluate("() => window.__boardShownAt - window.__switchAt"))))
                context.close()
        finally:
            browser.close()
    return first, repeat, switch


SCENARIOS = {"board": board_render}
