"""The one peewee database, its pragmas, the base model and the unit-of-work helper.

The database is the appliance's SQLite file, or a PostgreSQL server when DEVCELL_DATABASE_URL names one (the way
past one box). Code above this module writes one SQL for both: peewee queries, or `run_sql` with `?` marks and
the few dialect helpers here (`nocase`, `contains`). What differs is kept here: how a unit of work takes the
write lock, how a cache learns that another process wrote, how connections are held.
"""

from __future__ import annotations

import functools
import itertools
import os
import socket
import sqlite3
import threading
import time
import weakref
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, ParamSpec, TypeVar

from peewee import (
    Alias,
    BooleanField,
    CharField,
    CompositeKey,
    DatabaseError,
    DatabaseProxy,
    DateTimeField,
    Field,
    ForeignKeyField,
    IntegerField,
    Model,
    PostgresqlDatabase,
    Select,
    SqliteDatabase,
    TextField,
    fn,
)
from playhouse.pool import PooledPostgresqlDatabase  # type: ignore[import-untyped]  # playhouse ships no types

from devcell.core.config import redacted_url

# Why each pragma: WAL lets readers run beside the one writer; synchronous=FULL makes an acknowledged
# write survive a power cut (a Pi on an SD card); busy_timeout makes a second writer wait instead of
# failing with "database is locked"; foreign_keys is off by default in SQLite.
PRAGMAS: dict[str, Any] = {
    "journal_mode": "wal",
    "synchronous": "full",
    "foreign_keys": 1,
    "busy_timeout": 10_000,
    "cache_size": -16_000,  # 16 MB page cache per connection
    "temp_store": "memory",
}

# Connections one process holds to PostgreSQL at most: every unit of work borrows one and gives it back, so a
# server's max_connections (100 by default) serves several processes. A thread finding none free waits.
POSTGRESQL_POOL = 12
POSTGRESQL_POOL_WAIT_SECONDS = 30
# The PostgreSQL advisory lock every writing unit of work takes first: writers queue as they do on SQLite
# (BEGIN IMMEDIATE), so the read-then-write code of the slices keeps its meaning on a server. Readers never wait.
WRITE_LOCK_KEY = 0x0DE7CE11

database = DatabaseProxy()
_outer = threading.local()  # per thread: may the outermost unit of work write; connection generation

P = ParamSpec("P")
R = TypeVar("R")


class DatabaseUnreachable(Exception):
    """The PostgreSQL server did not answer or refused us (down, wrong address, wrong password or database name);
    the message names the server (without the password) and how to check it."""

    def __init__(self, url: str, cause: BaseException) -> None:
        reason = str(cause).strip().splitlines()[0] if str(cause).strip() else type(cause).__name__
        shown = redacted_url(url)
        super().__init__(
            f"cannot reach the PostgreSQL database {shown}: {reason}. Check the server and the URL: "
            f"pg_isready -d '{shown}' (DEVCELL_DATABASE_URL in /etc/devcell/devcell.env)"
        )


class ProgrammingError(RuntimeError):
    """Code used the database the wrong way (a write inside a read-only unit of work)."""


def utcnow() -> datetime:
    """Timestamps are stored as aware UTC datetimes."""
    return datetime.now(UTC)


def _utc_from_db(value: Any) -> Any:
    """What UTCDateTimeField stores ("2025-01-02 03:04:05[.ffffff]", naive UTC text) as an aware datetime, ~25x
    faster than peewee's try-each-format parsing plus replace(tzinfo): a page of rows has many timestamps.
    Anything else (a date alone parses naive) is left to peewee's parsing: None is returned for that."""
    if isinstance(value, str):
        try:
            parsed = datetime.fromisoformat(value + "+00:00")
        except ValueError:
            return None
        return parsed if parsed.tzinfo is not None else None
    return None


class UTCDateTimeField(DateTimeField):
    """A datetime column that always hands back aware UTC values (SQLite stores ISO text)."""

    def db_value(self, value: Any) -> Any:
        if isinstance(value, datetime):
            if value.tzinfo is None:
                raise ValueError("naive datetimes are not stored; use devcell.core.db.utcnow()")
            value = value.astimezone(UTC).replace(tzinfo=None)
        return super().db_value(value)  # type: ignore[no-untyped-call]  # peewee's stub leaves it unannotated

    def python_value(self, value: Any) -> Any:
        fast = _utc_from_db(value)
        if fast is not None:
            return fast
        result = super().python_value(value)  # type: ignore[no-untyped-call]  # peewee's stub leaves it unannotated
        if isinstance(result, datetime):
            return result.replace(tzinfo=UTC) if result.tzinfo is None else result.astimezone(UTC)
        return result


class BaseModel(Model):
    class Meta:
        database = database
        legacy_table_names = False


class _Generation:
    """Counts (re)initialisations: a thread whose connection is from an older one reconnects (peewee's
    init() only closes the calling thread's connection; a restore or a test's new file must reach all)."""

    current = 0


# How a unit of work opens on PostgreSQL, each in one round trip (psycopg2 sends the statements as one message). A
# writer queues on the write lock and moves the change counter (see change_stamp); a reader sees one snapshot of the
# whole database, as a SQLite read transaction does, and may not write.
_BEGIN_READ = "BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY"
_BEGIN_WRITE = "BEGIN; SELECT pg_advisory_xact_lock(%s); UPDATE change_counter SET changes = changes + 1"
# A pooled connection idle for longer than this is pinged (SELECT 1) before it is handed out: the server may have
# restarted or dropped it. One used a moment ago is not, which saves a round trip on every unit of work under load.
PING_AFTER_IDLE_SECONDS = 5.0


class _Postgresql(PooledPostgresqlDatabase):  # type: ignore[misc]  # untyped base (playhouse)
    """PostgreSQL for DevCell: a statement that writes outside a unit of work still takes the write lock and
    tells the caches (in a unit of work of its own), as every write on SQLite moves `PRAGMA data_version`."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._returned_at: weakref.WeakKeyDictionary[Any, float] = weakref.WeakKeyDictionary()

    def execute_sql(self, sql: str, params: Any = None) -> Any:
        if self.transaction_depth() == 0 and sql.lstrip()[:6].upper() in ("INSERT", "UPDATE", "DELETE"):
            with transaction(write=True):
                return super().execute_sql(sql, params)
        return super().execute_sql(sql, params)

    def begin(self, isolation_level: Any = None) -> None:
        if isolation_level in (_BEGIN_READ, _BEGIN_WRITE):  # from transaction(): the whole opening statement
            params = (WRITE_LOCK_KEY,) if isolation_level == _BEGIN_WRITE else None
            super().execute_sql(isolation_level, params)
            return
        super().begin(isolation_level)

    def _is_closed(self, conn: Any) -> bool:
        if conn.closed:
            return True
        if time.monotonic() - self._returned_at.get(conn, 0.0) < PING_AFTER_IDLE_SECONDS:
            return False  # given back idle a moment ago (the pool rolls back a dirty one at check-in)
        return bool(super()._is_closed(conn))

    def _close(self, conn: Any, close_conn: bool = False) -> None:
        self._returned_at[conn] = time.monotonic()
        super()._close(conn, close_conn)


def init_database(target: Path | str) -> None:
    """Point the database at the SQLite file `target`, or at the PostgreSQL server a postgresql:// URL names.
    Connections open lazily (see transaction)."""
    _Generation.current += 1
    if isinstance(target, str):
        server = _Postgresql(
            target,
            max_connections=POSTGRESQL_POOL,
            timeout=POSTGRESQL_POOL_WAIT_SECONDS,
            stale_timeout=300,
            autoconnect=False,
        )
        database.initialize(server)
        return
    file = SqliteDatabase(None, autoconnect=False)
    file.init(str(target), pragmas=PRAGMAS, timeout=PRAGMAS["busy_timeout"] / 1000, check_same_thread=False)
    file.register_function(_unicode_lower, UNICODE_LOWER, 1, deterministic=True)
    database.initialize(file)


def server_connection() -> Any:
    """A connection of its own to the PostgreSQL server, outside the pool and in autocommit, for what lives as long
    as the process (the scheduler's session lock). Its application_name says which process holds it."""
    server = database.obj
    if not isinstance(server, PostgresqlDatabase):
        raise ProgrammingError("a server connection needs PostgreSQL")
    # The plain driver connection (peewee's PostgresqlDatabase._connect, not the pool's, which would be given back).
    connection = PostgresqlDatabase._connect(server)  # type: ignore[attr-defined]  # untyped in peewee's stub
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config('application_name', %s, false)", (process_name(),))
        # A process that vanishes without closing its socket (a host lost) is noticed by the server within ~25 s,
        # so its locks are freed for another process to take over.
        for name, value in (("tcp_keepalives_idle", 10), ("tcp_keepalives_interval", 5), ("tcp_keepalives_count", 3)):
            cursor.execute("SELECT set_config(%s, %s, false)", (name, str(value)))
    return connection


def process_name() -> str:
    """This process among several: devcell@host:pid."""
    return f"devcell@{socket.gethostname()}:{os.getpid()}"


def is_postgresql() -> bool:
    return isinstance(database.obj, PostgresqlDatabase)


def close_database() -> None:
    if database.obj is None:
        return
    if not database.is_closed():
        database.close()
    if isinstance(database.obj, PooledPostgresqlDatabase):
        database.obj.close_all()


def _ensure_connection() -> None:
    # Each thread keeps its own SQLite connection open for reuse: opening one costs several pragma statements.
    # A PostgreSQL connection is borrowed from the pool for one unit of work (see transaction).
    if getattr(_outer, "generation", None) != _Generation.current and not database.is_closed():
        database.close()
    if database.is_closed():
        database.connect()
        _outer.generation = _Generation.current


def run_sql(sql: str, params: Sequence[Any] = ()) -> Any:
    """Run SQL written with `?` marks (SQLite's) on either database; returns the DB-API cursor. Literal `?` or
    `%` characters belong in a parameter, never in the SQL text."""
    if is_postgresql():
        sql = sql.replace("%", "%%").replace("?", "%s")
    return database.execute_sql(sql, tuple(params))


def upsert(model: type[Model], /, **values: Any) -> None:
    """Insert a row, or update the one with the same primary key: one statement on both databases (INSERT ...
    ON CONFLICT DO UPDATE). Never SQLite's REPLACE, which deletes the old row first (and what cascades from it).
    `model` is positional-only: a table may have a column named `model`."""
    key = model._meta.primary_key
    if isinstance(key, CompositeKey):
        names = list(key.field_names)
    elif isinstance(key, Field):
        names = [key.name]
    else:
        raise ProgrammingError(f"{model.__name__} has no primary key to upsert by")
    target = [model._meta.combined[name] for name in names]
    update = [model._meta.combined[name] for name in values if name not in names]
    model.insert(**values).on_conflict(conflict_target=target, preserve=update).execute()


def contains(haystack: Any, needle: str) -> Any:
    """A condition: `needle` occurs in `haystack` (a peewee expression), as plain text (no LIKE wildcards)."""
    return (fn.strpos(haystack, needle) if is_postgresql() else fn.instr(haystack, needle)) > 0


# SQLite's own lower() folds ASCII letters only ("Über" stays "Über"); PostgreSQL's folds every letter. Python's
# str.lower, registered on every SQLite connection under this name, folds them as PostgreSQL does.
UNICODE_LOWER = "unicode_lower"


def _unicode_lower(value: Any) -> Any:
    return value.lower() if isinstance(value, str) else value


def lower_function(needle: str) -> str:
    """The SQL function that lower-cases a column to compare it with `needle` (lower-cased by Python): `lower`,
    except on SQLite for a needle with a letter beyond ASCII. SQLite's lower() is right for an ASCII needle (no other
    letter can equal one of its letters) and costs nothing; calling Python for every row costs about a microsecond."""
    return "lower" if needle.isascii() or is_postgresql() else UNICODE_LOWER


def contains_folded(column: Any, needle: str) -> Any:
    """A condition: `needle`, lower-cased, occurs in `column` (a peewee expression) regardless of case, for every
    letter, as plain text (no LIKE wildcards)."""
    needle = needle.lower()
    return contains(getattr(fn, lower_function(needle))(column), needle)


def nocase(column: str) -> str:
    """An ORDER BY term sorting `column` without regard to case on both databases."""
    return f"lower({column})" if is_postgresql() else f"{column} COLLATE NOCASE"


_ROLLED_BACK_ALREADY = "no transaction is active"


@contextmanager
def transaction(write: bool = False) -> Iterator[None]:
    """A consistent unit of work. Writes take the write lock up front (BEGIN IMMEDIATE), so two writers
    queue on busy_timeout instead of one failing halfway with "database is locked"."""
    if database.transaction_depth() == 0:
        _ensure_connection()
    if database.transaction_depth() > 0:
        if write and not getattr(_outer, "write", False):
            raise ProgrammingError("a write unit of work cannot nest inside a read-only one")
        yield
        return
    _outer.write = write
    _outer.after_commit = []
    try:
        if is_postgresql():
            with _borrowed_connection(), database.atomic(_BEGIN_WRITE if write else _BEGIN_READ):
                yield
        else:
            with database.atomic("IMMEDIATE" if write else "DEFERRED"):
                yield
    except DatabaseError as exc:
        # SQLite rolls a transaction back by itself when COMMIT fails with SQLITE_FULL (or IOERR); peewee's own
        # ROLLBACK then fails with "no transaction is active" and would hide the real cause (a full disk -> 507).
        cause = _failed_commit(exc)
        if cause is None:
            raise
        raise cause from None
    finally:
        committed_callbacks, _outer.after_commit = _outer.after_commit, []
    for callback in committed_callbacks:
        callback()


@contextmanager
def _borrowed_connection() -> Iterator[None]:
    try:
        yield
    finally:
        if database.transaction_depth() == 0 and not database.is_closed():
            database.close()  # back to the pool


def prepare_postgresql() -> None:
    """Make the two tables a unit of work needs on PostgreSQL (schema_migration, and change_counter, which every
    writing one moves) in a plain transaction of their own: the first migration cannot make them itself."""
    _ensure_connection()
    with _borrowed_connection(), database.atomic():
        database.execute_sql(
            "CREATE TABLE IF NOT EXISTS schema_migration "
            "(version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TIMESTAMP NOT NULL)"
        )
        database.execute_sql(
            "CREATE TABLE IF NOT EXISTS change_counter (id INTEGER PRIMARY KEY CHECK (id = 1), changes BIGINT NOT NULL)"
        )
        database.execute_sql("INSERT INTO change_counter (id, changes) VALUES (1, 0) ON CONFLICT DO NOTHING")


def after_commit(callback: Callable[[], None]) -> None:
    """Run `callback` once the current unit of work has committed (never if it rolls back): telling a browser
    about a row must wait until another connection can read it. Outside a transaction it runs at once."""
    pending: list[Callable[[], None]] | None = getattr(_outer, "after_commit", None)
    if database.transaction_depth() == 0 or pending is None:  # none open, or one not opened by transaction()
        callback()
    else:
        pending.append(callback)


def _failed_commit(exc: BaseException) -> BaseException | None:
    """The error that made SQLite roll back on its own, when `exc` is only the failed ROLLBACK after it."""
    if _ROLLED_BACK_ALREADY not in str(exc):
        return None
    cause = exc.__context__
    while cause is not None and _ROLLED_BACK_ALREADY in str(cause):  # peewee wraps sqlite3's error: two links
        cause = cause.__context__
    return cause if isinstance(cause, DatabaseError) else None


def unit_of_work(write: bool = False) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Decorate a service function so its body runs in one transaction (IMMEDIATE when it writes)."""

    def decorate(fn: Callable[P, R]) -> Callable[P, R]:
        @functools.wraps(fn)
        def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
            with transaction(write=write):
                return fn(*args, **kwargs)

        return wrapper

    return decorate


def change_stamp() -> tuple[int, int, int, int]:
    """A value that differs whenever the database may have changed since it was last taken on this thread:
    a commit by any other connection, in this process or another (`PRAGMA data_version`), a write by this
    thread's own connection (`total_changes`), or a re-initialised database. It reads no table (a few
    microseconds), so an in-memory cache can check it on every request and never serve what a write replaced.
    On PostgreSQL every writing unit of work moves a counter row (a lookup by primary key, one autocommit statement
    outside a unit of work), which reaches the caches of every process."""
    if is_postgresql():
        if database.transaction_depth() > 0:
            row = database.execute_sql("SELECT changes FROM change_counter").fetchone()
        else:  # one autocommit statement (one round trip), not a unit of work of its own (three)
            _ensure_connection()
            with _borrowed_connection():
                row = database.execute_sql("SELECT changes FROM change_counter").fetchone()
        return (_Generation.current, 0, int(row[0]), 0)
    _ensure_connection()
    connection = database.connection()
    version = connection.execute("PRAGMA data_version").fetchone()[0]
    return (_Generation.current, _serial_of(connection), int(version), connection.total_changes)


_CONNECTION_SERIALS = itertools.count(1)


def _serial_of(connection: sqlite3.Connection) -> int:
    """A number no other connection of this process has had. Not `id()`: a thread's new connection often sits where
    an ended thread's was, and with data_version and total_changes both at their first values its stamp would equal
    the old one, so a cache would serve a body that a write has since replaced. The thread keeps its connection
    referenced here, so `is` cannot be fooled by a reused address."""
    if getattr(_outer, "stamped_connection", None) is not connection:
        _outer.stamped_connection = connection
        _outer.connection_serial = next(_CONNECTION_SERIALS)
    serial: int = _outer.connection_serial
    return serial


_NATIVE_FIELDS = (CharField, TextField, IntegerField, ForeignKeyField)  # AutoField, BigIntegerField: IntegerField


class Prepared:
    """A SELECT whose SQL peewee builds once, for hot reads: building it costs ~150 us per query (more than an
    indexed SQLite lookup), running the kept SQL with new values costs a few.

    `build` returns the query with stand-in values; `rows(*params)` runs the SQL with the real values, given in
    the order their placeholders appear in it (a wrong count raises ProgrammingError). Rows come back as dicts
    keyed by field name (or alias), each value converted by its field's python_value. Select fields or aliased
    fields; constant conditions are better written without a value (`.where(User.active)`). Run it inside a
    unit of work, or alone as a single consistent statement."""

    def __init__(self, build: Callable[[], Select]) -> None:
        self._build = build
        self._sql = ""
        self._param_count = -1
        self._names: list[str] = []
        self._converters: list[tuple[str, Callable[[Any], Any]]] = []
        self._dialect: type | None = None

    def _compile(self) -> None:
        self._dialect = type(database.obj)  # the SQL differs between SQLite and PostgreSQL (marks, quoting)
        query = self._build()
        sql, params = query.sql()
        names: list[str] = []
        converters: list[tuple[str, Callable[[Any], Any]]] = []
        for node in query._returning:  # type: ignore[attr-defined]  # the selected columns; no public accessor
            name, target = (str(node.name), node.node) if isinstance(node, Alias) else (str(node.name), node)
            names.append(name)
            # Text and integer columns come back from sqlite3 as the Python value already; only the others
            # (booleans, timestamps, dates, ...) go through their field's python_value.
            if isinstance(target, Field) and not isinstance(target, _NATIVE_FIELDS):
                converters.append((name, bool if isinstance(target, BooleanField) else target.python_value))
        self._sql, self._names, self._converters, self._param_count = sql, names, converters, len(params)

    @property
    def sql(self) -> str:
        if self._param_count < 0 or self._dialect is not type(database.obj):
            self._compile()
        return self._sql

    def rows(self, *params: Any) -> list[dict[str, Any]]:
        if self._param_count < 0 or self._dialect is not type(database.obj):
            self._compile()
        if len(params) != self._param_count:
            raise ProgrammingError(f"the prepared query takes {self._param_count} values, got {len(params)}")
        if is_postgresql() and database.transaction_depth() == 0:
            with transaction():  # borrows a pooled connection and gives it back
                fetched = self._fetch(params)
        else:
            _ensure_connection()
            fetched = self._fetch(params)
        names, converters = self._names, self._converters
        rows = [dict(zip(names, row, strict=True)) for row in fetched]
        for row in rows:
            for name, convert in converters:
                value = row[name]
                if value is not None:
                    row[name] = convert(value)
        return rows

    def _fetch(self, params: tuple[Any, ...]) -> list[tuple[Any, ...]]:
        cursor = database.cursor()
        cursor.execute(self._sql, params)
        return list(cursor.fetchall())

    def first(self, *params: Any) -> dict[str, Any] | None:
        found = self.rows(*params)
        return found[0] if found else None


def open_table_counts() -> dict[str, int]:
    """Rows per table of the open database, by name (what `migrate-to` and a support bundle compare)."""
    with transaction():
        names = sorted(name for name in database.get_tables() if not name.startswith("sqlite_"))
        return {name: int(database.execute_sql(f'SELECT COUNT(*) FROM "{name}"').fetchone()[0]) for name in names}  # noqa: S608 - names from the catalogue


def check_reachable() -> str | None:
    """None when a trivial query works, else the reason."""
    try:
        with transaction():
            database.execute_sql("SELECT 1").fetchone()
    except DatabaseError as exc:
        return str(exc)
    return None


@dataclass(frozen=True)
class ServerFacts:
    """What health shows of the PostgreSQL server: its version, one round trip, and how close it is to refusing
    connections, by the tighter of its two limits: the server's (`max_connections` less the slots reserved for
    superusers) and this database's own (`ALTER DATABASE ... CONNECTION LIMIT`). Every DevCell process holds up to
    POSTGRESQL_POOL, so a cluster that grows can exhaust either."""

    version: str
    round_trip_ms: float
    connections: int
    connection_limit: int
    limit_of: str  # "server" or "database"


_CONNECTIONS_SQL = (
    "SELECT current_setting('server_version'), "
    "current_setting('max_connections')::int - current_setting('superuser_reserved_connections')::int, "
    "(SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend'), "
    "(SELECT datconnlimit FROM pg_database WHERE datname = current_database()), "
    "(SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend' AND datname = current_database())"
)


def server_facts() -> ServerFacts:
    """Read from the server in two autocommit statements (raises DatabaseError when it does not answer)."""
    _ensure_connection()
    with _borrowed_connection():
        started = time.perf_counter()
        database.execute_sql("SELECT 1").fetchone()
        round_trip_ms = round((time.perf_counter() - started) * 1000, 2)
        version, server_limit, server_used, database_limit, database_used = database.execute_sql(
            _CONNECTIONS_SQL
        ).fetchone()
    if database_limit >= 0 and database_limit - database_used < server_limit - server_used:  # -1: no limit of its own
        return ServerFacts(str(version), round_trip_ms, int(database_used), int(database_limit), "database")
    return ServerFacts(str(version), round_trip_ms, int(server_used), int(server_limit), "server")


SQLITE_MAGIC = b"SQLite format 3\x00"
# Words in SQLite's errors that mean the file itself is damaged ("database is locked" and the like are not).
DAMAGE_WORDS = ("malformed", "corrupt", "not a database")


def is_damage(exc: BaseException) -> bool:
    return isinstance(exc, DatabaseError | sqlite3.DatabaseError) and any(w in str(exc) for w in DAMAGE_WORDS)


def database_problem(path: Path) -> str | None:
    """Why the database file cannot be used, or None (also for a file that does not exist yet).

    Cheap enough for every start: the header, the size it declares and the schema, not every page (the full
    quick_check runs in the background once serving). What it finds is what made `serve` die with a traceback
    before: an overwritten header, a truncated file, a schema SQLite cannot read."""
    try:
        with path.open("rb") as handle:
            header = handle.read(100)
    except FileNotFoundError:
        return None
    except OSError as exc:
        return f"{path.name} cannot be read: {exc.strerror}"
    if not header:
        return None  # SQLite treats an empty file as a new, empty database
    if not header.startswith(SQLITE_MAGIC) or len(header) < 100:
        return f"{path.name} is not an SQLite database any more: its header was overwritten or lost"
    truncated = _truncation(path, header)
    if truncated is not None:
        return truncated
    return _schema_problem(path)


def _truncation(path: Path, header: bytes) -> str | None:
    page_size = int.from_bytes(header[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    pages = int.from_bytes(header[28:32], "big")
    # The declared size is valid only when "version-valid-for" equals the change counter (SQLite file format 1.3).
    valid = pages > 0 and header[92:96] == header[24:28]
    expected = pages * page_size
    if valid and path.stat().st_size < expected:
        return f"{path.name} is truncated: {path.stat().st_size:,} bytes of the {expected:,} it declares"
    return None


def _schema_problem(path: Path) -> str | None:
    try:
        connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5)
        try:
            connection.execute("SELECT count(*) FROM sqlite_master").fetchone()
        finally:
            connection.close()
    except sqlite3.DatabaseError as exc:
        if any(word in str(exc) for word in DAMAGE_WORDS):
            return f"SQLite cannot read {path.name}: {exc}"
    return None


def damage_found(path: Path) -> str | None:
    """database_problem, then SQLite's quick_check over every page (seconds for a large file): what a restore
    asks before it decides how to keep the current data (an online backup of a damaged file fails)."""
    problem = database_problem(path)
    if problem is not None or not path.is_file():
        return problem
    try:
        connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=30)
        try:
            rows = [str(row[0]) for row in connection.execute("PRAGMA quick_check(5)")]
        finally:
            connection.close()
    except sqlite3.DatabaseError as exc:
        return str(exc) if is_damage(exc) else None
    return None if rows == ["ok"] else "; ".join(rows)
