"""The one peewee database, its pragmas, the base model and the unit-of-work helper."""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, ParamSpec, TypeVar

from peewee import DatabaseError, DateTimeField, Model, SqliteDatabase

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

database = SqliteDatabase(None, autoconnect=False)
_outer = threading.local()  # per thread: may the outermost unit of work write; connection generation

P = ParamSpec("P")
R = TypeVar("R")


class ProgrammingError(RuntimeError):
    """Code used the database the wrong way (a write inside a read-only unit of work)."""


def utcnow() -> datetime:
    """Timestamps are stored as aware UTC datetimes."""
    return datetime.now(UTC)


class UTCDateTimeField(DateTimeField):
    """A datetime column that always hands back aware UTC values (SQLite stores ISO text)."""

    def db_value(self, value: Any) -> Any:
        if isinstance(value, datetime):
            if value.tzinfo is None:
                raise ValueError("naive datetimes are not stored; use devcell.core.db.utcnow()")
            value = value.astimezone(UTC).replace(tzinfo=None)
        return super().db_value(value)  # type: ignore[no-untyped-call]  # peewee's stub leaves it unannotated

    def python_value(self, value: Any) -> Any:
        result = super().python_value(value)  # type: ignore[no-untyped-call]  # peewee's stub leaves it unannotated
        if isinstance(result, datetime) and result.tzinfo is None:
            return result.replace(tzinfo=UTC)
        return result


class BaseModel(Model):
    class Meta:
        database = database
        legacy_table_names = False


class _Generation:
    """Counts (re)initialisations: a thread whose connection is from an older one reconnects (peewee's
    init() only closes the calling thread's connection; a restore or a test's new file must reach all)."""

    current = 0


def init_database(path: Path) -> None:
    """Point the deferred database at a file. Connections open lazily per thread (see unit_of_work)."""
    _Generation.current += 1
    database.init(str(path), pragmas=PRAGMAS, timeout=PRAGMAS["busy_timeout"] / 1000, check_same_thread=False)


def close_database() -> None:
    if not database.is_closed():
        database.close()


def _ensure_connection() -> None:
    # Each thread keeps its own connection open for reuse: opening one costs several pragma statements.
    if getattr(_outer, "generation", None) != _Generation.current and not database.is_closed():
        database.close()
    if database.is_closed():
        database.connect()
        _outer.generation = _Generation.current


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
    with database.atomic("IMMEDIATE" if write else "DEFERRED"):
        yield


def unit_of_work(write: bool = False) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Decorate a service function so its body runs in one transaction (IMMEDIATE when it writes)."""

    def decorate(fn: Callable[P, R]) -> Callable[P, R]:
        @functools.wraps(fn)
        def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
            with transaction(write=write):
                return fn(*args, **kwargs)

        return wrapper

    return decorate


def check_reachable() -> str | None:
    """None when a trivial query works, else the reason."""
    try:
        with transaction():
            database.execute_sql("SELECT 1").fetchone()
    except DatabaseError as exc:
        return str(exc)
    return None
