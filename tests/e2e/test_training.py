"""Training in a real browser with the fake LLM server: without an LLM the page says where to set one; then the
admin loads the sample roadmap, previews and edits the units the model made, stores the plan, seeds tasks from
it with a start date, and sees the progress per week follow the tasks."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from tests.e2e.conftest import Browsers, Server, expect, set_up_through_api
from tests.e2e.test_accessibility import AXE, VIEWPORTS, audit
from tests.e2e.work_helpers import api
from tests.fakes.llm_server import running

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

UNITS = [
    {"title": "Install the package", "description": "apt install ./devcell.deb", "week": 1, "priority": "high"},
    {"title": "Create the first administrator", "description": "Use the setup code.", "week": 1},
    {"title": "Run the self-check", "description": "devcell check", "week": 1, "priority": "normal"},
    {"title": "Point backups at a second disk", "description": "Set backup_dir.", "week": 3, "priority": "high"},
    {"title": "Restore drill on a spare machine", "description": "devcell restore", "week": 3, "priority": "urgent"},
]


def model_answer(body: dict[str, Any]) -> str:
    """A chatty model: prose and a fenced block around the JSON of the part's units (weeks 1 and 3 have some; for
    the other weeks it answers with none, so they are named as not turned into units)."""
    found = re.search(r"## Week (\d+)", body["messages"][1]["content"])
    week = int(found.group(1)) if found else 0
    units = [{k: v for k, v in unit.items() if k != "week"} for unit in UNITS if unit["week"] == week]
    return f"Here are the units:\n```json\n{json.dumps({'units': units})}\n```\nGood luck!"


def test_import_the_sample_preview_store_seed_and_follow_progress(server: Server, browsers: Browsers) -> None:
    page = browsers.new_page(server)
    page.goto("/")
    set_up_through_api(page, server)
    project_id = api(page, "POST", "/api/projects", {"name": "Ops"}, expect_status=201).json()["id"]

    # No LLM yet: the sample cannot be turned into units, and the admin is pointed at the settings.
    page.goto("/training")
    expect(page.get_by_role("heading", name="Training", exact=True)).to_be_visible()
    expect(page.get_by_text("No training plans yet.")).to_be_visible()
    page.get_by_role("button", name="Import a roadmap").click()
    form = page.get_by_role("form", name="Import a roadmap")
    expect(form.get_by_label("Project", exact=True)).to_have_value(str(project_id))
    form.get_by_role("button", name="Load the sample").click()
    expect(form.get_by_label("Roadmap", exact=True)).to_have_value(re.compile("^# Operating a DevCell appliance"))
    form.get_by_role("button", name="Preview units").click()
    alert = form.get_by_role("alert")
    expect(alert).to_contain_text("No LLM is configured")
    expect(alert.get_by_role("link", name="Open the LLM settings")).to_have_attribute("href", "/admin/settings")

    with running() as fake:
        fake.script = model_answer
        settings = {"values": {"llm_base_url": fake.url, "llm_model": "fake"}}
        api(page, "PATCH", "/api/settings", settings, expect_status=200)

        form.get_by_role("button", name="Preview units").click()
        preview = page.get_by_role("region", name="Preview: 5 units")
        expect(preview).to_be_visible()
        assert "## Week 7: Upgrades and recovery" in fake.requests[-1]["messages"][1]["content"]
        expect(page.get_by_text(re.compile("5 part\\(s\\) was not usable, so they have no units"))).to_be_visible()

    # Edit before storing: drop a unit, rename another, move one to week 2.
    expect(preview.get_by_label("Plan title")).to_have_value("Operating a DevCell appliance")
    preview.get_by_role("button", name="Remove unit 3: Run the self-check").click()
    page.get_by_role("region", name="Preview: 4 units").get_by_label("Title of unit 2").fill("Create the admin")
    page.get_by_label("Week of unit 3").fill("2")
    page.get_by_role("button", name="Store plan in Ops").click()

    expect(page).to_have_url(re.compile(r"/training/\d+$"))
    plan_id = int(page.url.rsplit("/", 1)[1])
    expect(page.get_by_role("heading", name="Operating a DevCell appliance", level=1)).to_be_visible()
    for week in (1, 2, 3):
        expect(page.get_by_role("heading", name=f"Week {week}", exact=True)).to_be_visible()
    expect(page.get_by_text("Create the admin", exact=True)).to_be_visible()
    expect(page.get_by_text("Run the self-check")).to_have_count(0)

    # Seed every unit with a start date; each is due at the end of its week.
    seed = page.get_by_role("form", name="Seed tasks")
    seed.get_by_label("Start date (first day of week 1)").fill("2026-03-02")
    seed.get_by_role("button", name="Select all units without a task").click()
    seed.get_by_role("button", name="Create 4 tasks").click()
    expect(page.get_by_role("status").filter(has_text="Created 4 tasks.")).to_be_visible()
    task_links = page.locator("a.training-unit__task")
    expect(task_links).to_have_count(4)
    plan = api(page, "GET", f"/api/training/plans/{plan_id}", expect_status=200).json()
    dues = {unit["title"]: unit["task_due_date"] for unit in plan["units"]}
    assert dues == {
        "Install the package": "2026-03-08",
        "Create the admin": "2026-03-08",
        "Point backups at a second disk": "2026-03-15",
        "Restore drill on a spare machine": "2026-03-22",
    }
    first_task = plan["units"][0]["task_id"]
    expect(task_links.first).to_have_attribute("href", f"/tasks/{first_task}")

    # Every unit has its task now: nothing is left to select, so nothing can be seeded twice from the page.
    seed.get_by_role("button", name="Select all units without a task").click()
    expect(seed.get_by_role("button", name="Select units to seed")).to_be_disabled()

    # Progress follows the tasks: one done, one in progress in week 1.
    api(page, "PATCH", f"/api/tasks/{first_task}", {"status": "done"}, expect_status=200)
    api(page, "PATCH", f"/api/tasks/{plan['units'][1]['task_id']}", {"status": "in_progress"}, expect_status=200)
    page.reload()
    progress = page.get_by_role("region", name="Progress")
    expect(progress.get_by_text("1 of 4 units done (25 %)", exact=False)).to_be_visible()
    week_one = progress.get_by_role("listitem").filter(has_text="Week 1")
    expect(week_one).to_contain_text("1 of 2 done, 1 in progress, all have tasks")
    expect(week_one.get_by_role("img", name="Week 1: 50 % done")).to_be_visible()

    # The task link opens the task; the list shows the plan with its progress.
    task_links.first.click()
    expect(page).to_have_url(re.compile(f"/tasks/{first_task}$"))
    page.goto("/training")
    row = page.get_by_role("row").filter(has_text="Operating a DevCell appliance")
    expect(row).to_contain_text("4 in 3 weeks")
    expect(row).to_contain_text("25 %")


@pytest.fixture(scope="module")
def axe_js() -> str:
    if not AXE.is_file():  # test_accessibility.py fails or skips for it (DEVCELL_E2E_REQUIRED)
        pytest.skip(f"{AXE} is missing; run `npm ci` in src/web")
    return AXE.read_text(encoding="utf-8")


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("screen", sorted(VIEWPORTS))
def test_training_pages_have_no_serious_accessibility_violations(
    server: Server, browsers: Browsers, axe_js: str, scheme: str, screen: str
) -> None:
    """The import preview (from pasted JSON: no LLM needed), the plan list, and a plan with seeded tasks."""
    page = browsers.new_page(server, color_scheme=scheme, viewport=VIEWPORTS[screen])
    page.goto("/")
    set_up_through_api(page, server)
    project_id = api(page, "POST", "/api/projects", {"name": "Ops"}, expect_status=201).json()["id"]
    body = {"project_id": project_id, "title": "Ops basics", "units": UNITS}
    plan = api(page, "POST", "/api/training/plans", body, expect_status=201).json()
    seed = {"unit_ids": [u["id"] for u in plan["units"][:3]], "start_date": "2026-03-02"}
    created = api(page, "POST", f"/api/training/plans/{plan['id']}/seed", seed, expect_status=201).json()["created"]
    api(page, "PATCH", f"/api/tasks/{created[0]['task_id']}", {"status": "done"}, expect_status=200)
    problems: list[str] = []

    page.goto("/training")
    expect(page.get_by_role("link", name="Ops basics")).to_be_visible()
    problems += audit(page, axe_js, "training plans")
    page.get_by_role("button", name="Import a roadmap").click()
    page.get_by_label("Roadmap", exact=True).fill(json.dumps(UNITS))
    page.get_by_role("button", name="Preview units").click()
    expect(page.get_by_role("region", name="Preview: 5 units")).to_be_visible()
    problems += audit(page, axe_js, "import preview")

    page.goto(f"/training/{plan['id']}")
    expect(page.get_by_role("heading", name="Ops basics", level=1)).to_be_visible()
    problems += audit(page, axe_js, "plan")
    assert not problems, "\n".join(problems)
