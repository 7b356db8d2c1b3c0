"""Due dates (told once, in the assignee's morning, with a controlled clock) and finished or failed jobs (told to
whoever started them)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from devcell.core.config import Config, load_config
from devcell.notifications.due import send_due_notes
from tests.documents.conftest import FAKE_MODEL, uploaded
from tests.notifications.conftest import Team, inbox, unread
from tests.projects.conftest import ok
from tests.tasks.conftest import new_task
from tests.waiting import wait_until

DAY = date(2026, 12, 7)  # a Monday


@pytest.fixture
def config(tmp_path: Path, backend_env: dict[str, str]) -> Config:
    return load_config({"DEVCELL_EMBEDDING_MODEL": FAKE_MODEL, **backend_env}, data_dir=tmp_path / "data")


def at(hour: int, minute: int = 0, day: date = DAY) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=UTC)


def test_due_tomorrow_arrives_once_after_the_assignees_morning(team: Team) -> None:
    bob = team.uid(team.bob)
    new_task(team.alice, "Renew certs", project_id=team.project_id, assignee_id=bob, due_date="2026-12-08")
    ok(team.bob.post("/api/notifications/read-all"))
    assert send_due_notes("UTC", at(7, 59)) == 0  # not yet morning
    assert send_due_notes("UTC", at(8, 0)) == 1
    assert send_due_notes("UTC", at(8, 15)) == 0  # once
    [note] = inbox(team.bob, unread="true")
    assert (note["kind"], note["title"], note["actor"]) == ("due", "“Renew certs” is due tomorrow", None)
    assert send_due_notes("UTC", at(9, day=DAY + timedelta(days=1))) == 0  # due today: already told
    assert send_due_notes("UTC", at(9, day=DAY + timedelta(days=2))) == 1  # overdue: told once more
    assert inbox(team.bob, unread="true")[0]["title"] == "“Renew certs” was due 2026-12-08"


def test_the_morning_is_the_assignees_own(team: Team) -> None:
    ok(team.bob.patch("/api/auth/me", json={"time_zone": "Pacific/Auckland"}))  # UTC+13 in December
    new_task(team.alice, "Kiwi task", project_id=team.project_id, assignee_id=team.uid(team.bob), due_date="2026-12-08")
    ok(team.bob.post("/api/notifications/read-all"))
    # 19:00 UTC on the 6th is 08:00 on the 7th in Auckland: the task is due tomorrow there.
    assert send_due_notes("UTC", at(19, day=DAY - timedelta(days=1))) == 1
    assert unread(team.bob) == 1


def test_done_archived_and_unassigned_tasks_are_not_reminded(team: Team) -> None:
    bob = team.uid(team.bob)
    done = new_task(team.alice, "Done", project_id=team.project_id, assignee_id=bob, due_date="2026-12-08")["id"]
    ok(team.alice.patch(f"/api/tasks/{done}", json={"status": "done"}))
    archived = new_task(team.alice, "Old", project_id=team.project_id, assignee_id=bob, due_date="2026-12-08")["id"]
    ok(team.alice.patch(f"/api/tasks/{archived}", json={"archived": True}))
    new_task(team.alice, "Nobody's", project_id=team.project_id, due_date="2026-12-08")
    assert send_due_notes("UTC", at(9)) == 0


def test_turning_due_notes_off_silences_them(team: Team) -> None:
    ok(team.bob.patch("/api/notifications/preferences", json={"enabled": {"due": False}}))
    new_task(team.alice, "Muted", project_id=team.project_id, assignee_id=team.uid(team.bob), due_date="2026-12-08")
    ok(team.bob.post("/api/notifications/read-all"))
    assert send_due_notes("UTC", at(9)) == 0
    assert unread(team.bob) == 0


def test_a_finished_indexing_job_is_told_to_who_uploaded(team: Team) -> None:
    uploaded(team.bob, "runbook.md", b"# Relay runbook\n\nRestart the relay.\n")
    note = wait_until(lambda: next((n for n in inbox(team.bob) if n["kind"] == "job"), None), what="job note")
    assert note["title"] == "Index Relay runbook finished"
    assert note["link"] == "/knowledge"
    assert unread(team.alice) == 0
