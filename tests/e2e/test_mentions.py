"""@mentions in a real browser (issue #19, item 2): typing @ in a standup offers only the people who can read it,
the keyboard inserts `@username`, the saved text links the person's current display name to their page, and
that page (names, open tasks, standups) has no serious accessibility problem in the light and the dark theme."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from tests.e2e.conftest import Browsers, Server, expect, set_up_through_api
from tests.e2e.test_accessibility import audit, axe_source
from tests.e2e.work_helpers import api, create_user, sign_in

if TYPE_CHECKING:
    from playwright.sync_api import Page

__all__ = ["axe_source"]  # the fixture, used by name
pytestmark = [pytest.mark.e2e, pytest.mark.slow]


def make_team(admin: Page) -> int:
    """Alice owns Apollo with Bob as a member; Dave is in no project. Returns Apollo's id."""
    for username, name in (("alice", "Alice Archer"), ("bob", "Bob Baker"), ("dave", "Dave Dunn")):
        create_user(admin, username, name)
    project_id = int(api(admin, "POST", "/api/projects", {"name": "Apollo"}, expect_status=201).json()["id"])
    for username, role in (("alice", "owner"), ("bob", "member")):
        api(admin, "POST", f"/api/projects/{project_id}/members", {"username": username, "role": role}, 201)
    task = {"title": "Rotate the relay keys", "project_id": project_id, "assignee_id": user_id(admin, "bob")}
    api(admin, "POST", "/api/tasks", task, expect_status=201)
    return project_id


def user_id(page: Page, username: str) -> int:
    return int(api(page, "GET", f"/api/people/{username}", expect_status=200).json()["id"])


def options(page: Page) -> list[str]:
    listbox = page.get_by_role("listbox", name="People to mention")
    expect(listbox).to_be_visible()
    return [text.split("@")[-1] for text in listbox.get_by_role("option").all_inner_texts()]


def test_a_standup_mention_offers_only_readers_and_links_the_person(
    server: Server, browsers: Browsers, axe_source: str
) -> None:
    admin = browsers.new_page(server)
    admin.goto("/")
    set_up_through_api(admin, server)
    make_team(admin)

    alice = browsers.new_page(server)
    sign_in(alice, "alice")
    alice.goto("/standups")
    form = alice.get_by_role("form", name="File standup")
    form.get_by_label("Project").select_option(label="Apollo")
    today = form.get_by_label("Today")
    today.press_sequentially("Pair with @")
    # Apollo's standups are for its members and the administrator: Dave cannot read it, so he is not offered.
    expect(alice.get_by_role("listbox", name="People to mention").get_by_role("option")).to_have_count(3)
    assert options(alice) == ["admin", "alice", "bob"]
    expect(today).to_have_attribute("aria-controls", "standup-today-mentions")
    today.press("ArrowDown")
    today.press("ArrowDown")
    expect(alice.get_by_role("option", name="Bob Baker")).to_have_attribute("aria-selected", "true")
    expect(today).to_have_attribute("aria-activedescendant", "standup-today-mention-2")
    today.press("Enter")
    expect(today).to_have_value("Pair with @bob ")
    expect(alice.get_by_role("listbox")).to_have_count(0)

    # Letters narrow the choice; Escape closes the list and leaves the text alone.
    today.press_sequentially("and @ali")
    assert options(alice) == ["alice"]  # only the answer for "ali" is ever shown for it
    today.press("Escape")
    expect(alice.get_by_role("listbox")).to_have_count(0)
    expect(today).to_have_value("Pair with @bob and @ali")
    today.press_sequentially("ce.")

    form.get_by_role("button", name="File standup").click()
    expect(alice.get_by_text("You filed your standup")).to_be_visible()
    link = alice.get_by_role("link", name="@Bob Baker")
    expect(link.first).to_have_attribute("href", "/people/bob")
    expect(alice.get_by_role("link", name="@Alice Archer").first).to_have_attribute("href", "/people/alice")
    link.first.click()

    expect(alice).to_have_url(f"{server.base_url}/people/bob")
    expect(alice.get_by_role("heading", name="Bob Baker", level=1)).to_be_visible()
    expect(alice.get_by_text("@bob", exact=True)).to_be_visible()
    expect(alice.get_by_role("link", name="Rotate the relay keys")).to_be_visible()
    expect(alice.get_by_text("No standups of theirs that you can read.")).to_be_visible()

    problems: list[str] = []
    for scheme in ("light", "dark"):
        page = browsers.new_page(server, color_scheme=scheme)
        sign_in(page, "alice")
        page.goto("/people/alice")
        expect(page.get_by_role("heading", name="Alice Archer", level=1)).to_be_visible()
        expect(page.get_by_role("link", name="@Bob Baker")).to_be_visible()  # her standup, with the mention
        problems += audit(page, axe_source, f"person page ({scheme})")
    assert problems == []


def test_a_note_mention_offers_everyone_for_a_note_everyone_sees(server: Server, browsers: Browsers) -> None:
    admin = browsers.new_page(server)
    admin.goto("/")
    set_up_through_api(admin, server)
    make_team(admin)
    dave = browsers.new_page(server)
    sign_in(dave, "dave")
    dave.goto("/knowledge")
    dave.get_by_role("button", name="New note").click()
    text = dave.get_by_label("Text", exact=True)
    text.press_sequentially("Ask @")
    assert options(dave) == ["admin", "alice", "bob", "dave"]
    text.press("Escape")  # closes the list, not the dialog
    expect(dave.get_by_role("listbox")).to_have_count(0)
    expect(dave.get_by_role("dialog", name="New note")).to_be_visible()
    text.press("Backspace")
    text.press_sequentially("@")
    text.press_sequentially("bo")
    assert options(dave) == ["bob"]  # the answer for "bo" is in before Tab chooses
    text.press("Tab")
    expect(text).to_have_value("Ask @bob ")
    expect(dave.get_by_role("dialog", name="New note")).to_be_visible()  # Tab chose; the dialog stays


def test_an_unknown_person_is_not_found(server: Server, browsers: Browsers) -> None:
    admin = browsers.new_page(server)
    admin.goto("/")
    set_up_through_api(admin, server)
    admin.goto("/people/nobody")
    expect(admin.get_by_role("heading", name="Person not found")).to_be_visible()
    expect(admin.get_by_text("Nobody active is called @nobody.")).to_be_visible()


def test_a_task_comment_mention_offers_the_projects_people_and_notifies_the_person(
    server: Server, browsers: Browsers
) -> None:
    admin = browsers.new_page(server)
    admin.goto("/")
    set_up_through_api(admin, server)
    make_team(admin)
    task_id = api(admin, "GET", "/api/tasks?q=relay", expect_status=200).json()["items"][0]["id"]

    alice = browsers.new_page(server)
    sign_in(alice, "alice")
    alice.goto(f"/tasks/{task_id}")
    comment = alice.get_by_label("Add a comment")
    comment.press_sequentially("Thanks @")
    offered = alice.get_by_role("listbox", name="People to mention").get_by_role("option")
    # Apollo's task: its owner, member and the administrator; Dave is in no project and cannot see it.
    expect(offered).to_have_count(3)
    assert options(alice) == ["admin", "alice", "bob"]
    comment.press_sequentially("bo")
    expect(offered).to_have_count(1)
    assert options(alice) == ["bob"]
    comment.press("Enter")
    expect(comment).to_have_value("Thanks @bob ")
    alice.get_by_role("button", name="Comment", exact=True).click()
    link = alice.locator(".comment").get_by_role("link", name="@Bob Baker")
    expect(link).to_have_attribute("href", "/people/bob")

    bob = browsers.new_page(server)
    sign_in(bob, "bob")
    mentions = api(bob, "GET", "/api/notifications", expect_status=200).json()["items"]
    assert [n["kind"] for n in mentions if n["kind"] == "mention"] == ["mention"]
