"""A forgotten password on an air-gapped box (issue #19, item 7), in a real browser: the sign-in page says who can
help; an administrator makes a one-time reset link on the Users page; the user sets a new password with it and is
signed in; the link then says it was used."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import pytest

from tests.e2e.conftest import Browsers, Server, expect, set_up_through_api
from tests.e2e.work_helpers import PASSWORD, create_user

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

NEW_PASSWORD = "brand-new-pass-77"


def sign_in_as_ada(page: Page, password: str) -> None:
    page.goto("/login")
    page.get_by_label("Username").fill("ada")
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def test_an_admin_made_reset_link_works_once(server: Server, browsers: Browsers) -> None:
    admin = browsers.new_page(server)
    admin.goto("/")
    set_up_through_api(admin, server)
    create_user(admin, "ada", "Ada")
    ada = browsers.new_page(server)
    ada.goto("/login")
    ada.get_by_text("Forgot your password?").click()
    expect(ada.get_by_text("Ask one of its administrators")).to_be_visible()

    admin.goto("/admin/users")
    admin.get_by_role("button", name="Edit ada").click()
    dialog = admin.get_by_role("dialog", name="Edit ada")
    dialog.get_by_role("button", name="Make a reset link").click()
    link = dialog.get_by_label("One-time reset link").input_value()
    assert re.search(r"/reset\?token=dcr_", link), link

    ada.goto(link)
    expect(ada.get_by_text("For the account ada.")).to_be_visible()
    ada.get_by_label("New password", exact=True).fill("short")
    ada.get_by_label("New password again").fill("different")
    ada.get_by_role("button", name="Set password and sign in").click()
    expect(ada.get_by_text("Use at least 10 characters.")).to_be_visible()
    expect(ada.get_by_text("The two passwords differ.")).to_be_visible()
    ada.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    ada.get_by_label("New password again").fill(NEW_PASSWORD)
    ada.get_by_role("button", name="Set password and sign in").click()
    expect(ada.get_by_role("heading", name=re.compile("^Welcome"))).to_be_visible()

    again = browsers.new_page(server)
    again.goto(link)
    expect(again.get_by_role("alert")).to_contain_text("already been used")
    sign_in_as_ada(again, PASSWORD)
    expect(again.get_by_role("alert")).to_contain_text("Wrong username or password")
    sign_in_as_ada(again, NEW_PASSWORD)
    expect(again.get_by_role("heading", name=re.compile("^Welcome"))).to_be_visible()
