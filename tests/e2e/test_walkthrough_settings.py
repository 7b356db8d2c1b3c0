"""Issue 18's walk-through, continued: the settings page, the top bar's badges, form errors and the phone top bar."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

from tests.e2e.conftest import ADMIN_NAME, ADMIN_PASSWORD, Browsers, Server, expect, set_up_through_api
from tests.e2e.test_accessibility import AXE, audit
from tests.e2e.work_helpers import api, create_user, sign_in
from tests.fakes.llm_server import FakeLLM, running

if TYPE_CHECKING:
    from playwright.sync_api import Locator, Page

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

PHONE = {"width": 375, "height": 812}


@pytest.fixture(scope="module")
def axe_source() -> str:
    return AXE.read_text(encoding="utf-8")


@pytest.fixture
def fake_llm() -> Iterator[FakeLLM]:
    with running() as fake:
        yield fake


def open_settings(page: Page, server: Server) -> None:
    page.goto("/")
    set_up_through_api(page, server)
    page.goto("/admin/settings")
    expect(page.get_by_role("heading", name="Settings", exact=True)).to_be_visible()


def setting(page: Page, key: str) -> Locator:
    return page.locator(f"[data-setting={key}]")


# --- item 6: the settings page ------------------------------------------------------------------------------


def test_settings_save_bar_labels_and_a_saved_message_that_does_not_linger(
    server: Server, browsers: Browsers, axe_source: str
) -> None:
    page = browsers.new_page(server, viewport={"width": 1366, "height": 800})
    open_settings(page, server)
    bar = page.get_by_role("region", name="Save settings")
    save = bar.get_by_role("button", name=re.compile("^Save"))

    # Labels for people, the key small beside them.
    pdf = setting(page, "pdf_max_pages")
    expect(pdf.locator("label")).to_have_text("PDF page limit")
    expect(pdf.locator(".setting__key")).to_have_text("pdf_max_pages")
    expect(page.get_by_label("Free disk floor (MB)")).to_have_value("200")

    # A change at the top and one far down: the one Save button is on screen for both, with the count.
    page.get_by_label("Appliance name").fill("Lab Cell")
    expect(bar).to_contain_text("1 unsaved change.")
    expect(save).to_be_in_viewport()
    floor = page.get_by_label("Free disk floor (MB)")
    floor.fill("300")
    expect(floor).to_be_in_viewport()
    expect(save).to_be_in_viewport()
    expect(bar).to_contain_text("2 unsaved changes.")
    save.click()
    expect(bar.get_by_role("status")).to_have_text("2 settings saved.")

    # The next edit clears "saved"; a failed save says so alone, never next to the earlier success.
    page.get_by_label("PDF page limit").fill("0")
    expect(page.get_by_text("2 settings saved.")).to_have_count(0)
    save.click()
    expect(bar.get_by_role("alert")).to_have_text("Nothing was saved: one value needs fixing (marked below).")
    expect(pdf.locator(".field__error")).to_have_text("Must be at least 1.")
    expect(page.get_by_text("saved.", exact=False)).to_have_count(0)
    expect(page.get_by_label("PDF page limit")).to_be_focused()
    assert not audit(page, axe_source, "settings with a failed save")


def test_time_zone_is_picked_from_a_searchable_list(server: Server, browsers: Browsers) -> None:
    page = browsers.new_page(server)
    open_settings(page, server)
    zone = page.get_by_label("Time zone", exact=True)
    expect(zone).to_have_js_property("tagName", "SELECT")  # a list, not free text
    expect(zone).to_have_value("UTC")

    search = setting(page, "time_zone").get_by_role("searchbox", name="Search time zones")
    search.fill("new york")
    expect(zone.locator("option")).to_have_text(["UTC", "America/New York"])  # the chosen one stays listed
    search.fill("berl")
    search.press("Enter")  # picks the first match; does not send the form
    expect(zone).to_have_value("Europe/Berlin")
    expect(page.get_by_role("region", name="Save settings")).to_contain_text("1 unsaved change.")
    search.fill("Mars/Olympus")
    expect(setting(page, "time_zone")).to_contain_text("0 of")
    expect(zone).to_have_value("Europe/Berlin")  # nonsense cannot be chosen

    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_role("status").filter(has_text="Setting saved.")).to_be_visible()
    saved = api(page, "GET", "/api/settings").json()["items"]
    assert next(item for item in saved if item["key"] == "time_zone")["value"] == "Europe/Berlin"


# --- items 6 and 7: the LLM chip ----------------------------------------------------------------------------


def test_no_llm_takes_an_admin_to_the_llm_settings_and_saving_them_updates_the_top_bar(
    server: Server, browsers: Browsers, fake_llm: FakeLLM
) -> None:
    page = browsers.new_page(server, viewport={"width": 1366, "height": 800})
    page.goto("/")
    set_up_through_api(page, server)
    page.goto("/")
    chip = page.locator(".topbar").get_by_role("link", name=re.compile("^No LLM"))
    expect(chip).to_have_attribute("href", "/admin/settings#settings-llm")
    chip.click()
    expect(page).to_have_url(re.compile("/admin/settings#settings-llm$"))
    expect(page.get_by_role("group", name="LLM")).to_be_in_viewport()

    page.get_by_label("LLM server URL").fill(fake_llm.url)
    page.get_by_label("LLM model").fill("fake")
    page.get_by_role("button", name=re.compile("^Save")).click()
    expect(page.get_by_role("status").filter(has_text="2 settings saved.")).to_be_visible()
    # Without a reload: the chip asks again as soon as the settings are saved.
    expect(page.locator(".topbar").get_by_text("LLM ready")).to_be_visible()
    ready = page.locator(".topbar").get_by_role("link", name=re.compile("^LLM ready"))
    expect(ready).to_have_attribute("href", "/ask")  # working: the chip leads to where the LLM is used
    expect(page.locator(".topbar").get_by_text("No LLM")).to_have_count(0)


def signed_in_user(server: Server, browsers: Browsers) -> Page:
    """A set-up appliance with no LLM, and the page of a user who is not an administrator."""
    admin = browsers.new_page(server)
    admin.goto("/")
    set_up_through_api(admin, server)
    create_user(admin, "uma", "Uma User")
    page = browsers.new_page(server, viewport={"width": 1366, "height": 800})
    sign_in(page, "uma")
    return page


def test_a_user_is_told_who_fixes_no_llm_and_what_the_problems_are(server: Server, browsers: Browsers) -> None:
    page = signed_in_user(server, browsers)
    topbar = page.locator(".topbar")

    llm = topbar.get_by_role("button", name=re.compile("^No LLM"))
    expect(llm).to_have_attribute("aria-expanded", "false")
    llm.click()
    note = page.locator("#llm-status-note")
    expect(note).to_be_visible()
    expect(note).to_contain_text("Only an administrator can connect the LLM server")
    expect(note.get_by_role("link")).to_have_count(0)  # no link to a page this user cannot open
    page.keyboard.press("Escape")
    expect(note).to_be_hidden()
    expect(llm).to_be_focused()

    # A fresh appliance has no backup yet: the badge says so in a title, without the check's details.
    health = topbar.get_by_role("button", name=re.compile(r"^Health: \d+ problems?\. Show which"))
    health.click()
    problems = page.locator("#health-problems")
    expect(problems).to_be_visible()
    expect(problems.get_by_role("listitem").filter(has_text="Last backup")).to_be_visible()
    # "it" for the one problem of a fresh appliance, "these" when the host's disk is low as well (seen in CI).
    expect(problems).to_contain_text(re.compile(r"Only an administrator can fix (it|these)"))
    expect(problems.get_by_role("link")).to_have_count(0)
    expect(topbar.locator('a[href="/admin/system"]')).to_have_count(0)
    summary = api(page, "GET", "/api/system/health/summary").json()
    assert all(set(problem) == {"name", "title", "severity"} for problem in summary["problems"])
    assert "no backup yet" not in str(summary).lower()  # the admin's message stays in the admin's report


# An Escape pressed the moment a popup appears (before the browser paints it) must close it. The listener was added
# in an effect that runs after paint, so on a loaded machine a quick Escape fell through (seen in CI).
PRESS_ESCAPE_WHEN_SHOWN = """(id) => { window.escaped = new Promise((resolve) => {
  const panel = document.getElementById(id);
  new MutationObserver((_, observer) => {
    if (panel.hidden) return;
    observer.disconnect();
    document.activeElement.dispatchEvent(new KeyboardEvent("keydown", {key: "Escape", bubbles: true}));
    resolve(null);
  }).observe(panel, {attributes: true, attributeFilter: ["hidden"]});
}); }"""


def test_an_escape_pressed_as_a_popup_appears_closes_it(server: Server, browsers: Browsers) -> None:
    page = signed_in_user(server, browsers)
    topbar = page.locator(".topbar")

    for button, panel in (
        (topbar.get_by_role("button", name=re.compile("^No LLM")), "llm-status-note"),
        (topbar.locator(".user-menu__button"), "user-menu"),
    ):
        expect(button).to_have_attribute("aria-expanded", "false")
        page.evaluate(PRESS_ESCAPE_WHEN_SHOWN, panel)
        button.click()
        page.evaluate("window.escaped")  # the Escape went out as the panel appeared
        expect(page.locator(f"#{panel}")).to_be_hidden()
        expect(button).to_have_attribute("aria-expanded", "false")
        expect(button).to_be_focused()


# --- item 9: every field's error at once, in plain words ----------------------------------------------------


def test_setup_shows_every_field_error_at_once_in_plain_words(server: Server, browsers: Browsers) -> None:
    page = browsers.new_page(server)
    page.goto("/")
    form = page.locator("form").filter(has=page.get_by_role("button", name="Create administrator"))
    create = form.get_by_role("button", name="Create administrator")
    expect(create).to_be_visible()
    create.click()
    # All four required fields at once (the browser's own check showed one bubble at a time).
    expect(form.locator(".field__error")).to_have_text(["Required.", "Required.", "Required.", "Required."])

    form.get_by_label("Setup code").fill(server.setup_code())
    form.get_by_label("Username").fill("A!")
    form.get_by_label("Password", exact=True).fill("short")
    form.get_by_label("Password again").fill("other")
    create.click()
    username_rule = re.compile("^Use 3-32 characters: letters, digits")
    expect(form.locator(".field__error")).to_have_text(
        [username_rule, "Use at least 10 characters.", "The two passwords differ."]
    )

    # What only the server can tell (an easily guessed password), in plain words without pydantic's prefix.
    form.get_by_label("Username").fill("ada")
    form.get_by_label("Password", exact=True).fill("aaaaaaaaaaaa")
    form.get_by_label("Password again").fill("aaaaaaaaaaaa")
    create.click()
    expect(form.locator(".field__error")).to_have_text(["This password is too easy to guess."])
    expect(form.get_by_label("Password", exact=True)).to_have_accessible_description(
        re.compile("This password is too easy to guess.$")
    )
    expect(form).not_to_contain_text("Value error")

    form.get_by_label("Username").fill(ADMIN_NAME)
    form.get_by_label("Password", exact=True).fill(ADMIN_PASSWORD)
    form.get_by_label("Password again").fill(ADMIN_PASSWORD)
    create.click()
    expect(page.get_by_role("heading", name=re.compile("^Welcome"))).to_be_visible()


def test_password_change_shows_both_problems_at_once(server: Server, browsers: Browsers) -> None:
    page = browsers.new_page(server)
    page.goto("/")
    set_up_through_api(page, server)
    page.goto("/profile")
    form = page.locator("form").filter(has=page.get_by_role("heading", name="Password"))
    form.get_by_label("New password", exact=True).fill("short")
    form.get_by_label("New password again").fill("shorter")
    form.get_by_role("button", name=re.compile("password", re.I)).click()
    expect(form.locator(".field__error")).to_have_text(
        ["Required.", "Use at least 10 characters.", "The two new passwords differ."]
    )


# --- item 11: the top bar on a phone ------------------------------------------------------------------------


def _top_bar_fits(page: Page) -> None:
    """Every part of the top bar is on screen whole: inside 375 px, none over another, no text cut off."""
    parts = {
        "menu": page.get_by_role("button", name="Menu"),
        "name": page.locator(".topbar__name"),
        "llm": page.locator(".topbar .llm-chip"),
        "health": page.locator(".topbar .badge"),
        "user": page.locator(".user-menu__button"),
    }
    boxes = {}
    for name, part in parts.items():
        expect(part).to_be_visible()
        box = part.bounding_box()
        assert box is not None, name
        assert box["x"] >= 0, (name, box)
        assert box["x"] + box["width"] <= PHONE["width"], (name, box)
        boxes[name] = box
    names = list(boxes)
    for i, first in enumerate(names):
        for second in names[i + 1 :]:
            a, b = boxes[first], boxes[second]
            apart = (
                a["x"] + a["width"] <= b["x"]
                or b["x"] + b["width"] <= a["x"]
                or a["y"] + a["height"] <= b["y"]
                or b["y"] + b["height"] <= a["y"]
            )
            assert apart, f"{first} {a} overlaps {second} {b}"
    for name in ("name", "llm", "health"):
        cut = parts[name].evaluate("(el) => el.scrollWidth > el.clientWidth + 1")
        assert not cut, f"the {name} text is cut off"
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_phone_top_bar_fits_for_an_admin_and_a_user(
    server: Server, browsers: Browsers, axe_source: str, theme: str
) -> None:
    admin = browsers.new_page(server, viewport=PHONE, color_scheme=theme)
    admin.goto("/")
    set_up_through_api(admin, server)
    create_user(admin, "uma", "Uma Lovelace-Longname")
    # The widest badge an appliance shows in practice: no backup yet and both disks near the floor (in CI the
    # host's disk once turned "1 problem" into "3 problems" and cut the appliance's name).
    free_mb = shutil.disk_usage(server.data_dir).free // 2**20
    api(admin, "PATCH", "/api/settings", {"values": {"disk_floor_mb": free_mb * 2 // 3}}, expect_status=200)
    admin.goto("/")
    expect(admin.locator(".topbar .badge")).to_have_text("3 problems")
    _top_bar_fits(admin)
    # The theme toggle is in the user menu on a phone; the button's name is still the user's.
    admin.get_by_role("button", name="admin").click()
    problems = audit(admin, axe_source, f"admin's user menu on a phone ({theme})")
    other = "light" if theme == "dark" else "dark"
    admin.get_by_role("button", name=f"Use the {other} theme").click()
    expect(admin.locator("html")).to_have_attribute("data-theme", other)

    user = browsers.new_page(server, viewport=PHONE, color_scheme=theme)
    sign_in(user, "uma")
    expect(user.locator(".user-menu__button")).to_have_text(re.compile("UL"))
    _top_bar_fits(user)
    user.get_by_role("button", name=re.compile(r"^Health: ")).click()
    panel = user.locator("#health-problems")
    expect(panel).to_be_visible()
    box = panel.bounding_box()
    assert box is not None
    assert box["x"] >= 0
    assert box["x"] + box["width"] <= PHONE["width"]
    problems += audit(user, axe_source, f"a user's health note on a phone ({theme})")
    user.keyboard.press("Escape")
    user.get_by_role("button", name=re.compile("^No LLM")).click()
    expect(user.locator("#llm-status-note")).to_be_visible()
    problems += audit(user, axe_source, f"a user's LLM note on a phone ({theme})")
    assert not problems, "\n".join(problems)
