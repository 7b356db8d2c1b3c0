"""Issue 18's walk-through, the layout part: a phone-sized walk through every page with no sideways scroll and no
element drawn over another (measured from bounding boxes in the browser), and the small layout fixes, in Chromium."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import pytest

from tests.e2e.conftest import Browsers, Server, expect, set_up_through_api
from tests.e2e.work_helpers import api, create_user

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

PHONE = {"width": 375, "height": 812}
DESKTOP = {"width": 1366, "height": 800}

# Every leaf a reader sees (a control, or an element with text of its own: its lines, or its whole box when it paints
# a background or border, like a badge), as the box it is drawn in after the clipping of scrolling or hidden-overflow
# ancestors. Two boxes of one layer (the page, or one dialog) that intersect
# by more than a pixel or two overlap, unless one element holds the other. Toasts are a layer of their own.
OVERLAPS_JS = r"""
() => {
  const SLACK = 2;
  const controls = 'a, button, input, select, textarea, summary, [role="button"], img, svg';
  const layerOf = (el) => el.closest('dialog, .toasts') || document.body;
  const clipped = (el, rect) => {
    let box = {left: rect.left, top: rect.top, right: rect.right, bottom: rect.bottom};
    for (let up = el.parentElement; up && up !== document.body; up = up.parentElement) {
      const style = getComputedStyle(up);
      if (style.overflowX === 'visible' && style.overflowY === 'visible' && style.clipPath === 'none') continue;
      const r = up.getBoundingClientRect();
      box = {left: Math.max(box.left, r.left), top: Math.max(box.top, r.top),
             right: Math.min(box.right, r.right), bottom: Math.min(box.bottom, r.bottom)};
    }
    return box;
  };
  // Line by line: a link that wraps covers two half lines, not the whole block around them.
  const ownTextRects = (el) => {
    const rects = [];
    for (const node of el.childNodes) {
      if (node.nodeType !== Node.TEXT_NODE || !node.textContent.trim()) continue;
      const range = document.createRange();
      range.selectNodeContents(node);
      rects.push(...range.getClientRects());
    }
    return rects;
  };
  const painted = (el) => {
    const style = getComputedStyle(el);
    return parseFloat(style.borderTopWidth) > 0 || !/^rgba\(.*, 0\)$|^transparent$/.test(style.backgroundColor);
  };
  const shown = (el) => {
    const away = '[hidden], [aria-hidden="true"], .visually-hidden, details:not([open]) > :not(summary)';
    if (el.closest(away)) return false;
    const style = getComputedStyle(el);
    return style.visibility === 'visible' && Number(style.opacity) > 0 && style.display !== 'none';
  };
  const leaves = [];
  for (const el of document.querySelectorAll('body *')) {
    if (el.closest('svg') && el.tagName.toLowerCase() !== 'svg') continue;
    const control = el.matches(controls);
    const text = control ? [] : ownTextRects(el);
    // A badge or chip is seen as its whole painted box, not just its letters.
    const rects = control || (text.length && painted(el)) ? [...el.getClientRects()] : text;
    if (!rects.length || !shown(el)) continue;
    for (const rect of rects) {
      const box = clipped(el, rect);
      if (box.right - box.left <= SLACK || box.bottom - box.top <= SLACK) continue;
      leaves.push({el, box, layer: layerOf(el)});
    }
  }
  const describe = (el) => {
    const text = (el.getAttribute('aria-label') || el.textContent || el.value || '').trim().replace(/\s+/g, ' ');
    const names = typeof el.className === 'string' ? el.className.trim().split(/\s+/).filter(Boolean) : [];
    const cls = names.map((name) => '.' + name).join('');
    return `${el.tagName.toLowerCase()}${cls} "${text.slice(0, 40)}"`;
  };
  const found = [];
  const seen = new Set();
  for (let i = 0; i < leaves.length; i++) {
    for (let j = i + 1; j < leaves.length; j++) {
      const a = leaves[i], b = leaves[j];
      if (a.layer !== b.layer || a.el.contains(b.el) || b.el.contains(a.el)) continue;
      const pair = describe(a.el) + ' overlaps ' + describe(b.el);
      if (seen.has(pair)) continue;
      const w = Math.min(a.box.right, b.box.right) - Math.max(a.box.left, b.box.left);
      const h = Math.min(a.box.bottom, b.box.bottom) - Math.max(a.box.top, b.box.top);
      if (w <= SLACK || h <= SLACK) continue;
      seen.add(pair);
      found.push(`${pair} (${Math.round(w)}x${Math.round(h)} px)`);
    }
  }
  return found;
}
"""

SCROLL_JS = "() => [document.scrollingElement.scrollWidth, document.scrollingElement.clientWidth]"


def layout_problems(page: Page, label: str) -> list[str]:
    """Sideways scroll and overlapping elements on the page as it is now, one line each."""
    problems = []
    scroll_width, client_width = page.evaluate(SCROLL_JS)
    if scroll_width > client_width:
        problems.append(f"{label}: scrolls sideways ({scroll_width} px wide in {client_width} px)")
    problems += [f"{label}: {overlap}" for overlap in page.evaluate(OVERLAPS_JS)]
    return problems


def seed_a_team(page: Page) -> dict[str, Any]:
    """What a team has after its first hour: people, a project with roles, tasks, standups, a note, a plan."""
    create_user(page, "mia", "Mia Member")
    create_user(page, "vic", "Vic Viewer")
    project = api(page, "POST", "/api/projects", {"name": "Apollo", "description": "The launch"}, 201).json()
    for username, role in [("mia", "member"), ("vic", "viewer")]:
        api(page, "POST", f"/api/projects/{project['id']}/members", {"username": username, "role": role}, 201)
    statuses = ["todo", "in_progress", "blocked", "done"]
    tasks = [
        api(
            page,
            "POST",
            "/api/tasks",
            {
                "title": f"Task number {n} with a longer title to wrap",
                "project_id": project["id"],
                "status": statuses[n % 4],
                "priority": ["low", "normal", "high", "urgent"][n % 4],
                "due_date": f"2026-12-{n + 10:02d}",
            },
            201,
        ).json()
        for n in range(15)
    ]
    standup = {"yesterday": "Scheduled the maintenance window\nCreated tasks", "today": "Write the docs"}
    api(page, "POST", "/api/standups", standup, 201)
    api(page, "POST", "/api/documents/notes", {"title": "Runbook", "text": "# Runbook\n\nRestart it."}, 201)
    units = [{"title": f"Unit {n}", "description": "Read and practise", "week": n} for n in range(1, 4)]
    plan = {"project_id": project["id"], "title": "Basics", "units": units}
    made = api(page, "POST", "/api/training/plans", plan, 201).json()
    return {"project": project, "tasks": tasks, "plan": made}


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_every_page_fits_a_phone_without_overlaps(server: Server, browsers: Browsers, scheme: str) -> None:
    page = browsers.new_page(server, viewport=PHONE, color_scheme=scheme)
    page.goto("/")
    set_up_through_api(page, server)
    seeded = seed_a_team(page)
    project_id, task_id, plan_id = seeded["project"]["id"], seeded["tasks"][0]["id"], seeded["plan"]["id"]
    paths = [
        "/",
        "/tasks",
        "/tasks?view=board",
        f"/tasks/{task_id}",
        "/projects",
        f"/projects/{project_id}",
        "/standups",
        "/standups/history",
        "/knowledge",
        "/ask",
        "/chat",
        "/sitreps",
        "/review",
        "/workflows",
        "/training",
        f"/training/{plan_id}",
        "/profile",
        "/admin/users",
        "/admin/settings",
        "/admin/system",
    ]
    problems: list[str] = []
    for path in paths:
        page.goto(path)
        expect(page.get_by_role("heading", level=1).first).to_be_visible()
        page.wait_for_load_state("networkidle")
        problems += layout_problems(page, path)
    assert not problems, "\n".join(problems)


def test_tasks_on_a_phone_start_with_tasks_as_cards_and_filters_fold_away(server: Server, browsers: Browsers) -> None:
    page = browsers.new_page(server, viewport=PHONE)
    page.goto("/")
    set_up_through_api(page, server)
    seed_a_team(page)
    page.goto("/tasks")
    cards = page.get_by_role("list", name="Tasks").get_by_role("listitem")
    expect(cards).to_have_count(15)
    # The first tasks are on the first screen, each card with what the table's cut-off columns held.
    for card in cards.all()[:3]:
        box = card.bounding_box()
        assert box is not None
        assert box["y"] + box["height"] <= PHONE["height"], box
        assert box["x"] + box["width"] <= PHONE["width"], box
    first = cards.first
    expect(first.get_by_role("link", name="Apollo")).to_be_visible()
    expect(first.get_by_text("Unassigned")).to_be_visible()
    expect(first.get_by_text(re.compile(r"^Due "))).to_be_visible()
    expect(page.get_by_role("table")).to_have_count(0)

    # The filters wait behind a button that says how many are set.
    search = page.get_by_role("searchbox", name="Search")
    expect(search).to_be_hidden()
    toggle = page.get_by_role("button", name="Filters", exact=True)
    expect(toggle).to_have_attribute("aria-expanded", "false")
    toggle.click()
    expect(search).to_be_visible()
    expect(page.get_by_role("region", name="Saved filters")).to_be_visible()
    page.get_by_label("Only my tasks").check()
    expect(page.get_by_role("button", name="Hide filters (1 set)")).to_be_visible()
    page.get_by_role("button", name="Hide filters (1 set)").click()
    expect(search).to_be_hidden()
    expect(page.get_by_role("button", name="Filters (1 set)")).to_be_visible()

    # Selecting cards still opens the bulk bar.
    page.get_by_role("button", name="Filters (1 set)").click()
    page.get_by_label("Only my tasks").uncheck()
    page.get_by_label("Select Task number 14 with a longer title to wrap").check()
    expect(page.get_by_role("region", name="Change selected tasks")).to_be_visible()

    page.goto("/tasks?view=board")
    expect(page.locator('[data-status="todo"]')).to_be_visible()
    expect(page.get_by_role("searchbox", name="Search")).to_be_hidden()


def test_tasks_on_a_desktop_keep_the_table_and_open_filters(server: Server, browsers: Browsers) -> None:
    page = browsers.new_page(server, viewport=DESKTOP)
    page.goto("/")
    set_up_through_api(page, server)
    api(page, "POST", "/api/tasks", {"title": "Rotate keys"}, expect_status=201)
    page.goto("/tasks")
    expect(page.get_by_role("table", name="Tasks").get_by_role("link", name="Rotate keys")).to_be_visible()
    expect(page.get_by_role("searchbox", name="Search")).to_be_visible()
    expect(page.get_by_role("button", name=re.compile("^(Hide )?Filters"))).to_have_count(0)


def test_short_board_columns_are_as_tall_as_the_board(server: Server, browsers: Browsers) -> None:
    page = browsers.new_page(server, viewport=DESKTOP)
    page.goto("/")
    set_up_through_api(page, server)
    for n in range(6):
        api(page, "POST", "/api/tasks", {"title": f"Done {n}", "status": "done"}, expect_status=201)
    page.goto("/tasks?view=board")
    done = page.locator('[data-status="done"]')
    expect(done.locator("[data-task-id]")).to_have_count(6)
    heights = {status: page.locator(f'[data-status="{status}"]').bounding_box() for status in ("todo", "done")}
    todo, tall = heights["todo"], heights["done"]
    assert todo is not None
    assert tall is not None
    assert todo["height"] == pytest.approx(tall["height"], abs=1), heights  # the empty column is a full drop area
    assert todo["height"] >= DESKTOP["height"] * 0.5, heights
