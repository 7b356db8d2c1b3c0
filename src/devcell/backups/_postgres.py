"""Backups of a PostgreSQL database (DEVCELL_DATABASE_URL): PostgreSQL's own programs do the copying.

- Dump: `pg_dump --format=custom --snapshot=<id>` while a REPEATABLE READ transaction of ours, which exported that
  snapshot, stays open: the manifest's row counts are taken in that transaction, so they describe exactly the
  dumped data while writers carry on.
- Verify: the dump is restored into a scratch database (CREATE DATABASE, so the user needs CREATEDB), counted
  against the manifest and dropped again, whatever happened.
- Restore: `pg_restore --clean --if-exists --single-transaction` into the live database: all or nothing, so a dump
  that fails halfway leaves the old data. The change counter is then moved past both its old and its restored
  value, so the caches of every process (which compare it, see core.db.change_stamp) drop what they hold.

The URL's password never reaches a command line (`ps` shows those to every user): the programs get the other
connection parameters as a libpq connection string and the password in PGPASSWORD.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# psycopg2 ships no types (peewee's PostgreSQL driver; types-psycopg2 is not a dependency).
import psycopg2  # type: ignore[import-untyped]
import psycopg2.errors  # type: ignore[import-untyped]
from psycopg2 import sql
from psycopg2.extensions import ISOLATION_LEVEL_REPEATABLE_READ, make_dsn, parse_dsn  # type: ignore[import-untyped]

from devcell.backups.errors import ArchiveInvalid, PostgresToolFailed, PostgresToolMissing, PostgresUnreachable
from devcell.core.db import WRITE_LOCK_KEY, database, is_postgresql

# (bytes done, bytes total, message); raises to cancel. The same shape as _archive.Progress.
Progress = Callable[[int, int, str], None]

PG_MEMBER = "devcell.pgdump"
# Where Debian installs each PostgreSQL major version's programs (only some are linked into PATH).
PG_LIB = Path("/usr/lib/postgresql")
CLIENT_PACKAGE = "postgresql-client"
POLL_SECONDS = 0.5  # how often a running pg_dump/pg_restore reports progress (and may be cancelled)
STDERR_TAIL = 600  # characters of a failed program's own words kept for the message
SCRATCH_INFIX = "_verify_"


def find_tool(name: str) -> str:
    """`pg_dump` or `pg_restore`: the one on PATH, else the newest Debian-installed version's; a clear refusal
    naming the package when there is none."""
    found = shutil.which(name)
    if found:
        return found
    versions = [p for p in PG_LIB.glob(f"*/bin/{name}") if p.parent.parent.name.isdigit() and os.access(p, os.X_OK)]
    if versions:
        return str(max(versions, key=lambda p: int(p.parent.parent.name)))
    raise PostgresToolMissing(
        f"{name} is not installed, and backups of a PostgreSQL database are made and restored with it. Install "
        f"PostgreSQL's client programs (sudo apt install {CLIENT_PACKAGE}; the server's major version or newer) "
        "and try again."
    )


def open_url() -> str | None:
    """The URL of the PostgreSQL database core.db has open, or None when it is the SQLite file."""
    if not is_postgresql():
        return None
    return str(database.obj.database)  # core.db.init_database hands peewee the URL as the database name


@dataclass(frozen=True)
class Server:
    """A database's libpq connection parameters (parsed from its URL)."""

    params: dict[str, str]

    @classmethod
    def of(cls, url: str) -> Server:
        return cls(parse_dsn(url))

    @property
    def dbname(self) -> str:
        return self.params.get("dbname", "")

    @property
    def user(self) -> str:
        return self.params.get("user") or os.environ.get("PGUSER") or "the database user"

    def other(self, dbname: str) -> Server:
        return Server(self.params | {"dbname": dbname})

    def connect(self) -> Any:
        try:
            return psycopg2.connect(**self.params)
        except psycopg2.OperationalError as exc:
            shown, _env = self.for_program()
            reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise PostgresUnreachable(
                f"Cannot reach the PostgreSQL database ({shown}): {reason}. Check the server and "
                "DEVCELL_DATABASE_URL, then try again."
            ) from None

    def for_program(self) -> tuple[str, dict[str, str]]:
        """(connection string without the password, environment with it in PGPASSWORD)."""
        params = dict(self.params)
        password = params.pop("password", None)
        env = dict(os.environ)
        if password is not None:
            env["PGPASSWORD"] = password
        return make_dsn(**params), env


@dataclass(frozen=True)
class Dumped:
    counts: dict[str, int]
    schema_version: int


def _tables(cursor: Any) -> list[str]:
    cursor.execute(
        "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE c.relkind = 'r' AND n.nspname = current_schema() ORDER BY c.relname"
    )
    return [str(row[0]) for row in cursor.fetchall()]


def table_counts(cursor: Any) -> dict[str, int]:
    """Rows per table of the current schema (what the manifest of a SQLite archive records too)."""
    counts = {}
    for name in _tables(cursor):
        cursor.execute(sql.SQL("SELECT COUNT(*) FROM {}").format(sql.Identifier(name)))
        counts[name] = int(cursor.fetchone()[0])
    return counts


def schema_version(cursor: Any) -> int:
    cursor.execute("SELECT to_regclass('schema_migration') IS NOT NULL")
    if not cursor.fetchone()[0]:
        return 0
    cursor.execute("SELECT MAX(version) FROM schema_migration")
    return int(cursor.fetchone()[0] or 0)


def database_bytes(url: str) -> int:
    """The database's size on the server: an upper bound of its dump before compression."""
    with contextlib.closing(Server.of(url).connect()) as connection, connection.cursor() as cursor:
        cursor.execute("SELECT pg_database_size(current_database())")
        return int(cursor.fetchone()[0])


def _tail(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= STDERR_TAIL else "..." + text[-STDERR_TAIL:]


def _run(
    command: list[str], env: dict[str, str], progress: Progress, message: str, watch: Path | None, total: int
) -> None:
    """Run a PostgreSQL program to its end, reporting progress (the size of `watch`) meanwhile. A progress callback
    that raises (a cancelled job) stops the program. Raises PostgresToolFailed with its own words on failure."""
    with tempfile.TemporaryFile() as errors:
        process = subprocess.Popen(command, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=errors)  # noqa: S603 - our arguments, no shell
        try:
            while True:
                try:
                    process.wait(timeout=POLL_SECONDS)
                    break
                except subprocess.TimeoutExpired:
                    done = watch.stat().st_size if watch is not None and watch.exists() else 0
                    progress(done, max(total, done), message)
        except BaseException:
            process.kill()
            process.wait()
            raise
        if process.returncode != 0:
            errors.seek(0)
            said = errors.read().decode("utf-8", "replace")
            name = Path(command[0]).name
            raise PostgresToolFailed(f"{name} failed (exit status {process.returncode}): {_tail(said) or 'no message'}")


def dump_database(url: str, dest: Path, progress: Progress) -> Dumped:
    """A consistent dump of the live database into `dest`, and the row counts of exactly that data."""
    tool = find_tool("pg_dump")
    server = Server.of(url)
    dest.unlink(missing_ok=True)
    with contextlib.closing(server.connect()) as connection:
        connection.set_session(isolation_level=ISOLATION_LEVEL_REPEATABLE_READ, readonly=True)
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_export_snapshot()")  # first statement: it fixes the transaction's snapshot
            snapshot = str(cursor.fetchone()[0])
            counts = table_counts(cursor)
            version = schema_version(cursor)
            cursor.execute("SELECT pg_database_size(current_database())")
            total = int(cursor.fetchone()[0])
        dsn, env = server.for_program()
        # No compression inside the dump: the archive's gzip compresses it once (level 1, as for SQLite's pages).
        command = [tool, "--format=custom", "--compress=0", "--no-password", f"--snapshot={snapshot}"]
        command += [f"--file={dest}", f"--dbname={dsn}"]
        _run(command, env, progress, "Copying the database", dest, total)
        connection.rollback()  # only now may the snapshot go
    return Dumped(counts, version)


def list_problems(dump: Path) -> list[str]:
    """Whether pg_restore can read the dump's table of contents (a cheap check before a restore)."""
    tool = find_tool("pg_restore")
    done = subprocess.run(  # noqa: S603 - our arguments, no shell
        [tool, "--list", str(dump)], capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        return [f"the database dump cannot be read: {_tail(done.stderr) or 'pg_restore --list failed'}"]
    return []


def scratch_name(dbname: str) -> str:
    # PostgreSQL names are at most 63 bytes: the live name is cut to leave room for the suffix.
    return dbname.encode()[:40].decode(errors="ignore") + SCRATCH_INFIX + secrets.token_hex(4)


@contextlib.contextmanager
def _scratch_database(server: Server) -> Iterator[Server | str]:
    """A new, empty database beside the live one, dropped again whatever happens. Yields its Server, or the
    problem (a string) when it cannot be made."""
    name = scratch_name(server.dbname)
    with contextlib.closing(server.connect()) as connection:
        connection.autocommit = True
        with connection.cursor() as cursor:
            try:
                cursor.execute(sql.SQL("CREATE DATABASE {} TEMPLATE template0").format(sql.Identifier(name)))
            except psycopg2.errors.InsufficientPrivilege:
                yield (
                    f"the database user {server.user} may not create databases, and a verify restores the dump into "
                    f"a scratch database ({name}, dropped afterwards). Grant the CREATEDB privilege "
                    f"(ALTER ROLE {server.user} CREATEDB) to verify backups"
                )
                return
            try:
                yield server.other(name)
            finally:
                cursor.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def check_dump(dump: Path, manifest: dict[str, Any], url: str, progress: Progress) -> list[str]:
    """Restore the dump into a scratch database and compare its tables and schema version with the manifest."""
    tool = find_tool("pg_restore")
    server = Server.of(url)
    with _scratch_database(server) as scratch:
        if isinstance(scratch, str):
            return [scratch]
        dsn, env = scratch.for_program()
        command = [tool, "--no-owner", "--no-privileges", "--exit-on-error", "--no-password", f"--dbname={dsn}"]
        try:
            _run([*command, str(dump)], env, progress, "Test-restoring the database", None, 0)
        except PostgresToolFailed as exc:
            return [f"the database dump cannot be restored: {exc.message}"]
        with contextlib.closing(scratch.connect()) as connection, connection.cursor() as cursor:
            counts = table_counts(cursor)
            version = schema_version(cursor)
    problems = [
        f"table {table} has {counts.get(table)} rows, the manifest says {want}"
        for table, want in manifest.get("tables", {}).items()
        if counts.get(table) != want
    ]
    if version != manifest.get("schema_version"):
        problems.append("the database's schema version differs from the manifest's")
    return problems


def restore_into_live(dump: Path, url: str, progress: Progress, what: str) -> None:
    """Replace the live database's content with the dump's in one transaction: on failure nothing changed (raises
    ArchiveInvalid saying so). Holds the write lock meanwhile, so other processes' writers queue, and moves the
    change counter past both its old and its restored value afterwards."""
    tool = find_tool("pg_restore")
    server = Server.of(url)
    # Said before the lock is taken, and nothing more until it is given back: a job's progress is stored in the
    # database (other processes follow it), and storing is a write, which would wait for this very lock for ever.
    progress(0, 0, "Restoring the database")
    # Autocommit: a session-level lock and no open transaction, so this connection holds no table lock that
    # pg_restore's DROP TABLE would wait for.
    with contextlib.closing(server.connect()) as connection:
        connection.autocommit = True
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_lock(%s)", (WRITE_LOCK_KEY,))
            try:
                before = _counter(cursor)
                dsn, env = server.for_program()
                command = [tool, "--clean", "--if-exists", "--single-transaction", "--no-owner", "--no-privileges"]
                command += ["--exit-on-error", "--no-password", f"--dbname={dsn}", str(dump)]
                try:
                    _run(command, env, _silent, "Restoring the database", None, 0)
                except PostgresToolFailed as exc:
                    raise ArchiveInvalid(
                        f"{what} could not be restored: {exc.message}. Nothing was changed: the database holds "
                        "the data it held before."
                    ) from exc
                _move_counter(cursor, before)
            finally:
                cursor.execute("SELECT pg_advisory_unlock(%s)", (WRITE_LOCK_KEY,))


def _silent(_done: int, _total: int, _message: str) -> None:
    """Progress not reported: see restore_into_live."""


def _counter(cursor: Any) -> int:
    cursor.execute("SELECT to_regclass('change_counter') IS NOT NULL")
    if not cursor.fetchone()[0]:
        return 0
    cursor.execute("SELECT COALESCE(MAX(changes), 0) FROM change_counter")
    return int(cursor.fetchone()[0])


def _move_counter(cursor: Any, before: int) -> None:
    """Above both values: a cache that read the old value, or the restored one in an earlier life, drops its rows."""
    cursor.execute("SELECT to_regclass('change_counter') IS NOT NULL")
    if not cursor.fetchone()[0]:
        return  # a dump from before the counter existed: the migrations make it (core.db.prepare_postgresql)
    cursor.execute("UPDATE change_counter SET changes = GREATEST(changes, %s) + 1", (before,))
    if cursor.rowcount == 0:
        cursor.execute("INSERT INTO change_counter (id, changes) VALUES (1, %s)", (before + 1,))


def live_tables(url: str) -> list[str]:
    with contextlib.closing(Server.of(url).connect()) as connection, connection.cursor() as cursor:
        return _tables(cursor)


def drop_tables(url: str, names: list[str]) -> None:
    """Drop tables the restored dump does not have (made by a migration newer than the archive), so the
    migrations that follow the restore can make them again."""
    if not names:
        return
    with contextlib.closing(Server.of(url).connect()) as connection, connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", (WRITE_LOCK_KEY,))
        for name in names:
            cursor.execute(sql.SQL("DROP TABLE IF EXISTS {} CASCADE").format(sql.Identifier(name)))
        connection.commit()
