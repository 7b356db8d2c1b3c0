"""What a new team tripped over in its first hour (issue 18's walk-through), in a real browser."""

from __future__ import annotations

import re

import pytest

from tests.e2e.conftest import Browsers, Server, expect, set_up_through_api
from tests.e2e.work_helpers import api, create_user, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


def test_standup_lines_show_and_export_as_list_items(server: Server, browsers: Browsers) -> None:
    page = browsers.new_page(server)
    page.goto("/")
    set_up_through_api(page, server)
    body = {"yesterday": "Scheduled the maintenance window\nCreated project tasks", "today": "- Write the docs"}
    day = api(page, "POST", "/api/standups", body, expect_status=201).json()["day"]

    for path in ("/standups", "/standups/history"):
        page.goto(path)
        cards = page.get_by_role("article", name=re.compile("^Standup of admin"))
        expect(cards.first).to_be_visible()
        for card in cards.all():
            items = card.locator(".standup__section--yesterday").get_by_role("listitem")
            expect(items).to_have_text(["Scheduled the maintenance window", "Created project tasks"])
            expect(card.locator(".standup__section--today").get_by_role("listitem")).to_have_text(["Write the docs"])

    text = page.request.get(f"/api/standups/export?day={day}").text()
    assert "### Yesterday\n\n- Scheduled the maintenance window\n- Created project tasks\n" in text, text


def test_board_card_moves_from_the_keyboard_and_keeps_focus(server: Server, browsers: Browsers) -> None:
    page = browsers.new_page(server)
    page.goto("/")
    set_up_through_api(page, server)
    task_id = api(page, "POST", "/api/tasks", {"title": "Rotate keys"}, expect_status=201).json()["id"]
    page.goto("/tasks?view=board")
    todo = page.locator('[data-status="todo"]')
    blocked = page.locator('[data-status="blocked"]')
    expect(todo.locator(f'[data-task-id="{task_id}"]')).to_be_visible()

    menu = page.get_by_label("Status of Rotate keys")
    menu.focus()
    page.keyboard.press("ArrowDown")
    expect(menu).to_have_value("in_progress")
    expect(todo.locator(f'[data-task-id="{task_id}"]')).to_be_visible()  # the arrow only moved the selection
    page.keyboard.press("ArrowDown")
    expect(menu).to_have_value("blocked")
    expect(menu).to_be_focused()
    page.keyboard.press("Enter")
    expect(blocked.locator(f'[data-task-id="{task_id}"]')).to_be_visible()
    expect(page.get_by_text("“Rotate keys” moved to Blocked.")).to_be_visible()
    moved_menu = blocked.get_by_label("Status of Rotate keys")
    expect(moved_menu).to_be_focused()
    assert api(page, "GET", f"/api/tasks/{task_id}").json()["status"] == "blocked"

    # Back up one step, from the keyboard again; Escape puts back a selection that was not confirmed.
    page.keyboard.press("ArrowUp")
    page.keyboard.press("Escape")
    expect(moved_menu).to_have_value("blocked")
    page.keyboard.press("ArrowUp")
    page.keyboard.press("Enter")
    in_progress = page.locator('[data-status="in_progress"]')
    expect(in_progress.get_by_label("Status of Rotate keys")).to_be_focused()
    expect(page.get_by_text("“Rotate keys” moved to In progress.")).to_be_visible()


def test_new_task_and_bulk_assign_offer_only_people_who_can_work_on_the_task(
    server: Server, browsers: Browsers
) -> None:
    page = browsers.new_page(server)
    page.goto("/")
    set_up_through_api(page, server)
    create_user(page, "mia", "Mia Member")
    create_user(page, "vic", "Vic Viewer")
    project_id = api(page, "POST", "/api/projects", {"name": "Apollo"}, expect_status=201).json()["id"]
    for username, role in [("mia", "member"), ("vic", "viewer")]:
        api(page, "POST", f"/api/projects/{project_id}/members", {"username": username, "role": role}, 201)
    api(page, "POST", "/api/tasks", {"title": "Launch", "project_id": project_id}, expect_status=201)

    page.goto("/tasks")
    page.get_by_role("button", name="New task").click()
    dialog = page.get_by_role("dialog", name="New task")
    assignee = dialog.get_by_label("Assignee")
    expect(assignee.get_by_role("option", name="Vic Viewer")).to_have_count(1)  # a personal task: anyone
    dialog.get_by_label("Project").select_option(label="Apollo")
    expect(assignee.get_by_role("option", name="Mia Member")).to_have_count(1)
    expect(assignee.get_by_role("option", name="Vic Viewer")).to_have_count(0)
    expect(dialog.get_by_text("Viewers of this project can't be assigned (Vic Viewer).")).to_be_visible()
    expect(assignee).to_have_accessible_description(re.compile("Viewers of this project can't be assigned"))
    page.keyboard.press("Escape")

    page.goto(f"/tasks?project={project_id}")
    page.get_by_label("Select all tasks on this page").check()
    bulk = page.get_by_role("region", name="Change selected tasks")
    bulk_assignee = bulk.get_by_label("Assign to")
    expect(bulk_assignee.get_by_role("option", name="Mia Member")).to_have_count(1)
    expect(bulk_assignee.get_by_role("option", name="Vic Viewer")).to_have_count(0)
    expect(bulk.get_by_text("Viewers of this project can't be assigned (Vic Viewer).")).to_be_visible()

    # The server refuses the viewer too, with a field error in plain words.
    vic_id = next(p["id"] for p in api(page, "GET", "/api/people").json()["items"] if p["username"] == "vic")
    refused = api(page, "POST", "/api/tasks", {"title": "t", "project_id": project_id, "assignee_id": vic_id})
    assert refused.status == 422, refused.text()
    assert refused.json()["error"]["detail"][0]["field"] == "assignee_id"


def test_dialogs_open_on_their_first_field_and_creating_focuses_the_new_item(
    server: Server, browsers: Browsers
) -> None:
    page = browsers.new_page(server)
    page.goto("/")
    set_up_through_api(page, server)

    page.goto("/projects")
    page.get_by_role("button", name="New project").click()
    expect(page.get_by_role("dialog", name="New project").get_by_label("Name")).to_be_focused()
    page.keyboard.press("Escape")

    page.goto("/tasks")
    page.get_by_role("button", name="New task").click()
    dialog = page.get_by_role("dialog", name="New task")
    title = dialog.get_by_label("Title")
    expect(title).to_be_focused()
    page.keyboard.type("Fix the login page")  # a space on the close button would close the dialog
    expect(dialog).to_be_visible()
    expect(title).to_have_value("Fix the login page")
    page.keyboard.press("Enter")
    drawer = page.get_by_role("dialog", name="Fix the login page")
    expect(drawer).to_be_visible()
    expect(drawer.get_by_label("Title")).to_be_focused()


def test_tasks_from_my_standup_are_mine_by_default(server: Server, browsers: Browsers) -> None:
    admin = browsers.new_page(server)
    admin.goto("/")
    set_up_through_api(admin, server)
    create_user(admin, "mia", "Mia Member")
    page = browsers.new_page(server)
    sign_in(page, "mia")
    api(page, "POST", "/api/standups", {"today": "Write the docs\nReview the plan"}, expect_status=201)

    page.goto("/standups")
    page.get_by_role("region", name="My standup").get_by_role("button", name="Convert to tasks…").click()
    dialog = page.get_by_role("dialog", name="Convert to tasks")
    dialog.get_by_label("Convert “Write the docs”").check()
    dialog.get_by_label("Convert “Review the plan”").check()
    assignee = dialog.get_by_label("Assignee for the new tasks")
    expect(assignee.locator("option:checked")).to_have_text("Mia Member (me)")
    dialog.get_by_role("button", name="Create tasks").click()
    expect(dialog).to_be_hidden()
    made = api(page, "GET", "/api/tasks").json()["items"]
    assert sorted((task["title"], task["assignee"]["username"]) for task in made) == [
        ("Review the plan", "mia"),
        ("Write the docs", "mia"),
    ]


def test_a_used_invite_link_says_so_when_the_page_opens(server: Server, browsers: Browsers) -> None:
    admin = browsers.new_page(server)
    admin.goto("/")
    set_up_through_api(admin, server)
    api(admin, "PATCH", "/api/settings", {"values": {"registration": "invite"}}, expect_status=200)
    used, fresh = (api(admin, "POST", "/api/invites", {}, expect_status=201).json() for _ in range(2))
    visitor = browsers.new_page(server)
    answer = visitor.request.post(
        "/api/auth/register", data={"username": "newbie", "password": "newbie-pass-1234", "invite": used["token"]}
    )
    assert answer.status == 201, answer.text()

    late = browsers.new_page(server)
    late.goto(used["path"])
    expect(late.get_by_role("alert")).to_contain_text("This invite link has already been used")
    expect(late.get_by_label("Username")).to_have_count(0)

    welcome = browsers.new_page(server)
    welcome.goto(fresh["path"])
    expect(welcome.get_by_label("Username")).to_be_visible()
    expect(welcome.get_by_text("You were invited.")).to_be_visible()
