"""Acceptance: with 200 standups and 2,000 tasks in the database, the SITREP prompt and both summary prompts stay
within llm_context_tokens (with the reply reserve), and each response says what was left out.

The data is inserted with the models in one write transaction (2,200 API calls would take minutes); the reads
and the prompts go through the real app over HTTP."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from devcell.accounts.models import User
from devcell.core.db import transaction
from devcell.core.prompts import prompt_tokens
from devcell.projects.models import ProjectMember
from devcell.standups.models import Standup
from devcell.tasks.models import Task, TaskActivity
from tests.assistant.briefs import project, sitrep
from tests.conftest import Actor, set_llm
from tests.fakes.llm_server import FakeLLM

STANDUPS = 200
TASKS = 2000
CONTEXT = 4000
CITE_ALL = "All of it " + "".join(f"[{n}]" for n in range(1, 300))
STATUSES = ("todo", "in_progress", "blocked", "done")
PROSE = "Worked through the integration backlog, paired on the flaky tests and wrote notes for the handover. "


def _seed(project_id: int) -> None:
    now = datetime.now(UTC)
    today = now.date()
    with transaction(write=True):
        User.insert_many(
            [
                {
                    "username": f"bulk{n:03}",
                    "password_hash": "x",
                    "created_at": now,
                    "updated_at": now,
                    "password_changed_at": now,
                }
                for n in range(STANDUPS)
            ]
        ).execute()
        people = [u.id for u in User.select(User.id).where(User.username.startswith("bulk"))]
        ProjectMember.insert_many(
            [{"project": project_id, "user": uid, "role": "member", "added_at": now} for uid in people]
        ).execute()
        Standup.insert_many(
            [
                {
                    "author": uid,
                    "day": today,
                    "yesterday": f"{n}: {PROSE * 3}",
                    "today": PROSE * 2,
                    "blockers": "Waiting for the lab network" if n % 5 == 0 else "",
                    "project": project_id,
                    "created_at": now,
                    "updated_at": now,
                }
                for n, uid in enumerate(people)
            ]
        ).execute()
        Task.insert_many(
            [
                {
                    "title": f"Bulk task {n}",
                    "description": PROSE * 2,
                    "status": STATUSES[n % 4],
                    "due_date": today + timedelta(days=n % 11 - 5),
                    "creator": people[n % STANDUPS],
                    "assignee": people[(n + 1) % STANDUPS],
                    "project": project_id,
                    "created_at": now,
                    "updated_at": now - timedelta(minutes=n),
                }
                for n in range(TASKS)
            ]
        ).execute()
        task_ids = [t.id for t in Task.select(Task.id)]
        TaskActivity.insert_many(
            [
                {
                    "task": tid,
                    "action": "updated",
                    "field": "status",
                    "old_value": "todo",
                    "new_value": "in_progress",
                    "created_at": now,
                }
                for tid in task_ids
            ]
        ).execute()


@pytest.fixture
def seeded(admin: Actor, user: Actor, fake_llm: FakeLLM) -> int:
    set_llm(admin, fake_llm.url, "fake", llm_context_tokens=CONTEXT)
    fake_llm.script = lambda body: CITE_ALL  # so `sources` lists every input that was sent
    project_id = project(user, "Big")
    _seed(project_id)
    return project_id


def _within_budget(fake: FakeLLM) -> dict[str, Any]:
    sent = fake.requests[-1]
    assert prompt_tokens(sent["messages"]) + sent["max_tokens"] <= CONTEXT
    return sent


def test_standup_summary_fits_and_says_what_was_left_out(user: Actor, fake_llm: FakeLLM, seeded: int) -> None:
    body = user.post("/api/assistant/standup-summary", json={}).json()
    sent = _within_budget(fake_llm)
    assert body["omitted"].startswith("Left out to fit the model's context: ")
    kept = len(body["sources"])
    assert f"{STANDUPS - kept} standups" in body["omitted"]
    assert body["omitted"] in sent["messages"][-1]["content"]


def test_project_summary_fits_and_says_what_was_left_out(user: Actor, fake_llm: FakeLLM, seeded: int) -> None:
    body = user.post("/api/assistant/project-summary", json={"project_id": seeded}).json()
    _within_budget(fake_llm)
    kinds = [s["kind"] for s in body["sources"]]
    assert kinds.count("project") == 1
    assert f"{STANDUPS - kinds.count('standup')} standups" in body["omitted"]
    assert f"{TASKS - kinds.count('task')} tasks" in body["omitted"]


def test_sitrep_fits_and_says_what_was_left_out(user: Actor, fake_llm: FakeLLM, seeded: int) -> None:
    done = sitrep(user, instructions="Focus on blocked work.", days=7)
    _within_budget(fake_llm)
    kinds = [s["kind"] for s in done["sources"]]
    assert kinds.count("standup") > 0
    assert kinds.count("task") > 0
    assert f"{TASKS - kinds.count('task')} tasks" in done["omitted"]
    assert f"{STANDUPS - kinds.count('standup')} standups" in done["omitted"]
    blocked_first = next(s["title"] for s in done["sources"] if s["kind"] == "task")
    assert int(blocked_first.split()[-1]) % 4 == 2  # blocked tasks are the most urgent


def test_the_default_context_also_fits(admin: Actor, user: Actor, fake_llm: FakeLLM, seeded: int) -> None:
    set_llm(admin, fake_llm.url, "fake", llm_context_tokens=3000)
    user.post("/api/assistant/standup-summary", json={"refresh": True})
    sent = fake_llm.requests[-1]
    assert prompt_tokens(sent["messages"]) + sent["max_tokens"] <= 3000
