"""The backup directory: archive names, their side files (manifest, last verify), listing, retention, deletion."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, tzinfo
from pathlib import Path
from typing import Any

import orjson

from devcell.core.db import utcnow
from devcell.core.errors import NotFound

SUFFIX = ".tar.gz"
# Who made an archive is in its name, so it stays known when the backup disk is copied to another appliance or
# the data is restored: devcell-20261126T023000Z.tar.gz is the schedule's, and a suffix names any other origin:
# -manual (a person: "Back up now" or `devcell backup`), -safety (taken before a restore), -upload (brought in by
# an admin). Archives written before manual backups had their suffix carry none and so count as scheduled: they
# were made before this rule existed, and treating them as the schedule's keeps retention working on them.
NAME = re.compile(r"^devcell-(\d{8}T\d{6}Z)(?:-(manual|safety|upload))?(?:-(\d+))?\.tar\.gz$")
ORIGINS = ("scheduled", "manual", "safety", "upload")
KEEP_SAFETY = 3


@dataclass(frozen=True)
class Entry:
    name: str
    path: Path
    kind: str  # backup | safety | upload (a manual backup is a backup: it counts as the newest one for health)
    created_at: datetime
    size: int
    manifest: dict[str, Any] | None
    verify: dict[str, Any] | None
    pinned: bool = False  # an admin asked to keep it: retention never removes it

    @property
    def origin(self) -> str:
        """scheduled | manual | safety | upload, read from the name (see NAME)."""
        return origin_of(self.name)


def origin_of(name: str) -> str:
    match = NAME.match(name)
    return (match.group(2) if match else None) or "scheduled"


def kind_of(origin: str) -> str:
    return "backup" if origin in ("scheduled", "manual") else origin


class BackupNotFound(NotFound):
    code = "backup_not_found"


def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def _parse_stamp(stamp: str) -> datetime:
    return datetime.strptime(stamp, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)


class BackupDir:
    """One directory of archives. Side files sit next to each archive, so a backup disk moved to another
    appliance still says what each archive holds and when it was last verified."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def ensure(self) -> Path:
        self.path.mkdir(mode=0o750, parents=True, exist_ok=True)
        return self.path

    def new_name(self, origin: str) -> str:
        if origin not in ORIGINS:
            raise ValueError(f"unknown backup origin {origin!r}")
        base = "devcell-" + _stamp(utcnow()) + ("" if origin == "scheduled" else f"-{origin}")
        name, n = base + SUFFIX, 1
        while (self.path / name).exists():
            n += 1
            name = f"{base}-{n}{SUFFIX}"
        return name

    def archive(self, name: str) -> Path:
        """The path of an existing archive; 404 for anything that is not one of ours (no path tricks)."""
        if not NAME.match(name) or not (self.path / name).is_file():
            raise BackupNotFound(f"There is no backup named {name!r} in {self.path}.")
        return self.path / name

    def _side(self, name: str, which: str) -> Path:
        return self.path / f"{name}.{which}.json"

    def write_side(self, name: str, which: str, data: dict[str, Any]) -> None:
        target = self._side(name, which)
        partial = target.with_name("." + target.name + ".partial")
        partial.write_bytes(orjson.dumps(data, option=orjson.OPT_INDENT_2))
        os.replace(partial, target)

    def read_side(self, name: str, which: str) -> dict[str, Any] | None:
        try:
            data = orjson.loads(self._side(name, which).read_bytes())
        except (OSError, orjson.JSONDecodeError):
            return None
        return data if isinstance(data, dict) else None

    def entries(self) -> list[Entry]:
        """Every archive, newest first."""
        if not self.path.is_dir():
            return []
        found = []
        for path in self.path.iterdir():
            match = NAME.match(path.name)
            if match is None or not path.is_file():
                continue
            found.append(
                Entry(
                    name=path.name,
                    path=path,
                    kind=kind_of(match.group(2) or "scheduled"),
                    created_at=_parse_stamp(match.group(1)),
                    size=path.stat().st_size,
                    manifest=self.read_side(path.name, "manifest"),
                    verify=self.read_side(path.name, "verify"),
                    pinned=self.is_pinned(path.name),
                )
            )
        return sorted(found, key=_newest_first, reverse=True)

    # A pin is a side file rather than part of the name: the name is the archive's id (download links, jobs,
    # restore results point at it), and a pin comes and goes.
    def is_pinned(self, name: str) -> bool:
        return self._side(name, "pin").is_file()

    def pin(self, name: str, by: str) -> None:
        self.archive(name)
        self.write_side(name, "pin", {"pinned_at": utcnow().isoformat().replace("+00:00", "Z"), "by": by})

    def unpin(self, name: str) -> None:
        self.archive(name)
        self._side(name, "pin").unlink(missing_ok=True)

    def delete(self, name: str) -> None:
        self.archive(name).unlink()
        for which in ("manifest", "verify", "pin"):
            self._side(name, which).unlink(missing_ok=True)


def _newest_first(entry: Entry) -> tuple[datetime, int, str]:
    """Sort key: time, then the -2, -3 ... of archives made in the same second (so "-2" is the newer one)."""
    match = NAME.match(entry.name)
    return entry.created_at, int(match.group(3) or 1) if match else 1, entry.name


def _period_keys(when: datetime, zone: tzinfo) -> tuple[date, tuple[int, int], tuple[int, int]]:
    when = when.astimezone(zone)  # "a day" is the appliance's day: a backup at 00:30 local counts for that day
    iso = when.isocalendar()
    return when.date(), (iso.year, iso.week), (when.year, when.month)


def to_prune(entries: list[Entry], daily: int, weekly: int, monthly: int, zone: tzinfo = UTC) -> list[Entry]:
    """Which archives retention removes: of the scheduled backups, the newest of each of the last `daily` days,
    `weekly` ISO weeks and `monthly` months is kept (one archive can count for all three), as is the newest of
    all. Days, weeks and months are those of `zone`, the appliance's time zone.
    Only the schedule's own backups are counted and removed: manual backups and uploads are a person's and are
    never pruned (else "Back up now" followed by the nightly run lost the hand-made one), and safety backups keep
    their own newest few. Pinned archives stand outside retention: never removed and not counted, so pinning one
    changes nothing for the others."""
    loose = [e for e in entries if not e.pinned]
    backups = [e for e in loose if e.origin == "scheduled"]  # newest first
    keep: set[str] = {backups[0].name} if backups else set()
    for index, limit in ((0, daily), (1, weekly), (2, monthly)):
        seen: list[object] = []
        for entry in backups:
            key = _period_keys(entry.created_at, zone)[index]
            if key not in seen and len(seen) < limit:
                seen.append(key)
                keep.add(entry.name)
    safety = [e for e in loose if e.origin == "safety"]
    return [e for e in backups if e.name not in keep] + safety[KEEP_SAFETY:]
