"""Admin -> Settings in a real browser: saved values persist, environment values are locked, bad values explained."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import pytest

from tests.e2e.conftest import Browsers, Server, StartServer, expect, set_up_through_api

if TYPE_CHECKING:
    from playwright.sync_api import Locator, Page

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


def open_settings(page: Page, server: Server) -> None:
    page.goto("/")
    set_up_through_api(page, server)
    page.goto("/admin/settings")
    expect(page.get_by_role("heading", name="Settings", exact=True)).to_be_visible()


def setting(page: Page, key: str) -> Locator:
    return page.locator(f"[data-setting={key}]")


def test_saved_setting_persists_and_applies_without_reload(server: Server, browsers: Browsers) -> None:
    page = browsers.new_page(server)
    open_settings(page, server)
    name = setting(page, "appliance_name")
    expect(name.locator(".setting__source")).to_have_text("Default")

    page.get_by_label("Appliance name").fill("Lab Cell")
    expect(page.get_by_text("1 unsaved change.")).to_be_visible()
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_text("Setting saved.")).to_be_visible()
    # Applied live: the top bar and the title follow without a reload.
    expect(page.locator(".topbar__name")).to_have_text("Lab Cell")
    expect(page).to_have_title("Lab Cell")

    page.reload()
    expect(page.get_by_label("Appliance name")).to_have_value("Lab Cell")
    expect(name.locator(".setting__source")).to_have_text("Saved")
    expect(name.get_by_text("Changed from default")).to_be_visible()

    # Reset to default sends null.
    name.get_by_role("button", name=re.compile("^Reset to default")).click()
    expect(page.get_by_label("Appliance name")).to_have_value("DevCell")
    expect(name.locator(".setting__source")).to_have_text("Default")
    expect(page.locator(".topbar__name")).to_have_text("DevCell")


def test_invalid_value_is_explained_and_not_saved(server: Server, browsers: Browsers) -> None:
    page = browsers.new_page(server)
    open_settings(page, server)
    minutes = page.get_by_label("Sign out after inactivity (minutes)")
    minutes.fill("1")
    page.get_by_label("Longest session (days)").fill("7")
    page.get_by_role("button", name="Save changes").click()

    # The server's message, next to the field and announced; nothing is saved (all or nothing).
    error = setting(page, "session_idle_minutes").locator(".field__error")
    expect(error).to_have_text("Must be at least 5.")
    expect(minutes).to_have_attribute("aria-invalid", "true")
    expect(minutes).to_have_accessible_description(re.compile("Must be at least 5."))
    expect(page.get_by_role("alert").filter(has_text="Nothing was saved")).to_be_visible()

    page.reload()
    expect(minutes).to_have_value("1440")
    expect(page.get_by_label("Longest session (days)")).to_have_value("30")
    expect(setting(page, "session_idle_minutes").locator(".setting__source")).to_have_text("Default")


def test_environment_setting_is_locked(start_server: StartServer, browsers: Browsers) -> None:
    server = start_server(DEVCELL_REGISTRATION="open")
    page = browsers.new_page(server)
    open_settings(page, server)
    registration = setting(page, "registration")
    expect(page.get_by_label("Registration")).to_be_disabled()
    expect(page.get_by_label("Registration")).to_have_value("open")
    expect(registration.locator(".setting__source")).to_have_text("Environment, locked")
    expect(registration).to_contain_text("DEVCELL_REGISTRATION")
    expect(registration.get_by_role("button", name=re.compile("Reset to default"))).to_have_count(0)

    # The other settings can still be saved, and the locked one is never sent.
    page.get_by_label("LLM model").fill("llama3")
    with page.expect_request(lambda sent: sent.method == "PATCH") as patch:
        page.get_by_role("button", name="Save changes").click()
    assert patch.value.post_data_json == {"values": {"llm_model": "llama3"}}
    expect(setting(page, "llm_model").locator(".setting__source")).to_have_text("Saved")

    # Open registration shows the register link on the login page.
    guest = browsers.new_page(server)
    guest.goto("/login")
    guest.get_by_role("link", name="Register").click()
    expect(guest.get_by_role("heading", name=re.compile("^Create an account"))).to_be_visible()


def test_secret_is_write_only(server: Server, browsers: Browsers) -> None:
    page = browsers.new_page(server)
    open_settings(page, server)
    key = page.get_by_label("LLM API key")
    expect(key).to_have_attribute("type", "password")
    expect(setting(page, "llm_api_key")).to_contain_text("Not set.")
    key.fill("sk-secret-1")
    page.get_by_role("button", name="Save changes").click()
    expect(setting(page, "llm_api_key")).to_contain_text("A value is set.")
    expect(key).to_have_value("")
    page.reload()
    expect(key).to_have_value("")
    settings = page.request.get("/api/settings").json()["items"]
    assert next(item for item in settings if item["key"] == "llm_api_key")["value"] is None
