"""Retention keeps the newest backup of each recent day, ISO week and month; safety backups and uploads apart."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from devcell.backups.store import Entry, to_prune
from tests.backups.conftest import backup_now
from tests.conftest import Actor

NOW = datetime(2026, 11, 26, 2, 30, tzinfo=UTC)  # a Thursday


def entry(days_ago: float, kind: str = "backup") -> Entry:
    when = NOW - timedelta(days=days_ago)
    name = f"devcell-{when:%Y%m%dT%H%M%S}Z{'' if kind == 'backup' else '-' + kind}.tar.gz"
    return Entry(name, Path(name), kind, when, 1, None, None)


def kept(entries: list[Entry], daily: int, weekly: int, monthly: int) -> list[float]:
    doomed = {e.name for e in to_prune(entries, daily, weekly, monthly)}
    return [round((NOW - e.created_at).total_seconds() / 86400, 2) for e in entries if e.name not in doomed]


def nightly(days: int) -> list[Entry]:
    return [entry(d) for d in range(days)]  # newest first, as the store lists them


def test_daily_only_keeps_the_last_days() -> None:
    assert kept(nightly(10), 3, 0, 0) == [0, 1, 2]


def test_two_backups_on_one_day_count_once() -> None:
    entries = [entry(0), entry(0.01), entry(1), entry(2)]
    assert kept(entries, 2, 0, 0) == [0, 1]


def test_weekly_keeps_the_newest_of_each_week() -> None:
    # Thursday 26 Nov back over 3 ISO weeks: Thu 26 (this week), Sun 22 (week before), Sun 15.
    assert kept(nightly(20), 1, 3, 0) == [0, 4, 11]


def test_monthly_keeps_the_newest_of_each_month() -> None:
    assert kept(nightly(70), 0, 0, 3) == [0, 26, 57]  # 26 Nov, 31 Oct, 30 Sep


def test_the_newest_backup_is_always_kept() -> None:
    assert kept(nightly(3), 0, 0, 0) == [0]


def test_uploads_are_never_pruned_and_three_safety_backups_stay() -> None:
    entries = [entry(0.5, "upload"), *[entry(d, "safety") for d in range(5)], entry(30, "upload")]
    assert kept(entries, 0, 0, 0) == [0.5, 0, 1, 2, 30]


def test_backup_dir_setting_is_used(admin: Actor, tmp_path: Path) -> None:
    usb = tmp_path / "usb" / "devcell"
    admin.patch("/api/settings", json={"values": {"backup_dir": str(usb)}})
    name = backup_now(admin)
    assert (usb / name).is_file()
    assert admin.get("/api/backups").json()["directory"] == str(usb)


def test_relative_backup_dir_is_refused(admin: Actor) -> None:
    response = admin.patch("/api/settings", json={"values": {"backup_dir": "backups"}})
    assert response.status_code == 422
    assert "absolute path" in response.json()["error"]["message"]
