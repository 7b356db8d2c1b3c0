"""Issue 18's walk-through, the layout part: a phone-sized walk through every page with no sideways scroll and no
element drawn over another (measured from bounding boxes in the browser), and the small layout fixes, in Chromium."""

from __future__ import annotations

import re
import threading
import time
from typing import TYPE_CHECKING, Any

import pytest

from tests.e2e.conftest import Browsers, Server, StartServer, expect, set_up_through_api
from tests.e2e.work_helpers import api, create_user, sign_in
from tests.fakes.llm_server import running

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

PHONE = {"width": 375, "height": 812}
DESKTOP = {"width": 1366, "height": 800}

# Every leaf a reader sees (a control, or an element with text of its own: its lines, or its whole box when it paints
# a background or border, like a badge), as the box it is drawn in after the clipping of scrolling or hidden-overflow
# ancestors. Two boxes of one layer (the page, one dialog, the toasts, one sticky bar) that intersect by more than a
# pixel or two overlap, unless one element holds the other.
OVERLAPS_JS = r"""
() => {
  const SLACK = 2;
  const controls = 'a, button, input, select, textarea, summary, [role="button"], img, svg';
  // Dialogs, toasts and sticky or fixed bars (a save bar) float over the page on purpose: each is a layer of its own.
  const layerOf = (el) => {
    for (let up = el; up && up !== document.body; up = up.parentElement) {
      if (up.matches('dialog, .toasts') || /^(fixed|sticky)$/.test(getComputedStyle(up).position)) return up;
    }
    return document.body;
  };
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
    # The folded parts too: every task filter open, and a dialog.
    page.goto("/tasks")
    page.get_by_role("button", name="Filters", exact=True).click()
    page.get_by_text("More filters").click()
    expect(page.get_by_label("Due on or after")).to_be_visible()
    problems += layout_problems(page, "/tasks with all filters open")
    page.get_by_role("button", name="New task").click()
    expect(page.get_by_role("dialog", name="New task").get_by_label("Title")).to_be_focused()
    problems += layout_problems(page, "/tasks, New task")
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


def box_of(page: Page, locator: Any) -> dict[str, float]:
    box = locator.bounding_box()
    assert box is not None, f"{locator} is not shown"
    return dict(box)


def wait_indexed(page: Page, count: int) -> None:
    """The knowledge index's own status, polled until `count` documents are in (a condition, not a timer)."""
    while page.request.get("/api/knowledge/status").json()["documents"]["indexed"] < count:
        time.sleep(0.2)


def test_chat_cites_its_sources_like_ask(start_server: StartServer, browsers: Browsers) -> None:
    with running() as fake:
        fake.script = lambda body: "Backups:\n\n- run every night\n- are verified [1]"
        server = start_server(DEVCELL_EMBEDDING_MODEL="hashing-e2e")
        page = browsers.new_page(server)
        page.goto("/")
        set_up_through_api(page, server)
        api(page, "PATCH", "/api/settings", {"values": {"llm_base_url": fake.url, "llm_model": "fake"}}, 200)
        note = {"title": "Backups", "text": "Backups run every night at two and are verified right after."}
        document_id = api(page, "POST", "/api/documents/notes", note, 201).json()["id"]
        wait_indexed(page, 1)

        page.goto("/chat")
        page.get_by_label("Use the knowledgebase").check()
        page.get_by_label("Message").fill("When do backups run?")
        page.get_by_role("button", name="Send").click()
        reply = page.locator(".chat-message--assistant").last
        marker = reply.locator(".markdown").get_by_role("link", name="[1]")
        expect(marker).to_have_attribute("href", re.compile(rf"^/knowledge\?doc={document_id}&passage=\d+$"))
        # The sources are a region of their own under a heading, not one more item of the answer's last list.
        sources = reply.get_by_role("region", name="Sources")
        expect(sources.get_by_role("link", name="Backups")).to_have_attribute(
            "href", marker.get_attribute("href") or ""
        )
        expect(reply.locator(".markdown li")).to_have_count(2)
        assert reply.locator(".markdown").get_by_role("region").count() == 0
        marker.click()
        expect(page.get_by_role("dialog", name="Backups")).to_be_visible()


def test_moments_show_one_way_in_the_users_time_zone(server: Server, browsers: Browsers) -> None:
    page = browsers.new_page(server, viewport=DESKTOP)
    page.goto("/")
    set_up_through_api(page, server)
    api(page, "PATCH", "/api/auth/me", {"time_zone": "Asia/Tokyo"}, expect_status=200)
    project = api(page, "POST", "/api/projects", {"name": "Apollo"}, 201).json()
    task = api(page, "POST", "/api/tasks", {"title": "Launch", "project_id": project["id"]}, 201).json()
    api(page, "POST", f"/api/tasks/{task['id']}/comments", {"body": "On it."}, 201)
    api(page, "POST", "/api/documents/notes", {"title": "Runbook", "text": "Restart it."}, 201)
    api(page, "POST", "/api/backups", {}, 202)

    pages = ("/projects", "/knowledge", f"/tasks/{task['id']}", f"/projects/{project['id']}", "/admin/system")
    for path in pages:
        page.goto(path)
        if path == "/admin/system":  # the backup's row and the scheduled jobs' next runs
            expect(page.locator("[data-backup] time")).to_be_visible()
        moments = page.locator("main time")
        expect(moments.first).to_be_visible()
        for moment in moments.all():
            # The tooltip: the absolute time in the user's zone, as the viewer's locale writes it.
            expected = moment.evaluate(
                "(el) => new Intl.DateTimeFormat(undefined, {dateStyle: 'medium', timeStyle: 'short', "
                "timeZone: 'Asia/Tokyo'}).format(new Date(el.dateTime))"
            )
            expect(moment).to_have_attribute("title", expected)
            shown = moment.inner_text()
            assert shown == expected or re.search(r"ago|now|sec|min|hr", shown), f"{path}: {shown}"
        # Log lines keep the log file's own timestamps: the log viewer is left out.
        text = page.locator("main").evaluate(
            "(main) => { const copy = main.cloneNode(true); copy.querySelectorAll('.log-view').forEach((el) => "
            "el.remove()); return copy.textContent + ' ' + [...main.querySelectorAll('svg text')].map((t) => "
            "t.textContent).join(' '); }"
        )
        assert not re.search(r"\d{4}-\d{2}-\d{2}T|\d:\d{2}:\d{2}|\d+/\d+/\d{4}", text), f"{path}: {text}"


def test_the_code_review_box_is_monospace(server: Server, browsers: Browsers) -> None:
    page = browsers.new_page(server, viewport=DESKTOP)
    page.goto("/")
    set_up_through_api(page, server)
    page.goto("/review")
    font = page.get_by_label("Code or unified diff").evaluate("(el) => getComputedStyle(el).fontFamily")
    assert "monospace" in font, font


def test_a_running_sitrep_reads_once_and_its_buttons_keep_apart(start_server: StartServer, browsers: Browsers) -> None:
    release = threading.Event()
    with running() as fake:
        # The model answers only when the test lets it: the SITREP stays "generating" as long as needed.
        fake.script = lambda body: "## Situation\nAll fine." if release.wait(120) else ""
        server = start_server()
        page = browsers.new_page(server, viewport=DESKTOP)
        page.goto("/")
        set_up_through_api(page, server)
        seed_a_team(page)
        api(page, "PATCH", "/api/settings", {"values": {"llm_base_url": fake.url, "llm_model": "fake"}}, 200)
        try:
            page.goto("/sitreps")
            page.get_by_role("button", name="Generate SITREP…").click()
            page.get_by_role("button", name="Generate", exact=True).click()
            status = page.locator(".job__status")
            expect(status).to_have_text(re.compile("^Running"))
            assert "Running. Running" not in status.inner_text()
            cancel = box_of(page, page.get_by_role("button", name="Cancel", exact=True))
            delete = box_of(page, page.get_by_role("button", name="Delete…"))
            gap = max(
                delete["y"] - (cancel["y"] + cancel["height"]),
                cancel["y"] - (delete["y"] + delete["height"]),
                delete["x"] - (cancel["x"] + cancel["width"]),
                cancel["x"] - (delete["x"] + delete["width"]),
            )
            assert gap >= 8, (cancel, delete)
        finally:
            release.set()


def test_toasts_stay_few_in_a_corner_and_leave_the_last_rows_reachable(server: Server, browsers: Browsers) -> None:
    page = browsers.new_page(server, viewport=DESKTOP)
    page.goto("/")
    set_up_through_api(page, server)
    ids = [api(page, "POST", "/api/tasks", {"title": f"Chore {n}"}, 201).json()["id"] for n in range(6)]
    page.goto("/tasks?view=board")
    for task_id in ids:
        page.locator(f'[data-task-id="{task_id}"] select').select_option("done")
    expect(page.get_by_text("“Chore 5” moved to Done.")).to_be_visible()
    toasts = page.locator(".toast")
    expect(toasts).to_have_count(3)
    corner = box_of(page, page.locator(".toasts"))
    assert corner["x"] + corner["width"] >= DESKTOP["width"] - 24, corner  # in the bottom right corner
    assert corner["y"] + corner["height"] >= DESKTOP["height"] - 24, corner

    # Scrolled to the end, nothing of the page is left under them.
    page.evaluate("() => window.scrollTo(0, document.scrollingElement.scrollHeight)")
    corner = box_of(page, page.locator(".toasts"))
    board = box_of(page, page.locator(".board"))
    assert board["y"] + board["height"] <= corner["y"], (board, corner)


def test_the_owners_member_row_is_laid_out_like_the_others(server: Server, browsers: Browsers) -> None:
    page = browsers.new_page(server, viewport=DESKTOP)
    page.goto("/")
    set_up_through_api(page, server)
    seeded = seed_a_team(page)
    page.goto(f"/projects/{seeded['project']['id']}")
    members = page.get_by_role("region", name="Members")
    roles = [members.get_by_label(f"Role of {name}") for name in ("admin", "mia", "vic")]
    buttons = [members.get_by_role("button", name=name) for name in ("Leave", "Remove mia", "Remove vic")]
    expect(roles[0]).to_be_visible()
    for column in (roles, buttons):
        boxes = [box_of(page, control) for control in column]
        assert {round(box["x"]) for box in boxes} == {round(boxes[0]["x"])}, boxes
        assert {round(box["width"]) for box in boxes} == {round(boxes[0]["width"])}, boxes


def test_my_standup_shows_once_on_the_standups_page(server: Server, browsers: Browsers) -> None:
    admin = browsers.new_page(server)
    admin.goto("/")
    set_up_through_api(admin, server)
    create_user(admin, "mia", "Mia Member")
    api(admin, "POST", "/api/standups", {"today": "Write the docs"}, expect_status=201)
    page = browsers.new_page(server)
    sign_in(page, "mia")
    api(page, "POST", "/api/standups", {"today": "Review the plan"}, expect_status=201)
    page.goto("/standups")
    expect(page.get_by_role("region", name="My standup").get_by_text("Review the plan")).to_be_visible()
    expect(page.get_by_text("Review the plan")).to_have_count(1)
    team = page.get_by_role("region", name=re.compile("^Team standups"))
    expect(team.get_by_text("Write the docs")).to_be_visible()  # the others' are still there
    expect(team.get_by_role("link", name="under My standup")).to_be_visible()


def test_training_seeding_offers_only_people_who_can_work_on_the_tasks(server: Server, browsers: Browsers) -> None:
    page = browsers.new_page(server, viewport=DESKTOP)
    page.goto("/")
    set_up_through_api(page, server)
    seeded = seed_a_team(page)
    page.goto(f"/training/{seeded['plan']['id']}")
    assignee = page.get_by_label("Assign the tasks to")
    expect(assignee.get_by_role("option", name="Mia Member")).to_have_count(1)
    expect(assignee.get_by_role("option", name="Vic Viewer")).to_have_count(0)
    expect(page.get_by_text("Viewers of this project can't be assigned (Vic Viewer).")).to_be_visible()
    assignee.select_option(label="Mia Member")
    page.get_by_role("button", name="Select all units without a task").click()
    page.get_by_role("button", name="Create 3 tasks").click()
    expect(page.get_by_role("status").filter(has_text="Created 3 tasks.")).to_be_visible()
