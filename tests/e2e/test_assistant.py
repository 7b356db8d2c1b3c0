"""Assistant pages in a real browser against the fake OpenAI-compatible server: a SITREP generated on the dashboard
whose sources open the standups and tasks it used and which exports as Markdown; a code review in sections; a
workflow whose transcript streams until it finishes, with tasks created from its plan; a readable LLM failure."""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from tests.e2e.conftest import Browsers, Server, expect, set_up_through_api
from tests.e2e.work_helpers import api
from tests.fakes.llm_server import FakeLLM, closed_port, running

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

REVIEW = {
    "summary": "A small lookup with one injection risk.",
    "issues": [
        {
            "severity": "high",
            "title": "SQL built from user input",
            "line": 2,
            "end_line": 3,
            "detail": "The name is pasted into the query.",
            "suggestion": "Use a parameter.",
        },
        {"severity": "low", "title": "Vague name", "line": 1, "end_line": None, "detail": "`f` says nothing."},
    ],
    "suggestions": ["Add a test for names with quotes."],
}
CODE = 'def f(db, name):\n    q = "SELECT * FROM users WHERE name = \'" + name + "\'"\n    return db.execute(q)\n'
PLAN = (
    "## Plan\n- Write the CSV exporter\n- Add a download button\n- Test the export with 10,000 rows\n- None\n"
    "- Keep going\n"
)


def answer(body: dict[str, Any]) -> str:
    """The fake model: JSON for a code review; otherwise Markdown citing every numbered input of the prompt, in the
    sections a brief asks for."""
    messages = body["messages"]
    if "review code" in messages[0]["content"]:
        return json.dumps(REVIEW)
    prompt = "\n".join(str(m["content"]) for m in messages[1:])
    numbers = sorted({int(n) for n in re.findall(r"^\s*\[(\d+)\]", prompt, re.MULTILINE)})
    cited = " ".join(f"[{n}]" for n in numbers) or "[1] [2]"
    wanted = re.search(r"Write Markdown with the sections (.+?)\.\n", str(messages[0]["content"]))
    headings = [h.strip() for h in wanted.group(1).split(",")] if wanted else ["## Situation"]
    sections = "\n\n".join(f"{heading}\nThe backup work moved on {cited}." for heading in headings)
    return f"{sections}\n\n{PLAN}"


@pytest.fixture
def fake_llm() -> Iterator[FakeLLM]:
    with running() as fake:
        fake.script = answer
        yield fake


def set_llm(page: Page, url: str, model: str = "fake", **more: object) -> None:
    values = {"llm_base_url": url, "llm_model": model, **more}
    api(page, "PATCH", "/api/settings", {"values": values}, expect_status=200)


def seed_work(page: Page) -> dict[str, Any]:
    """A project with two tasks (one blocked) and today's standup that mentions them."""
    project = api(page, "POST", "/api/projects", {"name": "Apollo", "description": ""}, expect_status=201).json()
    tasks = [
        api(page, "POST", "/api/tasks", {"title": title, "status": status, "project_id": project["id"]}, 201).json()
        for title, status in [("Fix the nightly backup", "in_progress"), ("Replace the NAS disk", "blocked")]
    ]
    standup = {
        "yesterday": "- traced the backup failure",
        "today": "- fix the nightly backup",
        "blockers": "- waiting for the NAS disk",
        "project_id": project["id"],
    }
    filed = api(page, "POST", "/api/standups", standup, expect_status=201).json()
    return {"project": project, "tasks": tasks, "standup": filed}


def wait_for(page: Page, path: str, status: str, seconds: float = 60) -> dict[str, Any]:
    """Poll a SITREP or workflow until it reaches `status` (the page tests watch it in the UI instead)."""
    deadline = time.monotonic() + seconds
    while True:
        found: dict[str, Any] = api(page, "GET", path, expect_status=200).json()
        if found["status"] == status or time.monotonic() > deadline:
            assert found["status"] == status, found
            return found
        time.sleep(0.2)


def signed_in_with_llm(server: Server, browsers: Browsers, fake: FakeLLM) -> Page:
    page = browsers.new_page(server)
    page.goto("/")
    set_up_through_api(page, server)
    set_llm(page, fake.url)
    return page


def test_sitrep_on_the_dashboard_cites_and_links_its_sources_and_exports(
    server: Server, browsers: Browsers, fake_llm: FakeLLM, tmp_path: Path
) -> None:
    page = signed_in_with_llm(server, browsers, fake_llm)
    work = seed_work(page)
    page.goto("/")
    card = page.get_by_role("region", name="SITREP")
    expect(card.get_by_text("No SITREP yet")).to_be_visible()

    card.get_by_role("button", name="Generate SITREP…").click()
    expect(card.get_by_label("Instructions")).to_be_focused()
    card.get_by_label("Instructions").fill("Focus on the backup work.")
    card.get_by_label("Days back").fill("3")
    card.get_by_label("Title").fill("Ops brief")
    card.get_by_role("button", name="Generate", exact=True).click()

    expect(card.get_by_role("heading", name="Ops brief")).to_be_focused(timeout=30_000)
    expect(card.get_by_text("Ready", exact=True)).to_be_visible()
    expect(card.locator(".llm-text")).to_contain_text("The backup work moved on")
    sources = card.get_by_role("region", name="Sources")
    task_link = sources.get_by_role("link", name="Fix the nightly backup")
    expect(task_link).to_have_attribute("href", f"/tasks/{work['tasks'][0]['id']}")
    expect(sources.get_by_role("link", name="Replace the NAS disk")).to_be_visible()
    standup_link = sources.locator('a[href^="/standups?day="]').first
    expect(standup_link).to_be_visible()
    assert fake_llm.requests, "the SITREP was made without asking the model"

    # Export: the file holds the title, the text and the sources with their links.
    with page.expect_download() as download:
        card.get_by_role("link", name="Export as Markdown").click()
    exported = Path(download.value.path()).read_text(encoding="utf-8")
    assert download.value.suggested_filename.startswith("sitrep-")
    assert download.value.suggested_filename.endswith(".md")
    assert "Ops brief" in exported
    assert "The backup work moved on" in exported
    assert f"/tasks/{work['tasks'][0]['id']}" in exported
    assert "/standups?day=" in exported

    # Each source opens what it names.
    task_link.click()
    expect(page).to_have_url(re.compile(rf"/tasks/{work['tasks'][0]['id']}$"))
    expect(page.get_by_role("dialog", name="Fix the nightly backup")).to_be_visible()
    page.go_back()
    card = page.get_by_role("region", name="SITREP")
    card.get_by_role("region", name="Sources").locator('a[href^="/standups?day="]').first.click()
    expect(page).to_have_url(re.compile(r"/standups\?day=\d{4}-\d{2}-\d{2}"))
    linked = page.locator(f"#standup-{work['standup']['id']}")  # the admin's own: the My standup card
    expect(linked).to_contain_text("traced the backup failure")
    expect(linked).to_be_focused()  # the linked standup, in view

    # The SITREPs page lists it and deletes it after a confirmation.
    page.goto("/sitreps")
    page.get_by_role("navigation", name="Saved SITREPs").get_by_role("link", name="Ops brief").click()
    expect(page.get_by_role("heading", name="Ops brief", level=2)).to_be_visible()
    page.get_by_role("button", name="Delete…").click()
    page.get_by_role("alertdialog").get_by_role("button", name="Delete SITREP").click()
    expect(page.get_by_text("No SITREP yet.")).to_be_visible()


def test_standup_and_project_summaries_cite_their_sources_and_are_cached(
    server: Server, browsers: Browsers, fake_llm: FakeLLM
) -> None:
    page = signed_in_with_llm(server, browsers, fake_llm)
    work = seed_work(page)
    page.goto("/standups")
    panel = page.get_by_role("region", name=re.compile("^Summary of"))
    panel.get_by_role("button", name="Summarise").click()
    expect(panel.locator(".llm-text")).to_contain_text("The backup work moved on")
    expect(panel.get_by_role("region", name="Sources").locator('a[href^="/standups?day="]')).to_have_count(1)
    asked = len(fake_llm.requests)
    panel.get_by_role("button", name="Summarise").click()  # same inputs: the stored text, no LLM call
    expect(panel.get_by_text("Cached", exact=True)).to_be_visible()
    assert len(fake_llm.requests) == asked
    panel.get_by_role("button", name="Regenerate").click()
    expect(panel.get_by_text("Cached", exact=True)).to_be_hidden()
    assert len(fake_llm.requests) == asked + 1

    page.goto(f"/projects/{work['project']['id']}")
    panel = page.get_by_role("region", name="Summary")
    panel.get_by_label("Period").select_option("14")
    panel.get_by_role("button", name="Summarise").click()
    sources = panel.get_by_role("region", name="Sources")
    expect(sources.get_by_role("link", name="Replace the NAS disk")).to_be_visible()
    # The citation markers in the text link to the same pages as the sources list.
    expect(panel.locator(".llm-text a").first).to_have_attribute("href", re.compile(r"^/(tasks|standups|projects)"))


def test_code_review_shows_sections_and_exports(
    server: Server, browsers: Browsers, fake_llm: FakeLLM, tmp_path: Path
) -> None:
    page = signed_in_with_llm(server, browsers, fake_llm)
    page.goto("/review")
    page.get_by_label("Code or unified diff").fill(CODE)
    page.get_by_label("Language").fill("Python")
    page.get_by_label("Focus").select_option("security")
    page.get_by_role("button", name="Review", exact=True).click()

    result = page.get_by_role("region", name="Review")
    expect(result.get_by_role("heading", name="Review", level=2)).to_be_focused(timeout=30_000)
    expect(result.get_by_role("region", name="Summary")).to_contain_text("one injection risk")
    issues = result.get_by_role("region", name="Issues")
    expect(issues).to_contain_text("2 issues: 1 high, 1 low")
    expect(issues.get_by_role("heading", name="High (1)")).to_be_visible()
    expect(issues.locator(".review-issue--high")).to_contain_text("Lines 2\u20133")  # an en dash
    expect(issues.locator(".review-issue--low")).to_contain_text("Line 1")
    expect(result.get_by_role("region", name="Suggestions")).to_contain_text("names with quotes")

    with page.expect_download() as download:
        result.get_by_role("button", name="Export as Markdown").click()
    assert download.value.suggested_filename.startswith("review-python-")
    exported = Path(download.value.path()).read_text(encoding="utf-8")
    assert "## Summary" in exported
    assert "SQL built from user input" in exported

    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    result.get_by_role("button", name="Copy").click()
    expect(page.get_by_text("Review copied as Markdown.")).to_be_visible()
    assert "SQL built from user input" in page.evaluate("navigator.clipboard.readText()")

    # Too large for the context (3,000 tokens by default): the 413 message is shown as it is, readable.
    # One long line: Playwright types many short lines slowly.
    page.get_by_label("Code or unified diff").fill("data = '" + "abcd " * 4000 + "'\n")
    page.get_by_label("Code or unified diff").press("Control+Enter")  # the keyboard shortcut
    expect(page.get_by_role("alert")).to_contain_text(re.compile("smaller part|diff", re.IGNORECASE))


def test_llm_down_is_explained_with_a_settings_link(server: Server, browsers: Browsers, fake_llm: FakeLLM) -> None:
    page = signed_in_with_llm(server, browsers, fake_llm)
    set_llm(page, f"http://127.0.0.1:{closed_port()}")
    page.goto("/review")
    page.get_by_label("Code or unified diff").fill(CODE)
    page.get_by_role("button", name="Review", exact=True).click()
    alert = page.get_by_role("alert")
    expect(alert.get_by_role("link", name="Open the LLM settings")).to_have_attribute("href", "/admin/settings")

    # A SITREP is a job: it fails with the same readable reason, shown in the dashboard card.
    seed_work(page)  # with nothing to report the SITREP is written without the model
    page.goto("/")
    card = page.get_by_role("region", name="SITREP")
    card.get_by_role("button", name="Generate SITREP…").click()
    card.get_by_role("button", name="Generate", exact=True).click()
    expect(card.get_by_text("Failed", exact=True)).to_be_visible(timeout=30_000)
    expect(card.get_by_role("alert").get_by_role("link", name="Open the LLM settings")).to_be_visible()

    # No LLM at all: refused at once (503), the form says so.
    set_llm(page, "")
    card.get_by_role("button", name="Generate SITREP…").click()
    card.get_by_role("button", name="Generate", exact=True).click()
    expect(card.get_by_role("alert").filter(has_text="No LLM is configured")).to_be_visible()


def test_workflow_streams_its_transcript_and_turns_the_plan_into_tasks(
    server: Server, browsers: Browsers, fake_llm: FakeLLM
) -> None:
    page = signed_in_with_llm(server, browsers, fake_llm)
    fake_llm.piece_delay = 0.2  # the transcript arrives in pieces while the page watches
    page.goto("/workflows")
    page.get_by_label("Pipeline").select_option("feature")
    expect(page.get_by_text(re.compile("Roles: .*→"))).to_be_visible()
    page.get_by_label("Input").fill("Let users export their tasks as CSV.")
    page.get_by_label("Title").fill("CSV export")
    page.get_by_role("button", name="Start workflow").click()

    expect(page.get_by_role("heading", name="CSV export", level=1)).to_be_visible()
    transcript = page.get_by_role("region", name="Transcript")
    expect(transcript.locator(".wf-step--running")).to_have_count(1)  # live: one role writes at a time
    expect(page.get_by_role("status").filter(has_text="is writing (step")).to_be_visible()
    expect(transcript.locator(".wf-step").first).to_contain_text("The backup work moved on", timeout=30_000)
    expect(page.get_by_role("status").filter(has_text="Finished")).to_be_visible(timeout=90_000)
    expect(transcript.locator(".wf-step--done")).to_have_count(5)
    artifacts = page.get_by_role("region", name="Artifacts")
    expect(artifacts.get_by_text("Summary", exact=True)).to_be_visible()

    tasks = page.get_by_role("region", name="Create tasks")
    expect(tasks.get_by_label("Write the CSV exporter")).to_be_checked()
    # Filler a model writes as bullets is listed to tick by hand, not ticked (issue #18, item 10).
    expect(tasks.get_by_label("None", exact=True)).not_to_be_checked()
    expect(tasks.get_by_label("Keep going", exact=True)).not_to_be_checked()
    tasks.get_by_label("Test the export with 10,000 rows").uncheck()
    tasks.get_by_role("button", name="Create 2 tasks").click()
    expect(tasks.get_by_text(re.compile("tasks? created"))).to_be_visible()
    tasks.get_by_role("link", name="Write the CSV exporter").click()
    expect(page.get_by_role("dialog", name="Write the CSV exporter")).to_be_visible()


def test_cancelling_a_workflow_stops_further_llm_calls(server: Server, browsers: Browsers, fake_llm: FakeLLM) -> None:
    page = signed_in_with_llm(server, browsers, fake_llm)
    fake_llm.piece_delay = 1.0
    page.goto("/workflows")
    page.get_by_label("Pipeline").select_option("bug_triage")
    page.get_by_label("Input").fill("Backups fail on the first Sunday of the month.")
    page.get_by_role("button", name="Start workflow").click()
    transcript = page.get_by_role("region", name="Transcript")
    expect(transcript.locator(".wf-step--running")).to_have_count(1)
    page.get_by_role("button", name="Cancel run").click()
    expect(page.get_by_role("status").filter(has_text="Cancelled")).to_be_visible(timeout=30_000)
    expect(page.get_by_role("button", name="Cancel run")).to_be_hidden()
    asked = len(fake_llm.requests)
    assert asked <= 2, f"{asked} roles were asked after the cancel"
    expect(transcript.locator(".wf-step--done")).to_have_count(0)

    # The runs list shows it as cancelled; deleting it (after a confirmation) returns to the list.
    page.get_by_role("button", name="Delete…").click()
    page.get_by_role("alertdialog").get_by_role("button", name="Delete run").click()
    expect(page.get_by_role("heading", name="Workflows", level=1)).to_be_visible()
    expect(page.get_by_text("No run yet.")).to_be_visible()
