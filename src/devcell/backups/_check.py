"""Reading a backup archive back: extract into a scratch directory and prove it is whole (checksums, integrity,
row counts). Verify and restore both start here, so a restore never trusts an archive that would fail a verify."""

from __future__ import annotations

import errno
import gzip
import hashlib
import io
import re
import sqlite3
import tarfile
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from devcell.backups._archive import (
    CHUNK,
    DB_MEMBER,
    FORMAT,
    KB_PREFIX,
    MANIFEST,
    database_kind,
    schema_version,
    table_counts,
)
from devcell.backups._postgres import PG_MEMBER
from devcell.core.disk import MB, DiskProbe, InsufficientStorage, human

# Names an archive may contain: ours only, relative, no "..", no hidden tricks.
_SAFE_NAME = re.compile(r"^(?:devcell\.db|devcell\.pgdump|manifest\.json|knowledgebase/(?:[^/\x00]+/)*[^/\x00]+)$")
# DevCell writes its archives at gzip level 1, which cannot shrink anything, not even all zeros, below about 1/229
# of its size (measured); real backups unpack to 2-5 times their size (SQLite pages about 3x, PDFs about 1x). So no
# archive DevCell wrote ever comes near this ratio, and one that passes it was crafted to fill the disk.
MAX_EXPANSION = 250
# The manifest is read into memory; it lists each file with its checksum (~150 bytes), so this is ~400,000 files.
MAX_MANIFEST = 64 * MB


class ArchiveUnreadable(Exception):
    """The archive cannot be read to its end (damaged, truncated, not a DevCell backup)."""


class _Exceeded(Exception):
    """Reading on would produce more bytes than the archive's expansion cap allows."""


@dataclass(frozen=True)
class ExpansionCap:
    """The most bytes reading an archive may produce: MAX_EXPANSION times its size, and never more than the free
    space above the disk floor where it is unpacked. Counted on the unpacked stream itself, so a member's header
    cannot understate it."""

    ratio_bytes: int
    space_bytes: int
    where: Path

    @property
    def limit(self) -> int:
        return max(0, min(self.ratio_bytes, self.space_bytes))

    def refuse(self) -> Exception:
        """What to raise once the cap is reached: a crafted archive is unreadable; a real one that does not fit
        is a full disk (507), as when the disk fills up while unpacking."""
        if self.ratio_bytes <= self.space_bytes:
            return ArchiveUnreadable(
                f"it unpacks to more than {MAX_EXPANSION} times its size ({human(self.ratio_bytes)}), which no "
                "DevCell backup does; unpacking stopped there"
            )
        return InsufficientStorage(
            f"Not enough free space to unpack the archive: it needs more than the {human(max(0, self.space_bytes))} "
            f"free above the disk floor at {self.where}. Free some space (delete old backups, or use a larger "
            "disk) and try again.",
            detail={"path": str(self.where), "free_above_floor": self.space_bytes},
        )


def expansion_cap(archive: Path, scratch: Path, disk: DiskProbe, floor: int) -> ExpansionCap:
    """The cap for unpacking `archive` into `scratch`, keeping `floor` bytes free there."""
    free = disk.usage(scratch).free
    return ExpansionCap(archive.stat().st_size * MAX_EXPANSION, free - floor, scratch)


class _CappedReader(io.RawIOBase):
    """The unpacked stream, counted: it raises before handing out the byte that passes the cap, so nothing beyond
    the cap is ever written (whatever the tar headers claim)."""

    def __init__(self, raw: io.BufferedIOBase, limit: int) -> None:
        super().__init__()
        self.raw = raw
        self.limit = limit
        self.total = 0

    def readable(self) -> bool:
        return True

    def read(self, size: int | None = -1) -> bytes:
        data = self.raw.read(size)
        self.total += len(data)
        if self.total > self.limit:
            raise _Exceeded()
        return data


@dataclass
class CheckReport:
    ok: bool
    problems: list[str] = field(default_factory=list)
    manifest: dict[str, Any] | None = None
    seconds: float = 0.0
    extracted_bytes: int = 0

    @property
    def schema_version(self) -> int:
        return int((self.manifest or {}).get("schema_version", 0))


def _safe(name: str) -> bool:
    return bool(_SAFE_NAME.match(name)) and ".." not in name.split("/")


def _extract_member(tar: tarfile.TarFile, member: tarfile.TarInfo, dest: Path) -> dict[str, Any]:
    source = tar.extractfile(member)
    if source is None:
        raise ArchiveUnreadable(f"{member.name} has no content")
    dest.parent.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    size = 0
    with dest.open("wb") as out:
        while chunk := source.read(CHUNK):
            digest.update(chunk)
            size += len(chunk)
            out.write(chunk)
    return {"sha256": digest.hexdigest(), "size": size}


def _check_member(member: tarfile.TarInfo, unpacked: int, cap: ExpansionCap) -> None:
    """Refuse a member before writing any of it when its declared size alone passes the cap."""
    if not member.isfile() or not _safe(member.name):
        raise ArchiveUnreadable(f"it contains {member.name!r}, which a DevCell backup never does")
    if unpacked + member.size > cap.limit:
        raise _Exceeded()
    if member.name == MANIFEST and member.size > MAX_MANIFEST:
        raise ArchiveUnreadable(f"its manifest.json is larger than {human(MAX_MANIFEST)}")


def extract(archive: Path, scratch: Path, cap: ExpansionCap) -> tuple[dict[str, dict[str, Any]], bytes | None]:
    """Stream the archive into `scratch`, hashing every file. Returns (found members, manifest bytes)."""
    found: dict[str, dict[str, Any]] = {}
    manifest: bytes | None = None
    unpacked = 0
    try:
        # GzipFile checks the stream's CRC at its end; tarfile alone would take a damaged header for the end of the
        # archive and stop early without a word.
        with gzip.open(archive, "rb") as zipped:
            stream = _CappedReader(zipped, cap.limit)
            with tarfile.open(fileobj=stream, mode="r|") as tar:
                for member in tar:
                    _check_member(member, unpacked, cap)
                    unpacked += member.size
                    if member.name == MANIFEST:
                        source = tar.extractfile(member)
                        manifest = source.read() if source else b""
                        continue
                    found[member.name] = _extract_member(tar, member, scratch / member.name)
            while stream.read(CHUNK):
                pass  # to the end of the stream, so its checksum is checked
    except _Exceeded:
        raise cap.refuse() from None
    except (tarfile.TarError, EOFError, zlib.error) as exc:
        raise ArchiveUnreadable(f"it is damaged or cut short ({exc or type(exc).__name__})") from exc
    except OSError as exc:  # gzip's BadGzipFile is an OSError too
        if exc.errno == errno.ENOSPC:
            raise InsufficientStorage(f"The disk holding {scratch} filled up while reading the archive.") from exc
        raise ArchiveUnreadable(f"it is damaged or cut short ({exc})") from exc
    return found, manifest


def _compare_members(manifest: dict[str, Any], found: dict[str, dict[str, Any]]) -> list[str]:
    expected: dict[str, dict[str, Any]] = manifest.get("members", {})
    problems = [f"{name} is missing" for name in expected if name not in found]
    problems += [f"{name} is not listed in the manifest" for name in found if name not in expected]
    for name, want in expected.items():
        got = found.get(name)
        if got is not None and (got["sha256"] != want.get("sha256") or got["size"] != want.get("size")):
            problems.append(f"{name} does not match its checksum")
    return problems


def _check_database(db_file: Path, manifest: dict[str, Any]) -> list[str]:
    connection = sqlite3.connect(f"file:{db_file}?mode=ro", uri=True)
    try:
        result = [row[0] for row in connection.execute("PRAGMA integrity_check")]
    except sqlite3.DatabaseError as exc:
        return [f"the database cannot be read: {exc}"]
    finally:
        connection.close()
    if result != ["ok"]:
        return ["the database fails its integrity check: " + "; ".join(str(r) for r in result[:5])]
    problems = []
    counts = table_counts(db_file)
    for table, want in manifest.get("tables", {}).items():
        if counts.get(table) != want:
            problems.append(f"table {table} has {counts.get(table)} rows, the manifest says {want}")
    if schema_version(db_file) != manifest.get("schema_version"):
        problems.append("the database's schema version differs from the manifest's")
    return problems


# Checks a PostgreSQL archive's dump against its manifest: (dump file, manifest) -> problems.
DumpCheck = Callable[[Path, dict[str, Any]], list[str]]


def check_archive(archive: Path, scratch: Path, cap: ExpansionCap, dump_check: DumpCheck | None = None) -> CheckReport:
    """Extract and check everything. Never raises for a bad archive: the problems are in the report. Raises
    InsufficientStorage when a sound-looking archive does not fit the space above the disk floor. A PostgreSQL
    archive's dump is checked by `dump_check` (only a DevCell on PostgreSQL has one)."""
    started = time.monotonic()
    report = CheckReport(ok=False)
    try:
        found, raw_manifest = extract(archive, scratch, cap)
    except ArchiveUnreadable as exc:
        report.problems.append(f"The archive cannot be read: {exc}.")
        return _done(report, started)
    report.extracted_bytes = sum(m["size"] for m in found.values())
    if raw_manifest is None:
        report.problems.append("The archive has no manifest.json; it is not a DevCell backup or it is incomplete.")
        return _done(report, started)
    try:
        manifest = orjson.loads(raw_manifest)
    except orjson.JSONDecodeError:
        report.problems.append("The archive's manifest.json is not valid JSON.")
        return _done(report, started)
    report.manifest = manifest
    if manifest.get("format") != FORMAT:
        report.problems.append(f"Unknown backup format {manifest.get('format')!r} (this DevCell reads {FORMAT}).")
        return _done(report, started)
    report.problems += _compare_members(manifest, found)
    if database_kind(manifest) == "postgresql":
        if PG_MEMBER not in found and not report.problems:
            report.problems.append(f"{PG_MEMBER} is missing")
        elif not report.problems and dump_check is None:
            report.problems.append(
                "The archive holds a PostgreSQL database, which only a DevCell running on PostgreSQL "
                "(DEVCELL_DATABASE_URL) can check and restore."
            )
        elif not report.problems and dump_check is not None:
            report.problems += dump_check(scratch / PG_MEMBER, manifest)
    elif DB_MEMBER in found and not report.problems:
        report.problems += _check_database(scratch / DB_MEMBER, manifest)
    report.ok = not report.problems
    return _done(report, started)


def _done(report: CheckReport, started: float) -> CheckReport:
    report.seconds = time.monotonic() - started
    return report


def knowledge_dir(scratch: Path) -> Path:
    return scratch / KB_PREFIX.rstrip("/")
