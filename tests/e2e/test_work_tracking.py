"""Work tracking as a new team uses it (issue 4's acceptance scenario), in a real browser.

The admin creates a project and adds a member and a viewer; the member files a standup, converts its blocker line
into a blocked task, drags the task to In progress on the board and comments on it; the viewer sees the task but
gets no edit controls (and the API refuses the viewer's write); the member's dashboard shows the task.
"""

from __future__ import annotations

import re

import pytest

from tests.e2e.conftest import Browsers, Server, expect, set_up_through_api
from tests.e2e.work_helpers import api, create_user, nav, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

BLOCKER = "waiting for database access"


def test_team_plans_work_from_standup_to_board(server: Server, browsers: Browsers) -> None:
    admin = browsers.new_page(server)
    admin.goto("/")
    set_up_through_api(admin, server)
    create_user(admin, "mia", "Mia Member")
    create_user(admin, "vic", "Vic Viewer")

    # The admin creates a project and adds a member and a viewer on its page.
    admin.goto("/")
    expect(admin.get_by_role("heading", name=re.compile("^Welcome"))).to_be_visible()
    nav(admin, "Projects")
    admin.get_by_role("button", name="New project").click()
    dialog = admin.get_by_role("dialog", name="New project")
    dialog.get_by_label("Name").fill("Apollo")
    dialog.get_by_label("Description").fill("Moon **landing** tooling.")
    dialog.get_by_role("button", name="Create project").click()
    expect(admin.get_by_role("heading", name="Apollo", level=1)).to_be_visible()
    expect(admin).to_have_url(re.compile(r"/projects/\d+$"))
    project_id = int(admin.url.rsplit("/", 1)[1])
    expect(admin.locator(".markdown strong")).to_have_text("landing")
    members = admin.get_by_role("region", name="Members")
    for username, role in [("mia", "Member"), ("vic", "Viewer")]:
        members.get_by_label("Username").fill(username)
        members.get_by_label("Role", exact=True).select_option(label=role)
        members.get_by_role("button", name="Add member").click()
        expect(members.get_by_role("listitem").filter(has_text=username)).to_be_visible()
    expect(members.get_by_label("Role of vic")).to_have_value("viewer")
    # The last owner cannot step down; the server's refusal is shown.
    members.get_by_label("Role of admin").select_option("member")
    expect(admin.get_by_role("alert").filter(has_text=re.compile("owner", re.I))).to_be_visible()

    # The member files a standup with a blocker line for the project.
    member = browsers.new_page(server)
    sign_in(member, "mia")
    second_tab = browsers.new_page(server, storage_state=member.context.storage_state())
    second_tab.goto("/standups")
    expect(second_tab.get_by_role("form", name="File standup")).to_be_visible()
    nav(member, "Standups")
    form = member.get_by_role("form", name="File standup")
    form.get_by_label("Yesterday").fill("- set up the repository")
    form.get_by_label("Today").fill("- write the API\n- review designs")
    form.get_by_label("Blockers").fill(f"- {BLOCKER}")
    form.get_by_label("Project").select_option(label="Apollo")
    form.get_by_role("button", name="File standup").click()
    expect(member.get_by_text("You filed your standup")).to_be_visible()

    # The same member, in a tab opened before filing, files again: the 409 opens the filed entry for editing.
    late = second_tab.get_by_role("form", name="File standup")
    late.get_by_label("Today").fill("- something else")
    late.get_by_role("button", name="File standup").click()
    expect(second_tab.get_by_text("You already filed a standup")).to_be_visible()
    edit = second_tab.get_by_role("form", name="Edit standup")
    expect(edit.get_by_label("Yesterday")).to_have_value("- set up the repository")
    expect(edit.get_by_role("button", name="Save standup")).to_be_visible()
    second_tab.close()

    # ... and converts the blocker line into a blocked task.
    mine = member.get_by_role("region", name="My standup")
    mine.get_by_role("button", name="Convert to tasks…").click()
    convert = member.get_by_role("dialog", name="Convert to tasks")
    convert.get_by_label(f"Convert “{BLOCKER}”").check()
    expect(convert.get_by_label(f"Status for “{BLOCKER}”")).to_have_value("blocked")
    expect(convert.get_by_label("Project for the new tasks")).to_have_value(str(project_id))
    convert.get_by_role("button", name="Create tasks").click()
    expect(convert).to_be_hidden()
    linked = mine.get_by_role("listitem").filter(has=member.get_by_role("link", name=BLOCKER))
    expect(linked).to_contain_text("Blocked")
    tasks = api(member, "GET", f"/api/tasks?project={project_id}").json()["items"]
    assert [(t["title"], t["status"]) for t in tasks] == [(BLOCKER, "blocked")]
    task_id = tasks[0]["id"]
    assert tasks[0]["origin_standup_id"] is not None

    # On the board, the member drags the task from Blocked to In progress.
    nav(member, "Tasks")
    member.get_by_role("navigation", name="View").get_by_role("link", name="Board").click()
    expect(member).to_have_url(re.compile(r"view=board"))
    blocked = member.locator('[data-status="blocked"]')
    in_progress = member.locator('[data-status="in_progress"]')
    card = blocked.locator(f'[data-task-id="{task_id}"]')
    expect(card).to_be_visible()
    card.drag_to(in_progress)
    expect(in_progress.locator(f'[data-task-id="{task_id}"]')).to_be_visible()
    expect(member.get_by_text("moved to In progress")).to_be_visible()
    assert api(member, "GET", f"/api/tasks/{task_id}").json()["status"] == "in_progress"

    # The member opens the task and comments on it.
    in_progress.get_by_role("link", name=BLOCKER).click()
    drawer = member.get_by_role("dialog", name=BLOCKER)
    expect(drawer).to_be_visible()
    expect(member).to_have_url(re.compile(rf"/tasks/{task_id}\?"))
    expect(drawer.get_by_label("Status")).to_have_value("in_progress")
    drawer.get_by_label("Add a comment").fill("Asked *ops* for access.")
    drawer.get_by_role("button", name="Comment", exact=True).click()
    expect(drawer.locator(".comment em")).to_have_text("ops")
    drawer.get_by_role("tab", name="Activity").click()
    expect(drawer.get_by_role("tabpanel")).to_contain_text("In progress")
    expect(drawer.get_by_role("button", name="Delete permanently")).to_be_visible()
    expect(drawer.get_by_role("button", name="Archive")).to_be_visible()

    # The viewer sees the task, read-only, and the API refuses the viewer's write.
    viewer = browsers.new_page(server)
    sign_in(viewer, "vic")
    viewer.goto(f"/tasks?project={project_id}")
    viewer.get_by_role("link", name=BLOCKER).click()
    seen = viewer.get_by_role("dialog", name=BLOCKER)
    expect(seen.get_by_text("In progress").first).to_be_visible()
    expect(seen.locator(".comment")).to_contain_text("Asked ops for access.")
    expect(seen.get_by_role("combobox")).to_have_count(0)
    expect(seen.get_by_role("textbox")).to_have_count(0)
    edit_controls = re.compile(r"^(Delete permanently|Archive|Restore|Comment|Edit description|Preview|\+\dd|Clear)")
    expect(seen.get_by_role("button", name=edit_controls)).to_have_count(0)
    expect(seen.get_by_role("slider")).to_have_count(0)
    refused = api(viewer, "PATCH", f"/api/tasks/{task_id}", {"status": "done"})
    assert refused.status == 403, refused.text()
    assert api(viewer, "POST", f"/api/tasks/{task_id}/comments", {"body": "hi"}).status == 403
    viewer.keyboard.press("Escape")
    viewer.goto("/tasks?view=board")
    expect(viewer.locator(f'[data-task-id="{task_id}"]')).to_be_visible()
    expect(viewer.locator(f'[data-task-id="{task_id}"]')).to_have_attribute("draggable", "false")
    expect(viewer.get_by_label(f"Status of {BLOCKER}")).to_have_count(0)

    # The member closes the drawer (back to the board) and finds the task on the dashboard.
    member.keyboard.press("Escape")
    expect(drawer).to_be_hidden()
    expect(member).to_have_url(re.compile(r"/tasks\?view=board$"))
    nav(member, "Dashboard")
    expect(member.get_by_role("heading", name="Welcome, Mia Member")).to_be_visible()
    expect(member.get_by_role("region", name="Recent activity").get_by_role("link", name=BLOCKER).first).to_be_visible()
    expect(member.get_by_role("region", name="Standup")).to_contain_text("Filed")
    project_card = member.get_by_role("region", name="My projects").get_by_role("listitem").filter(has_text="Apollo")
    expect(project_card).to_contain_text("1 in progress")
    # Quick action: a new task from the dashboard opens in the task drawer.
    member.get_by_role("button", name="New task").click()
    new_task = member.get_by_role("dialog", name="New task")
    new_task.get_by_label("Title").fill("Follow up with ops")
    new_task.get_by_label("Project").select_option(label="Apollo")
    new_task.get_by_role("button", name="+3d").click()
    new_task.get_by_role("button", name="Create task").click()
    expect(member.get_by_role("dialog", name="Follow up with ops")).to_be_visible()
    expect(member).to_have_url(re.compile(r"/tasks/\d+$"))


def test_filters_live_in_the_url_presets_and_bulk_changes(server: Server, browsers: Browsers) -> None:
    page = browsers.new_page(server)
    page.goto("/")
    set_up_through_api(page, server)
    project_id = api(page, "POST", "/api/projects", {"name": "Zeta", "description": ""}, expect_status=201).json()["id"]
    for number in range(6):
        body = {
            "title": f"Item {number}",
            "project_id": project_id if number < 4 else None,
            "priority": "urgent" if number % 2 else "low",
            "due_date": "2030-03-10",
        }
        api(page, "POST", "/api/tasks", body, expect_status=201)

    # Filters go into the URL, and a reload keeps them.
    page.goto("/tasks")
    expect(page.get_by_role("link", name=re.compile("^Item "))).to_have_count(6)
    page.get_by_label("Project").select_option(label="Zeta")
    page.get_by_text("More filters").click()
    page.get_by_role("group", name="Priority").get_by_label("Urgent").check()
    expect(page).to_have_url(re.compile(rf"/tasks\?project={project_id}&priority=urgent$"))
    expect(page.get_by_role("link", name=re.compile("^Item "))).to_have_count(2)
    page.reload()
    expect(page.get_by_label("Project")).to_have_value(str(project_id))
    expect(page.get_by_role("group", name="Priority").get_by_label("Urgent")).to_be_checked()
    expect(page.get_by_role("link", name=re.compile("^Item "))).to_have_count(2)

    # Save the filters as a preset, clear them, apply the preset, delete it.
    page.get_by_role("button", name="Save current filters").click()
    page.get_by_role("dialog", name="Save filters").get_by_label("Name").fill("Zeta urgent")
    page.get_by_role("button", name="Save preset").click()
    presets = page.get_by_role("region", name="Saved filters")
    expect(presets.get_by_role("button", name="Zeta urgent", exact=True)).to_have_attribute("aria-pressed", "true")
    page.get_by_role("button", name="Clear filters").click()
    expect(page).to_have_url(re.compile(r"/tasks$"))
    expect(page.get_by_role("link", name=re.compile("^Item "))).to_have_count(6)
    presets.get_by_role("button", name="Zeta urgent", exact=True).click()
    expect(page).to_have_url(re.compile(rf"project={project_id}"))
    expect(page.get_by_role("link", name=re.compile("^Item "))).to_have_count(2)
    presets.get_by_role("button", name="Delete preset Zeta urgent").click()
    page.get_by_role("alertdialog").get_by_role("button", name="Delete preset").click()
    expect(presets.get_by_role("button", name="Zeta urgent", exact=True)).to_have_count(0)

    # Bulk: select both rows, set the status and shift the due dates, each with one request.
    writes: list[str] = []
    page.on("request", lambda sent: writes.append(f"{sent.method} {sent.url}") if sent.method != "GET" else None)
    page.get_by_label("Select all tasks on this page").check()
    bulk = page.get_by_role("region", name="Change selected tasks")
    expect(bulk).to_contain_text("2 tasks selected")
    bulk.get_by_label("Status").select_option("done")
    bulk.get_by_role("button", name="Set status").click()
    expect(page.get_by_text("Status set: 2 tasks.")).to_be_visible()
    expect(page.locator(".task-table .badge", has_text="Done")).to_have_count(2)
    page.get_by_label("Select all tasks on this page").check()
    bulk.get_by_role("button", name=re.compile(r"^\+3d")).click()
    expect(page.get_by_text("Due dates moved: 2 tasks.")).to_be_visible()
    expect(page.get_by_role("cell", name=re.compile("Mar 13, 2030"))).to_have_count(2)
    assert [write.split(" ")[0] + " " + write.split("/", 3)[3] for write in writes] == [
        "POST api/tasks/bulk",
        "POST api/tasks/bulk",
    ], writes

    # On the board, the keyboard way: the card's status menu moves it to another column.
    page.goto(f"/tasks?view=board&project={project_id}")
    todo_card = page.locator('[data-status="todo"] .board-card', has_text="Item 0")
    expect(todo_card).to_be_visible()
    status_menu = page.get_by_label("Status of Item 0")
    status_menu.focus()
    status_menu.select_option("blocked")
    expect(page.locator('[data-status="blocked"] .board-card', has_text="Item 0")).to_be_visible()
    expect(page.get_by_text("“Item 0” moved to Blocked.")).to_be_visible()

    # Deleting the project asks what happens to its tasks; archiving them keeps them as archived personal tasks.
    page.goto(f"/projects/{project_id}")
    page.get_by_role("button", name="Delete project…").click()
    confirm = page.get_by_role("alertdialog", name="Delete Zeta?")
    confirm.get_by_role("button", name="Delete project").click()
    expect(confirm.get_by_role("alert")).to_contain_text("Choose what happens")
    confirm.get_by_label(re.compile("^Keep them as archived")).check()
    confirm.get_by_role("button", name="Delete project").click()
    expect(page).to_have_url(re.compile(r"/projects$"))
    expect(page.get_by_text("Project Zeta deleted.")).to_be_visible()
    archived = api(page, "GET", "/api/tasks?archived=true").json()
    assert sorted(task["title"] for task in archived["items"]) == [f"Item {n}" for n in range(4)]
    assert all(task["project"] is None for task in archived["items"])
