"""The own profile in a real browser: edit and clear fields, API tokens shown once, keyboard-only use."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import pytest

from tests.e2e.conftest import ADMIN_PASSWORD, Browsers, Server, expect, set_up_through_api

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


def open_profile(page: Page, server: Server) -> None:
    page.goto("/")
    set_up_through_api(page, server)
    page.goto("/profile")
    expect(page.get_by_role("heading", name="Your profile")).to_be_visible()


def test_profile_fields_are_saved_and_cleared(server: Server, browsers: Browsers) -> None:
    page = browsers.new_page(server)
    open_profile(page, server)
    page.get_by_label("Display name").fill("Ada Lovelace")
    page.get_by_label("Team").fill("Analysts")
    page.get_by_label("Time zone").fill("Mars/Olympus")
    page.get_by_role("button", name="Save profile").click()
    expect(page.get_by_text("unknown time zone")).to_be_visible()

    page.get_by_label("Time zone").fill("Europe/Berlin")
    page.get_by_role("button", name="Save profile").click()
    expect(page.get_by_text("Profile saved.")).to_be_visible()
    expect(page.get_by_role("button", name="Ada Lovelace")).to_be_visible()  # the user menu follows at once

    page.get_by_label("Team").fill("")
    page.get_by_role("button", name="Save profile").click()
    expect(page.get_by_text("Profile saved.").first).to_be_visible()
    page.reload()
    expect(page.get_by_label("Team")).to_have_value("")
    expect(page.get_by_label("Time zone")).to_have_value("Europe/Berlin")
    expect(page.get_by_label("Display name")).to_have_value("Ada Lovelace")


def test_api_token_is_shown_once_and_can_be_revoked(server: Server, browsers: Browsers) -> None:
    page = browsers.new_page(server, permissions=["clipboard-read", "clipboard-write"])
    open_profile(page, server)
    page.get_by_label("Token name").fill("backup script")
    page.get_by_label("Expires after (days)").fill("30")
    page.get_by_role("button", name="Create token").click()
    expect(page.get_by_text("You will not see it again.")).to_be_visible()
    token = page.get_by_label("New API token").input_value()
    assert token.startswith("dct_")
    page.get_by_role("button", name="Copy", exact=True).click()
    expect(page.get_by_role("button", name="Copied", exact=True)).to_be_visible()
    assert page.evaluate("() => navigator.clipboard.readText()") == token

    bearer = {"Authorization": f"Bearer {token}"}
    me = page.request.get("/api/auth/me", headers=bearer)
    assert me.status == 200

    page.get_by_role("button", name="I have copied it").click()
    expect(page.get_by_label("New API token")).to_have_count(0)
    assert token not in page.content()
    tokens = page.get_by_role("region", name="API tokens")
    expect(tokens.get_by_role("listitem")).to_contain_text("backup script")
    expect(tokens.get_by_role("listitem")).to_contain_text("expires")

    tokens.get_by_role("button", name="Revoke backup script").click()
    page.get_by_role("alertdialog").get_by_role("button", name="Revoke token").click()
    expect(page.get_by_text("You have no API tokens.")).to_be_visible()
    assert page.request.get("/api/auth/me", headers=bearer).status == 401


def create_token_in_page(page: Page, name: str) -> dict[str, str]:
    """Create an API token on the profile page; the Bearer header that uses it."""
    page.get_by_label("Token name").fill(name)
    page.get_by_role("button", name="Create token").click()
    token = page.get_by_label("New API token").input_value()
    page.get_by_role("button", name="I have copied it").click()
    return {"Authorization": f"Bearer {token}"}


def test_password_change_keeps_api_tokens_only_when_unticked(server: Server, browsers: Browsers) -> None:
    page = browsers.new_page(server)
    open_profile(page, server)
    bearer = create_token_in_page(page, "nightly export")
    form = page.get_by_role("form", name="Password")
    box = form.get_by_label("Also revoke my API tokens")
    expect(box).to_be_checked()
    box.uncheck()
    form.get_by_label("Current password").fill(ADMIN_PASSWORD)
    form.get_by_label("New password", exact=True).fill("brand-new-pass-42")
    form.get_by_label("New password again").fill("brand-new-pass-42")
    form.get_by_role("button", name="Change password").click()
    expect(form.get_by_role("status")).to_contain_text("Password changed.")
    assert page.request.get("/api/auth/me", headers=bearer).status == 200

    box.check()
    form.get_by_label("Current password").fill("brand-new-pass-42")
    form.get_by_label("New password", exact=True).fill("third-pass-4321")
    form.get_by_label("New password again").fill("third-pass-4321")
    form.get_by_role("button", name="Change password").click()
    expect(form.get_by_role("status")).to_contain_text("Your API tokens were revoked.")
    expect(page.get_by_text("You have no API tokens.")).to_be_visible()
    assert page.request.get("/api/auth/me", headers=bearer).status == 401


def test_sign_out_everywhere_revokes_api_tokens_by_default(server: Server, browsers: Browsers) -> None:
    page = browsers.new_page(server)
    open_profile(page, server)
    bearer = create_token_in_page(page, "nightly export")
    sessions = page.get_by_role("region", name="Sessions")
    expect(sessions.get_by_label("Also revoke my API tokens")).to_be_checked()
    sessions.get_by_role("button", name="Sign out everywhere").click()
    dialog = page.get_by_role("alertdialog")
    expect(dialog).to_contain_text("all your API tokens are revoked")
    dialog.get_by_role("button", name="Sign out everywhere").click()
    expect(page).to_have_url(re.compile("/login"))
    assert page.request.get("/api/auth/me", headers=bearer).status == 401


def test_keyboard_alone_reaches_the_pages_and_the_menu(server: Server, browsers: Browsers) -> None:
    page = browsers.new_page(server, viewport={"width": 375, "height": 740})
    open_profile(page, server)
    page.goto("/")
    expect(page.get_by_role("heading", name=re.compile("^Welcome"))).to_be_visible()

    # Skip link first, then the phone menu button.
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to content")).to_be_focused()
    page.keyboard.press("Tab")
    menu = page.get_by_role("button", name="Menu")
    expect(menu).to_be_focused()
    page.keyboard.press("Enter")
    expect(menu).to_have_attribute("aria-expanded", "true")
    settings = page.get_by_role("navigation", name="Main").get_by_role("link", name="Settings")
    for _ in range(30):  # through the menu's links to Settings, with room for more pages
        page.keyboard.press("Tab")
        if settings.evaluate("link => link === document.activeElement"):
            break
    expect(settings).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Settings", exact=True)).to_be_visible()

    # The menu closes and focus continues in the new page's content, where the next Tab lands, visibly outlined.
    expect(page.get_by_role("main")).to_be_focused()
    expect(page.get_by_label("Appliance name")).to_be_visible()
    page.keyboard.press("Tab")
    expect(page.get_by_label("Appliance name")).to_be_focused()
    outline = page.evaluate("() => getComputedStyle(document.activeElement).outlineStyle")
    assert outline not in ("", "none")
