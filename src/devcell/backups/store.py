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
# devcell-20261126T023000Z.tar.gz, plus -safety (taken before a restore) or -upload (brought in by an admin).
NAME = re.compile(r"^devcell-(\d{8}T\d{6}Z)(?:-(safety|upload))?(?:-(\d+))?\.tar\.gz$")
KEEP_SAFETY = 3


@dataclass(frozen=True)
class Entry:
    name: str
    path: Path
    kind: str  # backup | safety | upload
    created_at: datetime
    size: int
    manifest: dict[str, Any] | None
    verify: dict[str, Any] | None


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

    def new_name(self, kind: str) -> str:
        base = "devcell-" + _stamp(utcnow()) + ("" if kind == "backup" else f"-{kind}")
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
                    kind=match.group(2) or "backup",
                    created_at=_parse_stamp(match.group(1)),
                    size=path.stat().st_size,
                    manifest=self.read_side(path.name, "manifest"),
                    verify=self.read_side(path.name, "verify"),
                )
            )
        return sorted(found, key=lambda e: (e.created_at, e.name), reverse=True)

    def delete(self, name: str) -> None:
        self.archive(name).unlink()
        for which in ("manifest", "verify"):
            self._side(name, which).unlink(missing_ok=True)


def _period_keys(when: datetime, zone: tzinfo) -> tuple[date, tuple[int, int], tuple[int, int]]:
    when = when.astimezone(zone)  # "a day" is the appliance's day: a backup at 00:30 local counts for that day
    iso = when.isocalendar()
    return when.date(), (iso.year, iso.week), (when.year, when.month)


def to_prune(entries: list[Entry], daily: int, weekly: int, monthly: int, zone: tzinfo = UTC) -> list[Entry]:
    """Which archives retention removes: the newest backup of each of the last `daily` days, `weekly` ISO weeks
    and `monthly` months is kept (one archive can count for all three), as is the newest backup of all. Days,
    weeks and months are those of `zone`, the appliance's time zone.
    Safety backups keep their own newest few; uploads are the admin's and are never pruned."""
    backups = [e for e in entries if e.kind == "backup"]  # newest first
    keep: set[str] = {backups[0].name} if backups else set()
    for index, limit in ((0, daily), (1, weekly), (2, monthly)):
        seen: list[object] = []
        for entry in backups:
            key = _period_keys(entry.created_at, zone)[index]
            if key not in seen and len(seen) < limit:
                seen.append(key)
                keep.add(entry.name)
    safety = [e for e in entries if e.kind == "safety"]
    return [e for e in backups if e.name not in keep] + safety[KEEP_SAFETY:]
