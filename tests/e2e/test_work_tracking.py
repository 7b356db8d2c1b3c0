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
    nav(member, "Standups")
    form = member.get_by_role("form", name="File standup")
    form.get_by_label("Yesterday").fill("- set up the repository")
    form.get_by_label("Today").fill("- write the API\n- review designs")
    form.get_by_label("Blockers").fill(f"- {BLOCKER}")
    form.get_by_label("Project").select_option(label="Apollo")
    form.get_by_role("button", name="File standup").click()
    expect(member.get_by_text("You filed your standup")).to_be_visible()

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
    for control in ["Delete permanently", "Archive", "Comment", "Edit description", "+1d"]:
        expect(seen.get_by_role("button", name=control, exact=True)).to_have_count(0)
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
