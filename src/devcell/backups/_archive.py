"""Writing a backup archive: an online copy of the database, the knowledgebase files and a manifest, in one .tar.gz.

Why .tar.gz: Python writes and reads it with the standard library alone (nothing more to freeze), it streams
(no seeking, so a USB disk or a download works), and any machine can open it with `tar xzf` when DevCell itself
is gone. Level 1 compression: SQLite pages shrink to about a third of their size at a fraction of the CPU of the
default level, which matters on a Pi that keeps serving requests during the backup. zstd would be faster still but
needs a compiled dependency on Python 3.11.
"""

from __future__ import annotations

import gzip
import hashlib
import os
import sqlite3
import tarfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import orjson

from devcell import __version__
from devcell.backups import _postgres as postgres
from devcell.backups._postgres import PG_MEMBER
from devcell.core.db import database_problem, utcnow

FORMAT = 1
DB_MEMBER = "devcell.db"
KB_PREFIX = "knowledgebase/"
MANIFEST = "manifest.json"
PAGES_PER_STEP = 2048  # 8 MB of 4 kB pages between progress reports (and cancel points)
CHUNK = 1024 * 1024
COMPRESS_LEVEL = 1
# An upload still being received (the knowledge slice's `uploads/.incoming-*`): half a file, and no document.
STAGED_UPLOAD_PREFIX = ".incoming-"

# (bytes done, bytes total, message); raises to cancel.
Progress = Callable[[int, int, str], None]


@dataclass(frozen=True)
class Built:
    manifest: dict[str, Any]
    size: int
    sha256: str
    seconds: float


class _HashingWriter:
    """A write-only file that hashes and counts what passes through (the archive's own checksum)."""

    def __init__(self, raw: IO[bytes]) -> None:
        self.raw = raw
        self.sha = hashlib.sha256()
        self.size = 0

    def write(self, data: bytes) -> int:
        self.sha.update(data)
        self.size += len(data)
        return self.raw.write(data)

    def flush(self) -> None:
        self.raw.flush()


class _HashingReader:
    """Reads a member's source file for tarfile while hashing it, so each file is read once."""

    def __init__(self, raw: IO[bytes]) -> None:
        self.raw = raw
        self.sha = hashlib.sha256()

    def read(self, size: int = -1) -> bytes:
        data = self.raw.read(size)
        self.sha.update(data)
        return data


def copy_database(source: Path, dest: Path, progress: Progress) -> None:
    """An online, consistent copy with SQLite's backup API, in steps.

    The source connection holds one read transaction for the whole copy: in WAL mode that pins a snapshot (the
    copy is consistent and never restarts because someone wrote) while writers carry on undisturbed. The copy is
    switched to a rollback journal so the archive holds one self-contained file."""
    dest.unlink(missing_ok=True)
    src = sqlite3.connect(source, isolation_level=None)
    try:
        src.execute("BEGIN")
        src.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()
        page_size = int(src.execute("PRAGMA page_size").fetchone()[0])
        target = sqlite3.connect(dest)
        try:

            def step(_status: int, remaining: int, total: int) -> None:
                progress((total - remaining) * page_size, total * page_size, "Copying the database")

            src.backup(target, pages=PAGES_PER_STEP, progress=step, sleep=0)
            target.execute("PRAGMA journal_mode=DELETE")
        finally:
            target.close()
        src.execute("COMMIT")
    finally:
        src.close()


def table_counts(db_file: Path) -> dict[str, int]:
    """Rows per table (SQLite's own tables left out): what a verify or restore must find again."""
    connection = sqlite3.connect(f"file:{db_file}?mode=ro", uri=True)
    try:
        names = [
            row[0]
            for row in connection.execute(
                "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
            )
        ]
        counts = {}
        for name in names:
            query = f'SELECT COUNT(*) FROM "{name}"'  # noqa: S608 - the names come from sqlite_master
            counts[name] = int(connection.execute(query).fetchone()[0])
        return counts
    finally:
        connection.close()


def schema_version(db_file: Path) -> int:
    connection = sqlite3.connect(f"file:{db_file}?mode=ro", uri=True)
    try:
        found = connection.execute("SELECT name FROM sqlite_master WHERE name='schema_migration'").fetchone()
        if found is None:
            return 0
        return int(connection.execute("SELECT MAX(version) FROM schema_migration").fetchone()[0] or 0)
    finally:
        connection.close()


def knowledge_files(kb_dir: Path) -> Iterator[tuple[str, Path]]:
    """(archive name, path) of every regular file under the knowledgebase, in a stable order. Symlinks are
    skipped: they could point outside the data and would not restore to the same thing. Staged uploads are
    skipped too: a restore would bring back a leftover that nothing refers to."""
    if not kb_dir.is_dir():
        return
    for root, dirs, files in os.walk(kb_dir):
        dirs.sort()
        for name in sorted(files):
            if name.startswith(STAGED_UPLOAD_PREFIX):
                continue
            path = Path(root) / name
            if path.is_file() and not path.is_symlink():
                yield KB_PREFIX + path.relative_to(kb_dir).as_posix(), path


def estimate_size(db_path: Path, kb_dir: Path, database_url: str | None = None) -> int:
    """Upper bound of an archive's size before compression: the database's used pages (or, on PostgreSQL, its
    size on the server) plus the files."""
    database = _database_bytes(db_path) if database_url is None else postgres.database_bytes(database_url)
    return database + sum(path.stat().st_size for _, path in knowledge_files(kb_dir))


def database_kind(manifest: dict[str, Any]) -> str:
    """What an archive's database is: "postgresql", or "sqlite" (archives from before PostgreSQL say nothing)."""
    return "postgresql" if manifest.get("database") == "postgresql" else "sqlite"


def _database_bytes(db_path: Path) -> int:
    """The database's used pages; for a file SQLite cannot read (a restore is how it gets fixed), its size."""
    if not db_path.is_file():
        return 0
    if database_problem(db_path) is not None:
        return db_path.stat().st_size
    connection = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    try:
        pages = int(connection.execute("PRAGMA page_count").fetchone()[0])
        free = int(connection.execute("PRAGMA freelist_count").fetchone()[0])
        size = int(connection.execute("PRAGMA page_size").fetchone()[0])
    except sqlite3.DatabaseError:
        return db_path.stat().st_size
    finally:
        connection.close()
    return (pages - free) * size


def _add_file(tar: tarfile.TarFile, name: str, path: Path) -> dict[str, Any]:
    """The member's entry in the manifest: checksum, size and the file's mtime in nanoseconds. A restore gives
    the files their mtimes back, so the knowledgebase scan (which compares size and mtime_ns, no hashing) finds
    them unchanged; the tar header keeps sub-second mtimes too (PAX), for `tar xzf` by hand."""
    with path.open("rb") as handle:
        stat = os.fstat(handle.fileno())
        info = tarfile.TarInfo(name)
        info.size, info.mtime, info.mode = stat.st_size, stat.st_mtime, 0o640
        reader = _HashingReader(handle)
        tar.addfile(info, reader)  # type: ignore[arg-type,unused-ignore]  # tarfile calls only read()
    return {"sha256": reader.sha.hexdigest(), "size": info.size, "mtime_ns": stat.st_mtime_ns}


def _add_bytes(tar: tarfile.TarFile, name: str, data: bytes) -> None:
    import io

    info = tarfile.TarInfo(name)
    info.size, info.mtime, info.mode = len(data), int(time.time()), 0o640
    tar.addfile(info, io.BytesIO(data))


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def build_archive(
    db_path: Path,
    kb_dir: Path,
    work_dir: Path,
    target: Path,
    kind: str,
    progress: Progress,
    keep_db: Path | None,
    embedding_model: str | None = None,
    database_url: str | None = None,
) -> Built:
    """Write the archive to `target` (via a hidden partial file, renamed when complete and synced). With `keep_db`
    the database copy is left there (a restore keeps it to roll back to). `embedding_model` is the model this
    appliance embeds with: a restore onto one with another model rebuilds the vectors. With `database_url` the
    database is that PostgreSQL one, archived as a pg_dump (see _postgres)."""
    started = time.monotonic()
    db_copy = keep_db or work_dir / f"backup-{os.getpid()}-{time.monotonic_ns()}.db"
    partial = target.with_name(f".{target.name}.partial")
    try:
        if database_url is None:
            copy_database(db_path, db_copy, progress)
            counts, version, member, kind_of_db = table_counts(db_copy), schema_version(db_copy), DB_MEMBER, "sqlite"
        else:
            dumped = postgres.dump_database(database_url, db_copy, progress)
            counts, version, member, kind_of_db = dumped.counts, dumped.schema_version, PG_MEMBER, "postgresql"
        members: dict[str, dict[str, Any]] = {}
        # 0640: an archive holds password hashes and every document; only the service user (and its group) read it.
        with os.fdopen(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o640), "wb") as raw:
            writer = _HashingWriter(raw)
            with (
                gzip.GzipFile(fileobj=writer, mode="wb", compresslevel=COMPRESS_LEVEL, mtime=0) as zipped,
                tarfile.open(fileobj=zipped, mode="w|", format=tarfile.PAX_FORMAT) as tar,
            ):
                progress(0, 0, "Archiving the database")
                members[member] = _add_file(tar, member, db_copy)
                for name, path in knowledge_files(kb_dir):
                    members[name] = _add_file(tar, name, path)
                manifest = _manifest(version, counts, members, kind)
                manifest |= {"embedding_model": embedding_model, "database": kind_of_db}
                _add_bytes(tar, MANIFEST, orjson.dumps(manifest, option=orjson.OPT_INDENT_2))
            raw.flush()
            os.fsync(raw.fileno())
        os.replace(partial, target)
        _fsync_dir(target.parent)
    finally:
        partial.unlink(missing_ok=True)
        if keep_db is None:
            db_copy.unlink(missing_ok=True)
    return Built(manifest, writer.size, writer.sha.hexdigest(), time.monotonic() - started)


def _manifest(version: int, counts: dict[str, int], members: dict[str, dict[str, Any]], kind: str) -> dict[str, Any]:
    return {
        "format": FORMAT,
        "app_version": __version__,
        "schema_version": version,
        "created_at": utcnow().isoformat().replace("+00:00", "Z"),
        "kind": kind,
        "embedding_model": None,  # the caller's; a restore onto another model rebuilds the vectors
        "tables": counts,
        "members": members,
    }
