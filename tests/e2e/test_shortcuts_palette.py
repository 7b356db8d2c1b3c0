"""Keyboard shortcuts and the command palette (issue #19 item 8), from the keyboard alone in Chromium: c, /, g then
t/s/k, ?, Ctrl-K; the palette finds pages, tasks, projects, documents and people and opens what is chosen; both
dialogs are axe clean in light and dark and fit a 375 px phone."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import pytest

from tests.e2e.conftest import Browsers, StartServer, expect, set_up_through_api
from tests.e2e.test_accessibility import VIEWPORTS, audit, axe_source
from tests.e2e.work_helpers import PASSWORD, api, create_user

if TYPE_CHECKING:
    from playwright.sync_api import Locator, Page

    from tests.e2e.conftest import Server

pytestmark = [pytest.mark.e2e]
__all__ = ["axe_source"]  # the fixture, used by the accessibility test below

# Every URL the app routes to from now on (preact-iso routes with history.pushState / replaceState).
RECORD_ROUTES = """() => {
  window.__routes = [];
  for (const name of ['pushState', 'replaceState']) {
    const original = history[name].bind(history);
    history[name] = (state, title, url) => { window.__routes.push(String(url)); return original(state, title, url); };
  }
}"""
SETTLED = re.compile(r"^(\d+ results?\.|Nothing matches .*)$")


def _seeded(start_server: StartServer, browsers: Browsers, **options: object) -> tuple[Server, Page, dict[str, int]]:
    """An admin signed in on the dashboard, with a project, a task in it, a note and a colleague."""
    server = start_server(DEVCELL_EMBEDDING_MODEL="hashing-e2e")
    page = browsers.new_page(server, **options)
    page.goto("/")
    set_up_through_api(page, server)
    project = api(page, "POST", "/api/projects", {"name": "Apollo"}, 201).json()["id"]
    body = {"title": "Calibrate the flux capacitor", "project_id": project}
    task = api(page, "POST", "/api/tasks", body, 201).json()["id"]
    note = {"title": "Launch runbook", "text": "# Launch runbook\n\nCount down from ten."}
    document = api(page, "POST", "/api/documents/notes", note, 201).json()["id"]
    create_user(page, "alovelace", "Ada Lovelace")
    page.goto("/")
    expect(page.get_by_role("heading", name=re.compile("^Welcome"))).to_be_visible()
    return server, page, {"project": project, "task": task, "document": document}


def _palette(page: Page) -> Locator:
    return page.get_by_role("dialog", name="Go to")


def _search(page: Page, text: str) -> Locator:
    """Open the palette with Ctrl-K and type; the listbox once it holds results."""
    page.keyboard.press("Control+k")
    field = _palette(page).get_by_role("combobox")
    expect(field).to_be_focused()
    field.fill(text)
    expect(_palette(page).get_by_role("status")).to_have_text(SETTLED)  # the answer to exactly this text is in
    return _palette(page).get_by_role("listbox", name="Results")


def _fits(dialog: Locator, width: int) -> None:
    box = dialog.bounding_box()
    assert box is not None
    assert box["x"] >= 0
    assert box["x"] + box["width"] <= width


def _blur(page: Page) -> None:
    page.evaluate("() => document.activeElement instanceof HTMLElement && document.activeElement.blur()")


def test_every_shortcut_works_from_the_keyboard(start_server: StartServer, browsers: Browsers) -> None:
    _, page, _ = _seeded(start_server, browsers)
    page.keyboard.press("?")
    help_dialog = page.get_by_role("dialog", name="Keyboard shortcuts")
    expect(help_dialog).to_be_visible()
    for what in ("Create a task", "Go to Tasks", "Go to Standups", "Go to Knowledge", "Show these keyboard shortcuts"):
        expect(help_dialog.get_by_role("cell", name=what, exact=True)).to_have_count(1)
    expect(help_dialog.get_by_role("row", name=re.compile("^Ctrl K Open the command palette"))).to_have_count(1)
    page.keyboard.press("g")
    page.keyboard.press("t")  # behind a dialog: nothing happens
    expect(page).to_have_url(re.compile(r"/$"))
    page.keyboard.press("Escape")
    expect(help_dialog).to_have_count(0)

    for key, path in (("t", "/tasks"), ("s", "/standups"), ("k", "/knowledge")):
        page.keyboard.press("g")
        page.keyboard.press(key)
        expect(page).to_have_url(re.compile(f"{path}$"))

    # On the Knowledge page, / goes to its search; typed letters there are text, not shortcuts.
    search = page.get_by_label("Search titles and text")
    expect(search).to_be_visible()
    page.keyboard.press("/")
    expect(search).to_be_focused()
    page.keyboard.type("gc/")
    expect(search).to_have_value("gc/")
    expect(page).to_have_url(re.compile(r"/knowledge$"))
    # Ctrl-K works while typing; Escape closes the palette and gives the focus back.
    page.keyboard.press("Control+k")
    expect(_palette(page).get_by_role("combobox")).to_be_focused()
    page.keyboard.press("Escape")
    expect(_palette(page)).to_have_count(0)
    expect(search).to_be_focused()

    # A page without a search of its own: / opens the palette.
    _blur(page)
    page.keyboard.press("g")
    page.keyboard.press("s")
    expect(page).to_have_url(re.compile(r"/standups$"))
    _blur(page)
    page.keyboard.press("/")
    expect(_palette(page).get_by_role("combobox")).to_be_focused()
    page.keyboard.press("Escape")

    # c routes to /tasks?new=1, where the Tasks page opens its New task dialog (and may drop the parameter).
    page.evaluate(RECORD_ROUTES)
    _blur(page)
    page.keyboard.press("c")
    expect(page).to_have_url(re.compile(r"/tasks(\?new=1)?$"))
    assert "/tasks?new=1" in page.evaluate("() => window.__routes")


def test_the_palette_finds_a_task_by_a_word_and_opens_it(start_server: StartServer, browsers: Browsers) -> None:
    _, page, made = _seeded(start_server, browsers)
    results = _search(page, "flux")
    option = results.get_by_role("option", name=re.compile("Calibrate the flux capacitor"))
    expect(option).to_have_attribute("aria-selected", "true")  # the best match is chosen already
    expect(option).to_contain_text(f"#{made['task']} · Apollo · To do")
    page.keyboard.press("Enter")
    expect(_palette(page)).to_have_count(0)
    expect(page).to_have_url(re.compile(f"/tasks/{made['task']}$"))


def test_the_palette_finds_pages_projects_documents_and_people(start_server: StartServer, browsers: Browsers) -> None:
    _, page, made = _seeded(start_server, browsers)
    for text, name, url in (
        ("apollo", "Apollo", f"/projects/{made['project']}$"),
        ("launch run", "Launch runbook", f"/knowledge\\?doc={made['document']}$"),
        ("ada", "Ada Lovelace", "/people/alovelace$"),
        ("sys", "System", "/admin/system$"),
    ):
        page.goto("/")  # the page before opened something (a document opens in a dialog, where shortcuts rest)
        expect(page.get_by_role("heading", name=re.compile("^Welcome"))).to_be_visible()
        results = _search(page, text)
        option = results.get_by_role("option", name=re.compile(f"^{name}"))
        expect(option).to_be_visible()
        field = _palette(page).get_by_role("combobox")
        # Arrow keys move the choice (aria-activedescendant) until the wanted option is the chosen one.
        for _ in range(20):
            if option.get_attribute("aria-selected") == "true":
                break
            page.keyboard.press("ArrowDown")
        expect(field).to_have_attribute("aria-activedescendant", option.get_attribute("id") or "")
        page.keyboard.press("Enter")
        expect(page).to_have_url(re.compile(url))


def test_a_user_finds_no_admin_pages_and_arrow_keys_wrap(start_server: StartServer, browsers: Browsers) -> None:
    server, admin, _ = _seeded(start_server, browsers)
    create_user(admin, "plain")
    page = browsers.new_page(server)
    page.goto("/login")
    page.get_by_label("Username").fill("plain")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name=re.compile("^Welcome"))).to_be_visible()
    # The sidebar's button opens it too (phones have no Ctrl-K); Escape gives the focus back to the button.
    button = page.get_by_role("navigation", name="Main").get_by_role("button", name=re.compile("^Go to"))
    button.click()
    expect(_palette(page).get_by_role("combobox")).to_be_focused()
    page.keyboard.press("Escape")
    expect(button).to_be_focused()
    results = _search(page, "s")
    names = results.get_by_role("group", name="Pages").get_by_role("option").all_inner_texts()
    assert "Standups" in names
    assert "System" not in names
    assert "Settings" not in names
    assert results.get_by_role("group", name="Tasks").count() == 0  # the admin's project task is not theirs
    options = results.get_by_role("option")
    page.keyboard.press("ArrowUp")  # from the first option round to the last
    expect(options.last).to_have_attribute("aria-selected", "true")
    page.keyboard.press("ArrowDown")
    expect(options.first).to_have_attribute("aria-selected", "true")


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("screen", sorted(VIEWPORTS))
def test_palette_and_shortcuts_dialog_are_accessible_and_fit(
    start_server: StartServer, browsers: Browsers, axe_source: str, scheme: str, screen: str
) -> None:
    _, page, _ = _seeded(start_server, browsers, color_scheme=scheme, viewport=VIEWPORTS[screen])
    problems: list[str] = []
    page.keyboard.press("Control+k")
    expect(_palette(page).get_by_role("listbox")).to_be_visible()  # the pages, before any typing
    problems += audit(page, axe_source, "palette, empty")
    results = _search(page, "a")
    expect(results.get_by_role("group", name="Tasks")).to_be_visible()
    page.keyboard.press("ArrowDown")
    problems += audit(page, axe_source, "palette with results")
    assert page.evaluate("() => document.documentElement.scrollWidth") <= VIEWPORTS[screen]["width"]
    _fits(_palette(page), VIEWPORTS[screen]["width"])
    page.keyboard.press("Escape")
    expect(_palette(page)).to_have_count(0)
    page.keyboard.press("?")
    help_dialog = page.get_by_role("dialog", name="Keyboard shortcuts")
    expect(help_dialog).to_be_visible()
    problems += audit(page, axe_source, "shortcuts dialog")
    _fits(help_dialog, VIEWPORTS[screen]["width"])
    assert page.evaluate("() => document.documentElement.scrollWidth") <= VIEWPORTS[screen]["width"]
    assert problems == []
