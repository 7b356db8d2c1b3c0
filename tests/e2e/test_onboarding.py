"""A new team's first steps in a real browser: setup, users, sign-in, password change, invite links."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import pytest

from tests.e2e.conftest import ADMIN_NAME, ADMIN_PASSWORD, Browsers, Server, StartServer, expect, set_up_through_api

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

ALICE_PASSWORD = "alice-pass-1234"
ALICE_NEW_PASSWORD = "alice-new-pass-5678"


def sign_in(page: Page, username: str, password: str) -> None:
    page.goto("/login")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name=re.compile("^Welcome"))).to_be_visible()


def nav(page: Page, name: str) -> None:
    page.get_by_role("navigation", name="Main").get_by_role("link", name=name, exact=True).click()


def test_first_run_to_password_change_signs_out_the_other_session(server: Server, browsers: Browsers) -> None:
    page = browsers.new_page(server)

    # A fresh instance sends everyone to first-run setup.
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/setup$"))
    page.get_by_label("Setup code").fill(server.setup_code())
    page.get_by_label("Username").fill(ADMIN_NAME)
    page.get_by_label("Display name").fill("Ada Admin")
    page.get_by_label("Password", exact=True).fill(ADMIN_PASSWORD)
    page.get_by_label("Password again").fill(ADMIN_PASSWORD)
    page.get_by_role("button", name="Create administrator").click()
    expect(page.get_by_role("heading", name=re.compile("^Welcome"))).to_be_visible()
    expect(page).to_have_url(re.compile(r"/$"))

    # Admin -> Users: create a user.
    nav(page, "Users")
    expect(page.get_by_role("heading", name="Users", exact=True)).to_be_visible()
    page.get_by_role("button", name="New user").click()
    dialog = page.get_by_role("dialog", name="New user")
    dialog.get_by_label("Username").fill("alice")
    dialog.get_by_label("Display name").fill("Alice Liddell")
    dialog.get_by_label("Password").fill(ALICE_PASSWORD)
    dialog.get_by_role("button", name="Create user").click()
    expect(dialog).to_be_hidden()
    expect(page.get_by_role("cell", name=re.compile("Alice Liddell"))).to_be_visible()

    # Log out, and log in as the new user.
    page.get_by_role("button", name="Ada Admin").click()
    page.get_by_role("button", name="Log out").click()
    expect(page).to_have_url(re.compile(r"/login$"))
    sign_in(page, "alice", ALICE_PASSWORD)
    expect(page.get_by_role("navigation", name="Main").get_by_role("link", name="Users")).to_have_count(0)
    page.goto("/admin/users")
    expect(page.get_by_role("heading", name="Administrators only")).to_be_visible()

    # The same user on a second device.
    other = browsers.new_page(server)
    sign_in(other, "alice", ALICE_PASSWORD)
    other.goto("/profile")
    expect(other.get_by_text("This device")).to_be_visible()

    # On the first device: change the password.
    nav(page, "Profile")
    expect(page.get_by_role("listitem").filter(has_text="This device")).to_be_visible()
    page.get_by_label("Current password").fill(ALICE_PASSWORD)
    page.get_by_label("New password", exact=True).fill(ALICE_NEW_PASSWORD)
    page.get_by_label("New password again").fill(ALICE_NEW_PASSWORD)
    page.get_by_role("button", name="Change password").click()
    expect(page.get_by_text("Every other session of yours was signed out")).to_be_visible()
    expect(page.locator(".item-list").first.get_by_role("listitem")).to_have_count(1)

    # The second device's session is gone: its next navigation lands on the login page.
    other.goto("/profile")
    expect(other).to_have_url(re.compile(r"/login\?next=%2Fprofile$"))
    expect(other.get_by_role("heading", name=re.compile("^Sign in"))).to_be_visible()

    # The first device stays signed in, and the new password works.
    page.reload()
    expect(page.get_by_role("heading", name="Your profile")).to_be_visible()
    sign_in(other, "alice", ALICE_NEW_PASSWORD)


def test_admin_manages_a_user_with_confirmations(server: Server, browsers: Browsers) -> None:
    page = browsers.new_page(server)
    page.goto("/")
    set_up_through_api(page, server)
    csrf = page.request.get("/api/auth/me").json()["csrf_token"]
    for name in ("bob", "carol"):
        answer = page.request.post(
            "/api/users",
            data={"username": name, "password": "user-pass-5678", "team": "Red"},
            headers={"X-CSRF-Token": csrf},
        )
        assert answer.status == 201, answer.text()

    page.goto("/admin/users")
    page.get_by_label("Search").fill("car")
    expect(page.get_by_role("button", name="Edit bob")).to_be_hidden()
    page.get_by_role("button", name="Edit carol").click()
    dialog = page.get_by_role("dialog", name="Edit carol")

    # Deactivating asks first; Escape answers no and leaves the editor open.
    dialog.get_by_role("button", name="Deactivate").click()
    confirm = page.get_by_role("alertdialog", name="Deactivate carol?")
    expect(confirm).to_be_visible()
    expect(confirm.get_by_role("button", name="Cancel")).to_be_focused()
    page.keyboard.press("Escape")
    expect(confirm).to_be_hidden()
    expect(dialog).to_be_visible()
    dialog.get_by_role("button", name="Deactivate").click()
    confirm.get_by_role("button", name="Deactivate").click()
    expect(dialog.get_by_role("button", name="Reactivate")).to_be_visible()
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    page.get_by_label("Status").select_option("false")
    expect(page.get_by_role("cell", name="Deactivated")).to_be_visible()

    # The last administrator cannot be demoted: the refusal is readable, in the dialog.
    page.get_by_label("Search").fill("")
    page.get_by_label("Status").select_option("")
    page.get_by_role("button", name="Edit admin").click()
    dialog = page.get_by_role("dialog", name="Edit admin")
    dialog.get_by_label("Role", exact=True).select_option("user")
    dialog.get_by_role("button", name="Save changes").click()
    expect(dialog.get_by_role("alert")).to_contain_text("last active administrator")
    dialog.get_by_role("button", name="Close").click()

    # Delete asks first, then the user is gone.
    page.get_by_role("button", name="Edit bob").click()
    dialog = page.get_by_role("dialog", name="Edit bob")
    dialog.get_by_role("button", name="Delete user").click()
    page.get_by_role("alertdialog", name="Delete bob?").get_by_role("button", name="Delete user").click()
    expect(dialog).to_be_hidden()
    expect(page.get_by_role("button", name="Edit bob")).to_have_count(0)


def test_invite_link_registers_a_new_account(start_server: StartServer, browsers: Browsers) -> None:
    server = start_server(DEVCELL_REGISTRATION="invite")
    page = browsers.new_page(server)
    page.goto("/")
    set_up_through_api(page, server)
    page.goto("/admin/users")
    page.get_by_label("Note").fill("for dora")
    page.get_by_role("button", name="Create invite link").click()
    expect(page.get_by_text("You will not see it again")).to_be_visible()
    link = page.get_by_role("textbox", name="Invite link").input_value()
    assert link.startswith(server.base_url + "/register?invite=")
    expect(page.get_by_role("listitem").filter(has_text="for dora")).to_contain_text("Open")

    guest = browsers.new_page(server)
    guest.goto("/register")
    expect(guest.get_by_role("alert")).to_contain_text("Registration is closed")
    guest.goto(link)
    guest.get_by_label("Username").fill("dora")
    guest.get_by_label("Password", exact=True).fill("dora-pass-1234")
    guest.get_by_label("Password again").fill("dora-pass-1234")
    guest.get_by_role("button", name="Create account").click()
    expect(guest.get_by_role("heading", name=re.compile("^Welcome"))).to_be_visible()

    # Used once: the same link says so as soon as it is opened, with no form to fill in.
    third = browsers.new_page(server)
    third.goto(link)
    expect(third.get_by_role("alert")).to_contain_text("already been used")
    expect(third.get_by_label("Username")).to_have_count(0)

    page.reload()
    expect(page.get_by_role("listitem").filter(has_text="for dora")).to_contain_text("Used")
