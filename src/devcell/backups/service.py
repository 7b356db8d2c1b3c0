"""Backups as the rest of DevCell sees them: create, verify, restore, list, delete, retention; as tracked jobs."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from devcell.backups import _archive as archives
from devcell.backups import _damaged, _uploads
from devcell.backups import _postgres as postgres
from devcell.backups._check import DumpCheck, check_archive, expansion_cap
from devcell.backups._restore import (
    DAMAGED_DIR,
    MARGIN,
    Pause,
    Places,
    no_pause,
    preflight_restore,
    restore_archive,
)

# Re-exported: the file a restore leaves in the data directory, which system's index care looks for.
from devcell.backups._restore import INDEX_MARKER as INDEX_MARKER
from devcell.backups._store import BackupDir, Entry, kind_of, to_prune
from devcell.backups.errors import BackupBusy, BackupFolderUnusable, BackupPinned
from devcell.backups.folders import folder_problem
from devcell.backups.schemas import BackupList, BackupOut, DamagedList, VerifyOut
from devcell.core.db import utcnow
from devcell.core.disk import MB, DiskProbe
from devcell.core.jobs import JobContext, JobRunner, JobSnapshot
from devcell.core.state import Key

if TYPE_CHECKING:
    from starlette.requests import Request

log = logging.getLogger(__name__)

SettingGetter = Callable[[str], Any]


def utc() -> ZoneInfo:
    """The zone of a Backups that never prunes (retention is the only thing that counts local days)."""
    return ZoneInfo("UTC")


class Backups:
    """Wired once per process (BACKUPS in the app state, or by a CLI command). One backup, verify or restore at
    a time."""

    def __init__(
        self,
        data_dir: Path,
        kb_dir: Path,
        setting: SettingGetter,
        disk: DiskProbe | None = None,
        pause: Pause = no_pause,
        after_restore: Callable[[], dict[str, Any]] | None = None,
        embedding_model: str | None = None,
        zone: Callable[[], ZoneInfo] = utc,
        database_url: str | None = None,
    ) -> None:
        """`zone` is the appliance's time zone (SettingsStore.zone), whose days, weeks and months retention keeps;
        UTC serves where nothing prunes (the command line, recovery mode). `database_url` is the PostgreSQL
        database (config.database_url); without it, the one core.db has open when that is PostgreSQL."""
        self.places = Places(data_dir / "devcell.db", kb_dir, data_dir / "tmp", data_dir / "snapshots")
        self.data_dir = data_dir
        self._setting = setting
        self.disk = disk or DiskProbe()
        self.pause = pause
        self._busy = threading.Lock()
        self._after_restore = after_restore
        self.embedding_model = embedding_model
        self._zone = zone
        self._database_url = database_url

    def database_url(self) -> str | None:
        """The PostgreSQL database backed up and restored, or None for the SQLite file in the data directory."""
        return self._database_url or postgres.open_url()

    def _places(self) -> Places:
        return replace(self.places, database_url=self.database_url())

    def directory(self) -> BackupDir:
        configured = str(self._setting("backup_dir") or "")
        return BackupDir(Path(configured) if configured else self.data_dir / "backups")

    def folder_problem(self) -> str | None:
        """Why backups cannot be written into the backup folder by this process, or None. The default folder
        (<data>/backups) may be missing: the first backup creates it inside the data directory."""
        path = self.directory().path
        if not str(self._setting("backup_dir") or "") and not path.exists():
            return None
        return folder_problem(path)

    @contextmanager
    def _exclusive(self) -> Iterator[None]:
        if not self._busy.acquire(blocking=False):
            raise BackupBusy("Another backup, verify or restore is running; wait for it to finish and try again.")
        try:
            yield
        finally:
            self._busy.release()

    # -- the work itself (plain functions of a progress callback, used by jobs and by the CLI) --

    def create(self, origin: str, progress: archives.Progress, keep_db: Path | None = None) -> dict[str, Any]:
        """A new archive; `origin` (scheduled | manual | safety) goes into its name and decides its retention."""
        with self._exclusive():
            return self._create(origin, progress, keep_db)

    def _preflight(self) -> None:
        """Refuse before starting when the backup folder cannot be written, or the archive (estimated before
        compression) or its scratch copy won't fit."""
        problem = self.folder_problem()
        if problem is not None:
            raise BackupFolderUnusable(problem)
        estimate = archives.estimate_size(self.places.db_path, self.places.kb_dir, self.database_url())
        self.disk.require(self.directory().path, estimate + MARGIN, "the backup")
        self.disk.require(self.places.tmp_dir, estimate + MARGIN, "the database copy of the backup")

    def _create(self, origin: str, progress: archives.Progress, keep_db: Path | None = None) -> dict[str, Any]:
        self._preflight()
        target_dir = self.directory()
        target_dir.ensure()
        self.places.tmp_dir.mkdir(parents=True, exist_ok=True)
        name = target_dir.new_name(origin)
        built = archives.build_archive(
            self.places.db_path,
            self.places.kb_dir,
            self.places.tmp_dir,
            target_dir.path / name,
            kind_of(origin),  # the manifest's kind stays backup | safety, as in archives made before origins
            progress,
            keep_db,
            self.embedding_model,
            self.database_url(),
        )
        target_dir.write_side(name, "manifest", built.manifest | {"archive_sha256": built.sha256})
        log.info("backup %s written (%d bytes in %.1f s)", name, built.size, built.seconds)
        return {"name": name, "size": built.size, "seconds": round(built.seconds, 2), "sha256": built.sha256}

    def floor(self) -> int:
        """Bytes that must stay free on the data disk (the disk_floor_mb setting); unpacking stops above them."""
        return int(self._setting("disk_floor_mb")) * MB

    def verify(self, name: str, progress: archives.Progress) -> dict[str, Any]:
        with self._exclusive():
            return self._verify(name, progress)

    def _verify(self, name: str, progress: archives.Progress) -> dict[str, Any]:
        import shutil
        import tempfile

        backup_dir = self.directory()
        path = backup_dir.archive(name)
        side = backup_dir.read_side(name, "manifest") or {}
        unpacked = sum(m.get("size", 0) for m in side.get("members", {}).values()) or path.stat().st_size * 4
        self.disk.require(self.places.tmp_dir, unpacked + MARGIN, "verifying the backup")
        progress(0, 0, f"Verifying {name}")
        self.places.tmp_dir.mkdir(parents=True, exist_ok=True)
        scratch = Path(tempfile.mkdtemp(prefix="verify-", dir=self.places.tmp_dir))
        url = self.database_url()
        try:
            cap = expansion_cap(path, scratch, self.disk, self.floor())
            report = check_archive(path, scratch, cap, None if url is None else _scratch_check(url, progress))
        finally:
            shutil.rmtree(scratch, ignore_errors=True)
        result = {
            "name": name,
            "ok": report.ok,
            "problems": report.problems,
            "checked_at": utcnow().isoformat().replace("+00:00", "Z"),
            "seconds": round(report.seconds, 2),
            "schema_version": report.schema_version,
            "tables": (report.manifest or {}).get("tables", {}),
        }
        backup_dir.write_side(name, "verify", result)
        if report.manifest is not None and backup_dir.read_side(name, "manifest") is None:
            backup_dir.write_side(name, "manifest", report.manifest)
        return result

    def restore(self, archive: Path, progress: archives.Progress, safety: bool = True) -> dict[str, Any]:
        """Restore from any archive file (in the backup dir, an upload, or a path given to the CLI)."""
        with self._exclusive():
            places = self._places()

            def take_safety(keep_db: Path) -> str | None:
                if not safety and places.database_url is not None:
                    postgres.dump_database(places.database_url, keep_db, progress)  # to roll back to
                    return None
                if not safety:
                    archives.copy_database(self.places.db_path, keep_db, progress)
                    return None
                return str(self._create("safety", progress, keep_db=keep_db)["name"])

            result = restore_archive(archive, places, self.disk, take_safety, self.pause, progress, floor=self.floor())
        if self._after_restore is not None:
            # e.g. lift the refusal of changes that a damaged database caused, and check the vector index
            result |= self._after_restore()
        return result

    def prune(self) -> list[str]:
        backup_dir = self.directory()
        doomed = to_prune(
            backup_dir.entries(),
            int(self._setting("backup_keep_daily")),
            int(self._setting("backup_keep_weekly")),
            int(self._setting("backup_keep_monthly")),
            self._zone(),
        )
        removed = []
        for entry in doomed:
            if backup_dir.is_pinned(entry.name):  # pinned since the listing above: the admin's word wins
                continue
            backup_dir.delete(entry.name)
            removed.append(entry.name)
            log.info("retention removed backup %s", entry.name)
        return removed

    def scheduled(self, context: JobContext) -> dict[str, Any]:
        """The daily job: back up, verify what was written, then apply retention. A failed verify fails the job."""
        progress = job_progress(context)
        with self._exclusive():
            made = self._create("scheduled", progress)
            verified = self._verify(made["name"], progress)
        if not verified["ok"]:
            raise RuntimeError(f"backup {made['name']} failed its verification: " + " ".join(verified["problems"]))
        return made | {"verify": verified, "pruned": self.prune()}

    def entries(self) -> list[Entry]:
        return self.directory().entries()

    def delete(self, name: str) -> None:
        """Delete by hand. A pinned archive is refused until it is unpinned: the pin says "keep this", so deleting
        it takes a second, deliberate step (not one click on the wrong row, nor another admin's keep undone)."""
        directory = self.directory()
        directory.archive(name)
        if directory.is_pinned(name):
            raise BackupPinned(f"{name} is pinned. Unpin it first, then delete it.")
        directory.delete(name)

    def damaged_dir(self) -> Path:
        """Where a restore over a damaged database keeps its files (next to the database, as restore puts them)."""
        return self.places.db_path.parent / DAMAGED_DIR

    def damaged(self) -> DamagedList:
        return _damaged.list_damaged(self.damaged_dir())

    def delete_damaged(self, name: str) -> None:
        _damaged.delete_damaged(self.damaged_dir(), name)
        log.info("damaged database files %s deleted", name)

    def pin(self, name: str, by: str) -> None:
        self.directory().pin(name, by)

    def unpin(self, name: str) -> None:
        self.directory().unpin(name)

    # -- as tracked jobs --

    def start_backup(self, runner: JobRunner, owner_id: int | None) -> JobSnapshot:
        self._refuse_if_busy()
        self._preflight()
        return runner.submit("backup", "Backup and verify", self._backup_and_verify, owner_id)

    def _backup_and_verify(self, context: JobContext) -> dict[str, Any]:
        """ "Back up now": a person asked, so the archive is a manual one that retention never removes."""
        progress = job_progress(context)
        with self._exclusive():
            made = self._create("manual", progress)
            return made | {"verify": self._verify(made["name"], progress)}

    def start_verify(self, runner: JobRunner, name: str, owner_id: int | None) -> JobSnapshot:
        self.directory().archive(name)
        self._refuse_if_busy()
        return runner.submit(
            "backup_verify", f"Verify {name}", lambda ctx: self.verify(name, job_progress(ctx)), owner_id
        )

    def start_restore(self, runner: JobRunner, name: str, owner_id: int | None) -> JobSnapshot:
        path = self.directory().archive(name)
        self._refuse_if_busy()
        preflight_restore(path, self._places(), self.disk)
        return runner.submit(
            "backup_restore", f"Restore {name}", lambda ctx: self.restore(path, job_progress(ctx)), owner_id
        )

    def _refuse_if_busy(self) -> None:
        with self._exclusive():
            pass


def _scratch_check(url: str, progress: archives.Progress) -> DumpCheck:
    """A verify's check of a PostgreSQL dump: restored into a scratch database beside `url`'s and counted."""

    def check(dump: Path, manifest: dict[str, Any]) -> list[str]:
        return postgres.check_dump(dump, manifest, url, progress)

    return check


def job_progress(context: JobContext) -> archives.Progress:
    """Progress for a tracked job; also the cancel point (raising inside the SQLite copy aborts it cleanly)."""

    def report(done: int, total: int, message: str) -> None:
        context.check_cancelled()
        context.progress(done, total or None, message)

    return report


def _out(entry: Entry) -> BackupOut:
    manifest = entry.manifest or {}
    members = manifest.get("members")
    return BackupOut(
        name=entry.name,
        kind=entry.kind,  # type: ignore[arg-type]  # the store only yields the three kinds
        origin=entry.origin,  # type: ignore[arg-type]  # and the four origins
        pinned=entry.pinned,
        created_at=entry.created_at,
        size=entry.size,
        app_version=manifest.get("app_version"),
        schema_version=manifest.get("schema_version"),
        tables=manifest.get("tables"),
        files=None if members is None else len(members) - 1,
        verify=VerifyOut.model_validate(entry.verify) if entry.verify else None,
    )


def list_backups(backups: Backups) -> BackupList:
    directory = backups.directory()
    usage = backups.disk.usage(directory.path)
    return BackupList(
        items=[_out(e) for e in directory.entries()],
        directory=str(directory.path),
        free_bytes=usage.free,
        total_bytes=usage.total,
        same_disk_as_data=same_disk(directory.path, backups.data_dir),
    )


def same_disk(path: Path, other: Path) -> bool:
    """Whether two paths are on one filesystem (a folder not made yet counts as its nearest existing parent's)."""
    while not path.exists() and path != path.parent:
        path = path.parent
    try:
        return path.stat().st_dev == other.stat().st_dev
    except OSError:
        return False


def describe(backups: Backups, name: str) -> BackupOut:
    backups.directory().archive(name)
    return next(_out(e) for e in backups.entries() if e.name == name)


async def receive_upload(request: Request, backups: Backups, limit: int, kind: str) -> str:
    """Store an archive sent as the request body (at most `limit` bytes) in the backup directory; returns its
    name. For the slices that accept archives over HTTP (the backups API, recovery mode)."""
    return await _uploads.receive(request, backups, limit, kind)


def table_counts(db_file: Path) -> dict[str, int]:
    """Rows per table of a database file: the same census a backup's manifest records (support bundles use it)."""
    return archives.table_counts(db_file)


BACKUPS: Key[Backups] = Key("backups")
