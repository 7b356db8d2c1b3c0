"""Standup reminders at the team's standup time (a controlled clock): exactly the people who have not filed and
are not away, once a day, in their own time zone, on working days only."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from devcell.notifications.reminders import send_standup_reminders
from devcell.standups import _days
from tests.conftest import Actor
from tests.notifications.conftest import Team, inbox, unread
from tests.projects.conftest import ok

MONDAY = date(2026, 12, 7)


def at(hour: int, minute: int = 0, day: date = MONDAY) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=UTC)


def reminded(team: Team) -> list[str]:
    people: dict[str, Actor] = {"admin": team.admin, "alice": team.alice, "bob": team.bob, "carol": team.carol}
    people["dave"] = team.dave
    return sorted(name for name, actor in people.items() if any(n["kind"] == "reminder" for n in inbox(actor)))


def test_reminders_reach_who_has_not_filed_and_is_not_away(team: Team) -> None:
    ok(team.carol.patch("/api/auth/me", json={"away_from": "2026-12-07", "away_until": "2026-12-11"}))
    assert send_standup_reminders("09:30", "UTC", at(9, 29)) == 0
    assert send_standup_reminders("", "UTC", at(10)) == 0  # no standup time set: no reminders
    assert send_standup_reminders("09:30", "UTC", at(9, 30)) == 4
    assert reminded(team) == ["admin", "alice", "bob", "dave"]
    assert send_standup_reminders("09:30", "UTC", at(11)) == 0  # once a day
    [note] = [n for n in inbox(team.bob) if n["kind"] == "reminder"]
    assert note["title"] == "Time for your standup: nothing filed for 2026-12-07 yet"
    assert note["link"] == "/standups"


def test_who_filed_is_not_reminded(team: Team, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_days, "clock", lambda: at(8))  # the standups clock: Monday morning
    ok(team.bob.post("/api/standups", json={"today": "Relay work"}), 201)
    assert send_standup_reminders("09:30", "UTC", at(9, 30)) == 4
    assert reminded(team) == ["admin", "alice", "carol", "dave"]


def test_weekends_are_quiet_and_the_time_is_each_persons_own(team: Team) -> None:
    saturday = date(2026, 12, 12)
    assert send_standup_reminders("09:30", "UTC", at(12, day=saturday)) == 0
    ok(team.dave.patch("/api/auth/me", json={"time_zone": "America/New_York"}))  # UTC-5 in December
    assert send_standup_reminders("09:30", "UTC", at(10)) == 4  # everyone but dave (05:00 in New York)
    assert unread(team.dave) == 0
    assert send_standup_reminders("09:30", "UTC", at(14, 30)) == 1  # 09:30 in New York
    assert unread(team.dave) == 1


def test_a_reminder_can_be_turned_off(team: Team) -> None:
    ok(team.bob.patch("/api/notifications/preferences", json={"enabled": {"reminder": False}}))
    send_standup_reminders("09:30", "UTC", at(10))
    assert "bob" not in reminded(team)
