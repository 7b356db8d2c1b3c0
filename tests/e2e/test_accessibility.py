"""axe-core (the pinned npm devDependency) finds no serious or critical problem on the foundation's pages,
in the light and the dark theme, on a desktop and a phone-sized screen."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from tests.e2e.conftest import ADMIN_NAME, ADMIN_PASSWORD, ROOT, Browsers, Server, expect, set_up_through_api

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

AXE = ROOT / "src" / "web" / "node_modules" / "axe-core" / "axe.min.js"
BLOCKING = {"serious", "critical"}
VIEWPORTS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 375, "height": 740}}


@pytest.fixture(scope="module")
def axe_source() -> str:
    if not Path(AXE).is_file():
        reason = f"{AXE.relative_to(ROOT)} is missing; run `npm ci` in src/web (build.py web does)"
        if os.environ.get("DEVCELL_E2E_REQUIRED") == "1":
            pytest.fail(reason)
        pytest.skip(reason)
    return AXE.read_text(encoding="utf-8")


def audit(page: Page, axe_source: str, label: str) -> list[str]:
    """Run axe on the page as it is now; returns one line per serious or critical violation."""
    # Evaluated through the DevTools protocol, so the page's CSP (no inline script) still holds for the app.
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(axe_source + "\n;undefined")
    result: dict[str, Any] = page.evaluate(
        "async () => await axe.run(document, {resultTypes: ['violations'], "
        "runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']}})"
    )
    problems = []
    for violation in result["violations"]:
        if violation["impact"] not in BLOCKING:
            continue
        targets = "; ".join(" ".join(node["target"]) for node in violation["nodes"][:5])
        problems.append(f"{label}: {violation['id']} ({violation['impact']}): {violation['help']} at {targets}")
    return problems


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("screen", sorted(VIEWPORTS))
def test_pages_have_no_serious_accessibility_violations(
    server: Server, browsers: Browsers, axe_source: str, scheme: str, screen: str
) -> None:
    page = browsers.new_page(server, color_scheme=scheme, viewport=VIEWPORTS[screen])
    problems: list[str] = []

    page.goto("/")
    expect(page.get_by_role("heading", name=re.compile("^Set up"))).to_be_visible()
    problems += audit(page, axe_source, "setup")

    set_up_through_api(page, server)
    page.request.post("/api/auth/logout", headers={"X-CSRF-Token": csrf_of(page)})
    page.goto("/login")
    expect(page.get_by_role("heading", name=re.compile("^Sign in"))).to_be_visible()
    page.get_by_role("button", name="Sign in").click()  # empty form: the error message is audited too
    page.get_by_label("Username").fill(ADMIN_NAME)
    page.get_by_label("Password").fill("wrong-password-1")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_be_visible()
    problems += audit(page, axe_source, "login")

    set_up_signed_in(page)
    page.goto("/")
    expect(page.get_by_role("heading", name=re.compile("^Welcome"))).to_be_visible()
    problems += audit(page, axe_source, "home")
    if screen == "phone":
        page.get_by_role("button", name="Menu").click()
        expect(page.get_by_role("navigation", name="Main")).to_be_visible()
        problems += audit(page, axe_source, "home with the menu open")

    page.goto("/profile")
    expect(page.get_by_text("This device")).to_be_visible()
    problems += audit(page, axe_source, "profile")

    page.goto("/admin/users")
    expect(page.get_by_role("button", name="Edit admin")).to_be_visible()
    problems += audit(page, axe_source, "users")
    page.get_by_role("button", name="Edit admin").click()
    expect(page.get_by_role("dialog", name="Edit admin")).to_be_visible()
    problems += audit(page, axe_source, "users, editor dialog")
    page.keyboard.press("Escape")

    page.goto("/admin/settings")
    page.get_by_label("Sign out after inactivity (minutes)").fill("1")
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_text("must be at least 5")).to_be_visible()
    problems += audit(page, axe_source, "settings with an error")

    assert not problems, "\n".join(problems)


def csrf_of(page: Page) -> str:
    return str(page.request.get("/api/auth/me").json()["csrf_token"])


def set_up_signed_in(page: Page) -> None:
    answer = page.request.post("/api/auth/login", data={"username": ADMIN_NAME, "password": ADMIN_PASSWORD})
    assert answer.status == 200, answer.text()


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("screen", sorted(VIEWPORTS))
def test_work_pages_have_no_serious_accessibility_violations(
    server: Server, browsers: Browsers, axe_source: str, scheme: str, screen: str
) -> None:
    """Dashboard, projects, tasks (list, bulk bar, board, drawer), standups (form, feed, convert dialog), history."""
    from tests.e2e.work_helpers import api

    page = browsers.new_page(server, color_scheme=scheme, viewport=VIEWPORTS[screen])
    page.goto("/")
    set_up_through_api(page, server)
    project = api(page, "POST", "/api/projects", {"name": "Apollo", "description": "# Plan\n- one"}, expect_status=201)
    project_id = project.json()["id"]
    for number, status in enumerate(["todo", "in_progress", "blocked", "done"]):
        body = {"title": f"Task {number}", "status": status, "project_id": project_id, "due_date": "2020-01-01"}
        api(page, "POST", "/api/tasks", body, expect_status=201)
    standup = {"yesterday": "- wrote tests", "today": "- ship it", "blockers": "- no database", "project_id": None}
    api(page, "POST", "/api/standups", standup, expect_status=201)
    problems: list[str] = []

    page.goto("/")
    expect(page.get_by_role("heading", name="Recent activity")).to_be_visible()
    problems += audit(page, axe_source, "dashboard")

    page.goto("/projects")
    expect(page.get_by_role("link", name="Apollo")).to_be_visible()
    problems += audit(page, axe_source, "projects")
    page.goto(f"/projects/{project_id}")
    expect(page.get_by_label("Role of admin")).to_be_visible()
    problems += audit(page, axe_source, "project")
    page.get_by_role("button", name="Delete project…").click()
    expect(page.get_by_role("alertdialog")).to_be_visible()
    problems += audit(page, axe_source, "project, delete dialog")
    page.keyboard.press("Escape")

    page.goto("/tasks?status=todo&status=blocked")
    expect(page.get_by_role("link", name="Task 0")).to_be_visible()
    page.get_by_label("Select all tasks on this page").check()
    expect(page.get_by_role("region", name="Change selected tasks")).to_be_visible()
    problems += audit(page, axe_source, "tasks with the bulk bar")
    page.get_by_role("link", name="Task 0").click()
    expect(page.get_by_role("dialog", name="Task 0")).to_be_visible()
    problems += audit(page, axe_source, "task drawer")
    page.get_by_role("tab", name="Activity").click()
    expect(page.get_by_role("tabpanel")).to_contain_text("created")
    problems += audit(page, axe_source, "task drawer, activity")
    page.keyboard.press("Escape")

    page.goto(f"/tasks?view=board&project={project_id}")
    expect(page.locator(".board-card")).to_have_count(4)
    problems += audit(page, axe_source, "board")

    page.goto("/standups")
    expect(page.get_by_text("You filed your standup")).to_be_visible()
    problems += audit(page, axe_source, "standups")
    page.get_by_role("region", name="My standup").get_by_role("button", name="Convert to tasks…").click()
    expect(page.get_by_role("dialog", name="Convert to tasks")).to_be_visible()
    problems += audit(page, axe_source, "convert dialog")
    page.keyboard.press("Escape")
    page.get_by_role("region", name="My standup").get_by_role("button", name=re.compile("^Edit")).click()
    expect(page.get_by_role("form", name="Edit standup")).to_be_visible()
    problems += audit(page, axe_source, "standup form")

    page.goto("/standups/history")
    expect(page.get_by_role("heading", name="Standup history")).to_be_visible()
    expect(page.locator(".standup")).to_have_count(1)
    problems += audit(page, axe_source, "standup history")

    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("screen", sorted(VIEWPORTS))
def test_assistant_pages_have_no_serious_accessibility_violations(
    server: Server, browsers: Browsers, axe_source: str, scheme: str, screen: str
) -> None:
    """SITREP card and page, summary panels, code review with a result, workflows list and a finished run."""
    from tests.e2e.test_assistant import CODE, answer, seed_work, set_llm, wait_for
    from tests.e2e.work_helpers import api
    from tests.fakes.llm_server import running

    page = browsers.new_page(server, color_scheme=scheme, viewport=VIEWPORTS[screen])
    page.goto("/")
    set_up_through_api(page, server)
    problems: list[str] = []
    with running() as fake:
        fake.script = answer
        set_llm(page, fake.url)
        work = seed_work(page)
        sitrep = api(page, "POST", "/api/sitreps", {"title": "Ops brief", "days": 2}, expect_status=202).json()
        run = api(page, "POST", "/api/workflows", {"pipeline": "feature", "input": "CSV export"}, 202).json()
        wait_for(page, f"/api/sitreps/{sitrep['id']}", "ready")
        wait_for(page, f"/api/workflows/{run['id']}", "succeeded")

        page.goto("/")
        expect(page.get_by_role("heading", name="Ops brief")).to_be_visible()
        page.get_by_role("button", name="Generate SITREP…").click()
        problems += audit(page, axe_source, "dashboard with the SITREP card and form")
        page.goto(f"/sitreps/{sitrep['id']}")
        expect(page.get_by_role("heading", name="Ops brief", level=2)).to_be_visible()
        problems += audit(page, axe_source, "SITREPs")

        page.goto("/standups")
        page.get_by_role("button", name="Summarise").click()
        expect(page.get_by_role("heading", name="Sources")).to_be_visible()
        problems += audit(page, axe_source, "standups with a summary")
        page.goto(f"/projects/{work['project']['id']}")
        page.get_by_role("button", name="Summarise").click()
        expect(page.get_by_role("heading", name="Sources")).to_be_visible()
        problems += audit(page, axe_source, "project with a summary")

        page.goto("/review")
        page.get_by_label("Code or unified diff").fill(CODE)
        page.get_by_role("button", name="Review", exact=True).click()
        expect(page.get_by_role("heading", name="Issues")).to_be_visible()
        problems += audit(page, axe_source, "review with a result")

        page.goto("/workflows")
        expect(page.get_by_role("link", name="CSV export")).to_be_visible()
        problems += audit(page, axe_source, "workflows")
        page.goto(f"/workflows/{run['id']}")
        expect(page.get_by_role("region", name="Create tasks")).to_be_visible()
        problems += audit(page, axe_source, "finished workflow")

    assert not problems, "\n".join(problems)
