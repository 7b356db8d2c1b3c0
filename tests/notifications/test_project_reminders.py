"""Standup reminders at a project's own standup time (appliance time zone, a controlled clock): exactly its members
who have not filed and are not away, and never two reminders for one person on one day."""

from __future__ import annotations

from datetime import date

import pytest

from devcell.notifications.reminders import send_standup_reminders
from devcell.standups import _days
from tests.notifications.conftest import Team, inbox
from tests.notifications.test_reminders import at, reminded
from tests.projects.conftest import add_member, new_project, ok


def set_time(team: Team, project_id: int, value: str) -> None:
    ok(team.admin.patch(f"/api/projects/{project_id}", json={"standup_time": value}))


def reminders(team: Team, name: str) -> int:
    return sum(1 for n in inbox(getattr(team, name)) if n["kind"] == "reminder")


def test_a_projects_own_time_reminds_its_members_only(team: Team) -> None:
    set_time(team, team.project_id, "08:00")
    assert send_standup_reminders("", "UTC", at(7, 59)) == 0
    assert send_standup_reminders("", "UTC", at(8)) == 3  # no global time: only Apollo's people
    assert reminded(team) == ["alice", "bob", "carol"]
    assert send_standup_reminders("", "UTC", at(12)) == 0  # once a day


def test_the_global_time_later_on_adds_nobody_twice(team: Team) -> None:
    set_time(team, team.project_id, "08:00")
    assert send_standup_reminders("09:30", "UTC", at(8)) == 3
    assert send_standup_reminders("09:30", "UTC", at(9, 30)) == 2  # admin and dave; Apollo's people had theirs
    assert reminded(team) == ["admin", "alice", "bob", "carol", "dave"]
    assert [reminders(team, name) for name in ("admin", "alice", "bob", "carol", "dave")] == [1, 1, 1, 1, 1]


def test_someone_in_two_projects_is_reminded_once_at_the_earlier_time(team: Team) -> None:
    set_time(team, team.project_id, "08:00")
    other = new_project(team.dave, "Gemini")
    add_member(team.dave, other, team.alice, "member")
    set_time(team, other, "07:00")
    assert send_standup_reminders("", "UTC", at(7)) == 2
    assert reminded(team) == ["alice", "dave"]
    assert send_standup_reminders("", "UTC", at(8)) == 2  # bob and carol; alice is not reminded again
    assert reminders(team, "alice") == 1


def test_the_project_time_is_the_appliances_clock(team: Team) -> None:
    set_time(team, team.project_id, "08:00")
    assert send_standup_reminders("", "Europe/Berlin", at(6, 59)) == 0  # 07:59 in Berlin
    assert send_standup_reminders("", "Europe/Berlin", at(7)) == 3


def test_who_filed_is_away_or_off_on_the_weekend_is_not_reminded(team: Team, monkeypatch: pytest.MonkeyPatch) -> None:
    set_time(team, team.project_id, "08:00")
    assert send_standup_reminders("", "UTC", at(9, day=date(2026, 12, 12))) == 0  # a Saturday
    monkeypatch.setattr(_days, "clock", lambda: at(7))  # the standups clock: Monday morning
    ok(team.bob.post("/api/standups", json={"today": "Relay work"}), 201)
    ok(team.carol.patch("/api/auth/me", json={"away_from": "2026-12-07", "away_until": "2026-12-08"}))
    assert send_standup_reminders("", "UTC", at(8)) == 1
    assert reminded(team) == ["alice"]


def test_an_archived_project_reminds_nobody(team: Team) -> None:
    set_time(team, team.project_id, "08:00")
    ok(team.alice.patch(f"/api/projects/{team.project_id}", json={"archived": True}))
    assert send_standup_reminders("", "UTC", at(8)) == 0
