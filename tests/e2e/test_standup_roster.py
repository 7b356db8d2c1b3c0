"""Who hasn't filed and who is away, in a real browser (issue #19, item 4): a user marks themself away on the
Profile page; the Standups page lists them as away and the others who have not filed yet."""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING

import pytest

from tests.e2e.conftest import Browsers, Server, expect, set_up_through_api
from tests.e2e.work_helpers import api, create_user, sign_in

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


def file_standup(page: Page) -> None:
    page.goto("/standups")
    form = page.get_by_role("form", name="File standup")
    form.get_by_label("Today").fill("Relay maintenance")
    form.get_by_role("button", name="File standup").click()
    expect(page.get_by_text("You filed your standup")).to_be_visible()


def test_the_day_shows_who_has_not_filed_and_who_is_away(server: Server, browsers: Browsers) -> None:
    admin = browsers.new_page(server)
    admin.goto("/")
    set_up_through_api(admin, server)
    create_user(admin, "bob", "Bob")
    create_user(admin, "zoe", "Zoe")
    zoe = browsers.new_page(server)
    sign_in(zoe, "zoe")
    zoe.goto("/profile")
    today = date.today()
    zoe.get_by_label("Away from").fill((today - timedelta(days=1)).isoformat())
    zoe.get_by_label("Away until").fill((today + timedelta(days=3)).isoformat())
    zoe.get_by_role("button", name="Save profile").click()
    expect(zoe.get_by_text("Profile saved.")).to_be_visible()

    bob = browsers.new_page(server)
    sign_in(bob, "bob")
    file_standup(bob)
    expect(bob.locator(".roster")).to_have_text("1 filed. Not filed yet: admin. Away: Zoe.")


def test_a_project_sets_its_own_standup_time_and_shows_it(server: Server, browsers: Browsers) -> None:
    admin = browsers.new_page(server)
    admin.goto("/")
    set_up_through_api(admin, server)
    project = api(admin, "POST", "/api/projects", {"name": "Apollo"}, expect_status=201).json()
    admin.goto(f"/projects/{project['id']}")
    about = admin.get_by_role("region", name="About")
    expect(about).to_contain_text("No description.")
    expect(about).not_to_contain_text("Team standup at")

    admin.get_by_role("button", name="Edit project").click()
    dialog = admin.get_by_role("dialog", name="Edit project")
    dialog.get_by_label("Team standup time").fill("09:30")
    dialog.get_by_role("button", name="Save project").click()
    expect(dialog).to_have_count(0)
    expect(about).to_contain_text("Team standup at 09:30")

    admin.get_by_role("button", name="Edit project").click()
    dialog.get_by_label("Team standup time").fill("")
    dialog.get_by_role("button", name="Save project").click()
    expect(dialog).to_have_count(0)
    expect(about).not_to_contain_text("Team standup at")
