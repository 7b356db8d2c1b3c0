"""Restore: check the archive fully, keep a way back, then swap the database and the knowledgebase in.

The database is swapped with SQLite's backup API *into* the live file rather than by renaming files: the copy is
one write transaction (all or nothing, crash-safe through the WAL), and the other threads' open connections stay
valid instead of pointing at a renamed inode whose WAL name a new file now owns. A generation bump then makes
every thread reconnect (see core.db)."""

from __future__ import annotations

import contextlib
import os
import shutil
import sqlite3
import tempfile
import time
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Literal

import orjson

from devcell.backups import _postgres as postgres
from devcell.backups._archive import DB_MEMBER, KB_PREFIX, Progress, database_kind, estimate_size
from devcell.backups._check import CheckReport, check_archive, expansion_cap, knowledge_dir
from devcell.backups._postgres import PG_MEMBER
from devcell.backups.errors import ArchiveInvalid, ArchiveOtherDatabase, ArchiveTooNew
from devcell.core.db import close_database, damage_found, init_database, utcnow
from devcell.core.disk import DiskProbe
from devcell.core.migrations.runner import HEAD, migrate

# Left in the data directory by a successful restore: the vector index described the database from before it, so
# the server checks it against the restored one (search.index_care) and rebuilds it when needed.
INDEX_MARKER = "index-check.json"
# Damaged database files are moved here (one folder per restore, named by the time) and never deleted by DevCell:
# they may hold the last hours of work that a specialist can still get out, so only an admin deletes them.
DAMAGED_DIR = "damaged"
DB_SUFFIXES = ("", "-wal", "-shm")
STAMP_FORMAT = "%Y%m%dT%H%M%SZ"
EXPANSION_GUESS = 4  # an archive without a side file: assume it unpacks to this many times its size
MARGIN = 64 * 1024 * 1024

PauseLevel = Literal["writes", "all"]
# Holds requests back while the data changes under them: "writes" refuses changes, "all" refuses everything.
Pause = Callable[[PauseLevel, str], AbstractContextManager[None]]
# Makes the safety backup (or, on a fresh install, just a copy of the database to `keep_db`); returns its name.
Safety = Callable[[Path], str | None]


@dataclass(frozen=True)
class Places:
    db_path: Path
    kb_dir: Path
    tmp_dir: Path
    snapshots_dir: Path
    # The PostgreSQL database the data lives in (DEVCELL_DATABASE_URL), or None for the SQLite file at db_path.
    database_url: str | None = None


def no_pause(_level: PauseLevel, _reason: str) -> AbstractContextManager[None]:
    """For the CLI: the service is stopped, nobody else uses the data."""
    return contextlib.nullcontext()


def preflight_restore(archive: Path, places: Places, disk: DiskProbe) -> None:
    """Refuse when the scratch space for unpacking the archive and keeping today's database is missing."""
    expected = archive.stat().st_size * EXPANSION_GUESS
    live = estimate_size(places.db_path, places.kb_dir, places.database_url)
    # Scratch holds the unpacked archive plus a copy of today's database to roll back to.
    disk.require(places.tmp_dir, expected + live + MARGIN, "the restore")


def _refuse_other_kind(report: CheckReport, archive: Path, places: Places) -> None:
    """An archive holds one kind of database and is restored onto that kind only: moving an appliance's data
    from its SQLite file onto PostgreSQL is `devcell migrate-to`'s work, and there is no way back down."""
    if report.manifest is None:
        return
    kind = database_kind(report.manifest)
    if places.database_url is not None and kind == "sqlite":
        raise ArchiveOtherDatabase(
            f"{archive.name} is a backup of an appliance that keeps its data in SQLite, and this DevCell runs on "
            "PostgreSQL. Restore it on a DevCell without DEVCELL_DATABASE_URL, then move that appliance's data "
            "onto PostgreSQL with `devcell migrate-to`. Nothing was changed.",
            detail={"archive_database": kind, "database": "postgresql"},
        )
    if places.database_url is None and kind == "postgresql":
        raise ArchiveOtherDatabase(
            f"{archive.name} is a backup of a DevCell running on PostgreSQL, and this one keeps its data in "
            "SQLite. Restore it on a DevCell whose DEVCELL_DATABASE_URL names a PostgreSQL database "
            "(`devcell migrate-to` moves an appliance from SQLite up to PostgreSQL, not back). Nothing was changed.",
            detail={"archive_database": kind, "database": "sqlite"},
        )


def _refuse_bad(report: CheckReport, archive: Path) -> None:
    if not report.ok:
        raise ArchiveInvalid(
            f"{archive.name} cannot be restored: "
            + "; ".join(p.rstrip(".") for p in report.problems[:5])
            + ". Nothing was changed.",
            detail={"problems": report.problems},
        )
    if report.schema_version > HEAD:
        raise ArchiveTooNew(
            f"{archive.name} was made by a newer DevCell (schema {report.schema_version}; this one knows up to "
            f"{HEAD}). Install that version (or newer) first, then restore. Nothing was changed.",
            detail={"schema_version": report.schema_version, "supported": HEAD},
        )


def load_into_live(source: Path, live: Path) -> None:
    """Replace the live database's content with `source`'s, in one transaction (writers wait meanwhile)."""
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    try:
        dst = sqlite3.connect(live, timeout=60)
        try:
            src.backup(dst)  # one step: a single write transaction on the destination
            dst.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            dst.close()
    finally:
        src.close()


def _move_children(source: Path, dest: Path) -> None:
    dest.mkdir(parents=True, exist_ok=True)
    for child in sorted(source.iterdir()):
        shutil.move(str(child), str(dest / child.name))  # a rename on one filesystem


def keep_mtimes(kb_dir: Path, manifest: dict[str, Any]) -> int:
    """Give the restored knowledgebase files the mtimes the manifest recorded (older archives have none): the
    scan then finds them unchanged instead of queueing every one of them. Returns how many were set."""
    done = 0
    for name, entry in manifest.get("members", {}).items():
        mtime = entry.get("mtime_ns")
        path = kb_dir / name.removeprefix(KB_PREFIX)
        if name.startswith(KB_PREFIX) and isinstance(mtime, int) and path.is_file() and not path.is_symlink():
            os.utime(path, ns=(mtime, mtime), follow_symlinks=False)
            done += 1
    return done


def _swap_knowledge(staged: Path, kb_dir: Path, work: Path) -> Callable[[], None]:
    """Move today's files aside and the restored ones in; returns the undo. Moves children, not the directory,
    so a knowledgebase that is a mount point works too."""
    old = work / "previous-knowledgebase"
    kb_dir.mkdir(parents=True, exist_ok=True)
    _move_children(kb_dir, old)
    if staged.is_dir():
        _move_children(staged, kb_dir)
    for child in old.iterdir():
        # An archive holds files only: folders that were empty (DevCell's uploads/ and notes/) come back empty.
        if child.is_dir():
            (kb_dir / child.name).mkdir(exist_ok=True)

    def undo() -> None:
        for child in list(kb_dir.iterdir()):
            shutil.rmtree(child) if child.is_dir() else child.unlink()
        _move_children(old, kb_dir)

    return undo


def set_aside_damaged(db_path: Path, when: datetime) -> Path:
    """Copy the damaged database files into damaged/<UTC time>/ (a plain file copy: an online backup of a damaged
    file fails, which is what made restoring impossible exactly when it was needed). Returns the folder, a new
    one every time: a second restore within the same second takes the next free second, never the same folder."""
    root = db_path.parent / DAMAGED_DIR
    root.mkdir(parents=True, exist_ok=True)
    while True:
        folder = root / when.strftime(STAMP_FORMAT)
        try:
            folder.mkdir()
            break
        except FileExistsError:
            when += timedelta(seconds=1)
    for suffix in DB_SUFFIXES:
        source = db_path.with_name(db_path.name + suffix)
        if source.is_file():
            shutil.copy2(source, folder / source.name)
    return folder


def _clear_live(db_path: Path) -> None:
    close_database()
    for suffix in DB_SUFFIXES:
        db_path.with_name(db_path.name + suffix).unlink(missing_ok=True)


def _put_back(kept: Path, db_path: Path) -> None:
    _clear_live(db_path)
    for suffix in DB_SUFFIXES:
        copy = kept / (db_path.name + suffix)
        if copy.is_file():
            shutil.copy2(copy, db_path.with_name(copy.name))


def _swap_in(work: Path, places: Places, previous: Path | None, damaged: Path | None) -> tuple[int, int]:
    """Database in, migrate, knowledgebase in; on any failure put the previous state back and re-raise.

    With `damaged` (the folder holding copies of a damaged database) the live files are replaced rather than
    written into: SQLite cannot load a backup into a file whose header is gone."""
    staged = work / "staged"
    with sqlite3.connect(f"file:{staged / DB_MEMBER}?mode=ro", uri=True) as probe:
        found = probe.execute("SELECT MAX(version) FROM schema_migration").fetchone()
    from_version = int(found[0] or 0)
    if damaged is not None:
        _clear_live(places.db_path)
    load_into_live(staged / DB_MEMBER, places.db_path)
    init_database(places.db_path)
    undo_knowledge: Callable[[], None] | None = None
    try:
        migrate(places.db_path, places.snapshots_dir)
        undo_knowledge = _swap_knowledge(knowledge_dir(staged), places.kb_dir, work)
    except Exception:
        if damaged is not None:
            _put_back(damaged, places.db_path)
        elif previous is not None:
            load_into_live(previous, places.db_path)
        init_database(places.db_path)
        if undo_knowledge is not None:
            undo_knowledge()
        raise
    return from_version, HEAD


def restore_archive(
    archive: Path, places: Places, disk: DiskProbe, safety: Safety, pause: Pause, progress: Progress, *, floor: int
) -> dict[str, Any]:
    """Check, keep a way back, swap in. Every refusal happens before anything changed. Unpacking keeps `floor`
    bytes free on the scratch disk and stops at MAX_EXPANSION times the archive's size (see check.ExpansionCap)."""
    started = time.monotonic()
    places.tmp_dir.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="restore-", dir=places.tmp_dir))
    try:
        preflight_restore(archive, places, disk)
        progress(0, 0, "Checking the archive")
        # A restore reads the dump's table of contents only: pg_restore's single transaction keeps the old data
        # if the dump fails halfway, and a verify (a restore into a scratch database) needs CREATEDB.
        listing = None if places.database_url is None else lambda dump, _manifest: postgres.list_problems(dump)
        report = check_archive(archive, work / "staged", expansion_cap(archive, work, disk, floor), listing)
        _refuse_other_kind(report, archive, places)
        _refuse_bad(report, archive)
        kept: Path | None = None
        damage: str | None = None
        if places.database_url is not None:
            made = _restore_postgresql(archive, report, work, places, safety, pause, progress, places.database_url)
            safety_name, from_version, to_version = made
        else:
            manifest = report.manifest or {}
            made_sqlite = _restore_sqlite(work, places, manifest, safety, pause, progress)
            safety_name, from_version, to_version, kept, damage = made_sqlite
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return _restored(archive, places, report, started, safety_name, (from_version, to_version), kept, damage)


def _restore_sqlite(
    work: Path, places: Places, manifest: dict[str, Any], safety: Safety, pause: Pause, progress: Progress
) -> tuple[str | None, int, int, Path | None, str | None]:
    with pause("writes", "A restore is in progress; changes are paused until it finishes."):
        progress(0, 0, "Checking the current database")
        damage = damage_found(places.db_path)
        kept: Path | None = None
        safety_name: str | None = None
        if damage is None:
            progress(0, 0, "Taking a safety backup of the current data")
            safety_name = safety(work / "previous.db")
        else:
            progress(0, 0, "Keeping a copy of the damaged database")
            kept = set_aside_damaged(places.db_path, utcnow())
        with pause("all", "A restore is in progress; DevCell is back in a moment."):
            progress(0, 0, "Swapping the restored data in")
            previous = None if kept is not None else work / "previous.db"
            from_version, to_version = _swap_in(work, places, previous, kept)
            keep_mtimes(places.kb_dir, manifest)
    return safety_name, from_version, to_version, kept, damage


def _restore_postgresql(
    archive: Path,
    report: CheckReport,
    work: Path,
    places: Places,
    safety: Safety,
    pause: Pause,
    progress: Progress,
    url: str,
) -> tuple[str | None, int, int]:
    with pause("writes", "A restore is in progress; changes are paused until it finishes."):
        progress(0, 0, "Taking a safety backup of the current data")
        previous = work / "previous.pgdump"
        safety_name = safety(previous)
        with pause("all", "A restore is in progress; DevCell is back in a moment."):
            progress(0, 0, "Swapping the restored data in")
            from_version, to_version = _swap_in_postgresql(archive, report, work, places, previous, progress, url)
            keep_mtimes(places.kb_dir, report.manifest or {})
    return safety_name, from_version, to_version


def _swap_in_postgresql(
    archive: Path, report: CheckReport, work: Path, places: Places, previous: Path, progress: Progress, url: str
) -> tuple[int, int]:
    """The dump in (one transaction: a failure changes nothing), migrate, knowledgebase in; when a step after the
    dump fails, the safety dump goes back in and the error is raised."""
    staged = work / "staged"
    manifest = report.manifest or {}
    # The pooled connections stay open: they hold no lock between units of work, and a request that passed the
    # gate just before the pause may still be using one. Every cache (in every process) learns of the new data
    # from the change counter, which the restore moves on.
    postgres.restore_into_live(staged / PG_MEMBER, url, progress, archive.name)
    if postgres.open_url() != url:
        # `devcell restore` opens the data directory's file only (the database may be what is broken): the
        # migrations that follow act on the database core.db has open, so it must be this one.
        close_database()
        init_database(url)
    undo_knowledge: Callable[[], None] | None = None
    try:
        # Tables a migration newer than the archive made are not in the dump: the migrations make them again.
        extra = [t for t in postgres.live_tables(url) if t not in manifest.get("tables", {})]
        postgres.drop_tables(url, extra)
        migrate(places.db_path, places.snapshots_dir)
        undo_knowledge = _swap_knowledge(knowledge_dir(staged), places.kb_dir, work)
    except Exception:
        postgres.restore_into_live(previous, url, progress, "the safety backup")
        if undo_knowledge is not None:
            undo_knowledge()
        raise
    return int(manifest.get("schema_version", 0)), HEAD


def _restored(
    archive: Path,
    places: Places,
    report: CheckReport,
    started: float,
    safety_name: str | None,
    versions: tuple[int, int],
    kept: Path | None,
    damage: str | None,
) -> dict[str, Any]:
    from_version, to_version = versions
    manifest = report.manifest or {}
    marker = places.db_path.with_name(INDEX_MARKER)
    passages = manifest.get("tables", {}).get("chunk", 0)
    marker.write_bytes(orjson.dumps({"embedding_model": manifest.get("embedding_model"), "chunks": passages}))
    return {
        "archive": archive.name,
        "safety_backup": safety_name,
        "created_at": manifest.get("created_at"),
        "app_version": manifest.get("app_version"),
        "embedding_model": manifest.get("embedding_model"),
        "schema_from": from_version,
        "schema_to": to_version,
        "tables": manifest.get("tables", {}),
        "files": sum(1 for name in manifest.get("members", {}) if name not in (DB_MEMBER, PG_MEMBER)),
        "seconds": round(time.monotonic() - started, 2),
        # The damaged files, kept: where they are, relative to the data directory (shown to admins).
        "damaged_kept": None if kept is None else str(kept.relative_to(places.db_path.parent)),
        "damage": damage,
    }
