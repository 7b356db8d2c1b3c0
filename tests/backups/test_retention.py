"""Retention keeps the newest scheduled backup of each recent day, ISO week and month; safety backups apart;
manual backups, uploads and pinned archives are never removed."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from starlette.applications import Starlette

from devcell.backups._store import BackupDir, Entry, kind_of, to_prune
from devcell.backups.service import BACKUPS
from devcell.core.config import Config
from tests.backups.conftest import backup_now
from tests.conftest import Actor

NOW = datetime(2026, 11, 26, 2, 30, tzinfo=UTC)  # a Thursday


def entry(days_ago: float, origin: str = "scheduled", pinned: bool = False) -> Entry:
    when = NOW - timedelta(days=days_ago)
    name = f"devcell-{when:%Y%m%dT%H%M%S}Z{'' if origin == 'scheduled' else '-' + origin}.tar.gz"
    return Entry(name, Path(name), kind_of(origin), when, 1, None, None, pinned)


def kept(entries: list[Entry], daily: int, weekly: int, monthly: int, zone: str = "UTC") -> list[float]:
    doomed = {e.name for e in to_prune(entries, daily, weekly, monthly, ZoneInfo(zone))}
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


def test_manual_backups_are_never_pruned_nor_counted() -> None:
    # A hand-made backup between two nightly ones takes no day's place and is kept however old it is.
    entries = [entry(0), entry(0.5, "manual"), entry(1), entry(2), entry(40, "manual")]
    assert kept(entries, 2, 0, 0) == [0, 0.5, 1, 40]


def test_a_pinned_scheduled_backup_is_kept_and_counts_for_nothing() -> None:
    # Day 1 is pinned: it stays, and the two days retention keeps are still days 0 and 2.
    entries = [entry(0), entry(1, pinned=True), entry(2), entry(3), entry(4, pinned=True)]
    assert kept(entries, 2, 0, 0) == [0, 1, 2, 4]


def test_a_pinned_safety_backup_is_kept_beside_the_newest_three() -> None:
    entries = [entry(d, "safety", pinned=d == 4) for d in range(6)]
    assert kept(entries, 0, 0, 0) == [0, 1, 2, 4]


def test_archives_named_before_origins_existed_count_as_scheduled() -> None:
    old = Entry("devcell-20261120T023000Z.tar.gz", Path("x"), "backup", NOW - timedelta(days=6), 1, None, None)
    assert old.origin == "scheduled"
    assert to_prune([entry(0), old], 1, 0, 0) == [old]


def test_of_backups_made_in_one_second_the_numbered_one_is_newer(tmp_path: Path) -> None:
    # The nightly job right after "Back up now" can land in the same second: its "-2" is the newer archive.
    for name in ("devcell-20261126T023000Z.tar.gz", "devcell-20261126T023000Z-2.tar.gz"):
        (tmp_path / name).write_bytes(b"x")
    entries = BackupDir(tmp_path).entries()
    assert [e.name for e in entries] == ["devcell-20261126T023000Z-2.tar.gz", "devcell-20261126T023000Z.tar.gz"]
    assert [e.name for e in to_prune(entries, 1, 0, 0)] == ["devcell-20261126T023000Z.tar.gz"]


def at(stamp: str) -> Entry:
    when = datetime.strptime(stamp, "%Y-%m-%d %H:%M").replace(tzinfo=UTC)
    return Entry(f"devcell-{when:%Y%m%dT%H%M%S}Z.tar.gz", Path("x"), "backup", when, 1, None, None)


def names_kept(entries: list[Entry], daily: int, weekly: int, monthly: int, zone: str) -> list[str]:
    doomed = {e.name for e in to_prune(entries, daily, weekly, monthly, ZoneInfo(zone))}
    return [f"{e.created_at:%d %H:%M}" for e in entries if e.name not in doomed]


AROUND_MIDNIGHT = [at("2026-11-26 02:30"), at("2026-11-25 23:30"), at("2026-11-25 22:30"), at("2026-11-24 22:30")]


def test_days_are_counted_in_utc_when_the_appliance_is_on_utc() -> None:
    assert names_kept(AROUND_MIDNIGHT, 2, 0, 0, "UTC") == ["26 02:30", "25 23:30"]


def test_days_are_the_appliances_local_days_around_midnight() -> None:
    # Berlin (UTC+1): 23:30 UTC on the 25th is 00:30 on the 26th, the same local day as 02:30 UTC; 22:30 UTC
    # is 23:30 on the 25th, that day's newest backup.
    assert names_kept(AROUND_MIDNIGHT, 2, 0, 0, "Europe/Berlin") == ["26 02:30", "25 22:30"]
    # New York (UTC-5): 02:30 UTC on the 26th is 21:30 on the 25th, so it is the 25th's newest.
    assert names_kept(AROUND_MIDNIGHT, 2, 0, 0, "America/New_York") == ["26 02:30", "24 22:30"]


def test_months_and_weeks_turn_at_local_midnight() -> None:
    # 30 Nov 23:30 UTC is already 1 December (a Tuesday, but still ISO week 49 from Monday 30 Nov) in Berlin.
    entries = [at("2026-12-01 02:00"), at("2026-11-30 23:30"), at("2026-11-30 22:30")]
    assert names_kept(entries, 0, 0, 2, "UTC") == ["01 02:00", "30 23:30"]
    assert names_kept(entries, 0, 0, 2, "Europe/Berlin") == ["01 02:00", "30 22:30"]
    sunday_night = [at("2026-11-29 23:30"), at("2026-11-29 22:30")]  # Sunday 29 Nov UTC
    assert names_kept(sunday_night, 0, 2, 0, "UTC") == ["29 23:30"]
    assert names_kept(sunday_night, 0, 2, 0, "Europe/Berlin") == ["29 23:30", "29 22:30"]


def test_the_time_zone_setting_drives_retention(app: Starlette, admin: Actor, config: Config) -> None:
    backups = config.data_dir / "backups"
    backups.mkdir(parents=True, exist_ok=True)
    for entry in AROUND_MIDNIGHT:
        (backups / entry.name).write_bytes(b"x")
    admin.patch(
        "/api/settings",
        json={
            "values": {
                "backup_keep_daily": 2,
                "backup_keep_weekly": 0,
                "backup_keep_monthly": 0,
                "time_zone": "Europe/Berlin",
            }
        },
    )
    pruned = app.state.need(BACKUPS).prune()
    assert sorted(pruned) == sorted([AROUND_MIDNIGHT[1].name, AROUND_MIDNIGHT[3].name])


def test_backup_dir_setting_is_used(admin: Actor, tmp_path: Path) -> None:
    usb = tmp_path / "usb" / "devcell"
    usb.mkdir(parents=True)  # a missing folder is refused (tests/backups/test_folders.py)
    assert admin.patch("/api/settings", json={"values": {"backup_dir": str(usb)}}).status_code == 200
    name = backup_now(admin)
    assert (usb / name).is_file()
    assert admin.get("/api/backups").json()["directory"] == str(usb)


def test_relative_backup_dir_is_refused(admin: Actor) -> None:
    response = admin.patch("/api/settings", json={"values": {"backup_dir": "backups"}})
    assert response.status_code == 422
    assert "absolute path" in response.json()["error"]["message"]
