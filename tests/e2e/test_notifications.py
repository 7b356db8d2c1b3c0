"""Notifications in a real browser (issue #19): an assignment and a mention reach Bob's and Carol's top bars live,
in every open tab and nobody else's; reading in one tab updates the count in the other; the inbox opens the task;
preferences on the Profile page."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import pytest

from tests.e2e.conftest import Browsers, Server, expect, set_up_through_api
from tests.e2e.work_helpers import api, create_user, sign_in

if TYPE_CHECKING:
    from playwright.sync_api import Locator, Page

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

LIVE = 30_000  # ms: a live update is one event away, but CI is a loaded 2-core machine


def bell(page: Page) -> Locator:
    return page.get_by_role("banner").get_by_role("link", name=re.compile("^Notifications"))


def person(browsers: Browsers, server: Server, username: str) -> Page:
    page = browsers.new_page(server)
    sign_in(page, username)
    return page


def test_assignment_and_mention_reach_the_right_people_live(server: Server, browsers: Browsers) -> None:
    admin = browsers.new_page(server)
    admin.goto("/")
    set_up_through_api(admin, server)
    for name in ("alice", "bob", "carol"):
        create_user(admin, name, name.title())
    alice = person(browsers, server, "alice")
    project = api(alice, "POST", "/api/projects", {"name": "Relay"}, 201).json()["id"]
    for name, role in (("bob", "member"), ("carol", "viewer")):
        api(alice, "POST", f"/api/projects/{project}/members", {"username": name, "role": role}, 201)
    bob = person(browsers, server, "bob")
    bob_second_tab = bob.context.new_page()
    bob_second_tab.goto("/tasks")
    carol = person(browsers, server, "carol")
    admin.goto("/")
    for page in (bob, bob_second_tab, carol, admin):
        expect(bell(page)).to_have_accessible_name("Notifications, none unread", timeout=LIVE)

    users = {u["username"]: u["id"] for u in api(admin, "GET", "/api/people?limit=50").json()["items"]}
    task = api(alice, "POST", "/api/tasks", {"title": "Rotate the keys", "project_id": project}, 201).json()["id"]
    api(alice, "PATCH", f"/api/tasks/{task}", {"assignee_id": users["bob"]}, 200)
    api(alice, "POST", f"/api/tasks/{task}/comments", {"body": "@carol please check the schedule"}, 201)

    for page in (bob, bob_second_tab, carol):  # no reload: the event stream brings it
        expect(bell(page)).to_have_accessible_name("Notifications, 1 unread", timeout=LIVE)
    expect(bell(admin)).to_have_accessible_name("Notifications, none unread")

    bell(bob).click()
    expect(bob.get_by_role("heading", name="Notifications")).to_be_visible()
    item = bob.get_by_role("list", name="Notifications").get_by_role("listitem")
    expect(item).to_have_count(1)
    expect(item).to_contain_text("Alice assigned you “Rotate the keys”")
    expect(item).to_contain_text("1 more update")  # the comment joined the unread assignment
    item.get_by_role("button", name="Mark read").click()
    expect(bell(bob_second_tab)).to_have_accessible_name("Notifications, none unread", timeout=LIVE)

    bell(carol).click()
    carol.get_by_role("link", name=re.compile("Alice mentioned you")).click()
    expect(carol).to_have_url(re.compile(f"/tasks/{task}$"))
    expect(bell(carol)).to_have_accessible_name("Notifications, none unread", timeout=LIVE)


def test_a_kind_turned_off_on_the_profile_page_stays_quiet(server: Server, browsers: Browsers) -> None:
    admin = browsers.new_page(server)
    admin.goto("/")
    set_up_through_api(admin, server)
    create_user(admin, "bob", "Bob")
    bob = person(browsers, server, "bob")
    bob.goto("/profile")
    section = bob.get_by_role("region", name="Notifications")
    assigned = section.get_by_label("A task is assigned to me")
    expect(assigned).to_be_checked()
    assigned.uncheck()
    expect(assigned).not_to_be_checked()
    bob.reload()
    expect(bob.get_by_role("region", name="Notifications").get_by_label("A task is assigned to me")).not_to_be_checked()
    bob_id = api(bob, "GET", "/api/auth/me").json()["user"]["id"]
    api(admin, "POST", "/api/tasks", {"title": "Quiet", "assignee_id": bob_id}, 201)
    expect(bell(bob)).to_have_accessible_name("Notifications, none unread")
    assert api(bob, "GET", "/api/notifications/unread").json() == {"unread": 0}
