"""`devcell migrate-to URL`: copy an appliance's SQLite data into an empty PostgreSQL database, and prove the copy.

The target gets its schema from the real migrations (on PostgreSQL: the baseline at HEAD), then every model's rows
in foreign-key order, in one transaction: a failure, or a copy whose checksums differ, leaves the target without a
row. Each value goes through its model field (SQLite's 0/1 become booleans, ISO text becomes a timestamp), and the
proof reads both sides back through the same fields, so a difference in what DevCell would see is a difference in
the checksum. What is derived is not copied: SQLite's keyword table (PostgreSQL computes `chunk.keywords` itself)
and the vector index (rebuilt on first start; its vectors are named by chunk ids, which are kept).

Lives in the command-line package: it is the one layer that may reach every slice's models.
"""

from __future__ import annotations

import hashlib
import sqlite3
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from peewee import AutoField, CharField, CompositeKey, Field, IntegerField, TextField
from peewee import sort_models as _sort_models  # type: ignore[attr-defined]  # exported, missing from the stub

from devcell.accounts.models import ApiToken, Invite, ResetLink, Session, User
from devcell.assistant.models import Sitrep, SummaryCache
from devcell.assistant.workflows.models import WorkflowRun, WorkflowStep, WorkflowTask
from devcell.chat.models import Conversation, StoredMessage
from devcell.core.db import BaseModel, database, run_sql, transaction
from devcell.core.jobs import JobRun
from devcell.core.migrations.runner import HEAD, migrate
from devcell.documents.models import Document
from devcell.notifications.models import Notification, NotificationPreference, Watch
from devcell.operations.models import MetricSample
from devcell.projects.models import Project, ProjectMember
from devcell.search.models import Chunk, KnowledgeMeta
from devcell.settings.models import Setting
from devcell.standups.models import Standup
from devcell.tasks.models import (
    Label,
    Task,
    TaskActivity,
    TaskChecklistItem,
    TaskComment,
    TaskLabel,
    TaskPreset,
)
from devcell.training.models import TrainingPlan, TrainingUnit

# Every table DevCell keeps data in, by its model. Listed, not discovered: a frozen build imports what is named here,
# and tests/test_migrate_to.py fails when a slice declares a model this list lacks.
MODELS: tuple[type[BaseModel], ...] = (
    User, Session, ApiToken, Invite, ResetLink, Setting, JobRun,
    Project, ProjectMember, Standup,
    Task, TaskComment, TaskActivity, TaskPreset, Label, TaskLabel, TaskChecklistItem,
    Document, Chunk, KnowledgeMeta,
    Conversation, StoredMessage, SummaryCache, Sitrep,
    WorkflowRun, WorkflowStep, WorkflowTask,
    TrainingPlan, TrainingUnit,
    Notification, NotificationPreference, Watch,
    MetricSample,
)  # fmt: skip

# SQLite tables that are not copied: the migration record (written on the target by `migrate`), SQLite's own, the
# register of the processes serving the database (live ones only: the stopped appliance has none; the new service
# registers itself), and the FTS5 keyword index with its shadow tables (derived from `chunk`; PostgreSQL generates
# `chunk.keywords`).
NOT_COPIED = ("schema_migration", "sqlite_sequence", "sqlite_stat1", "sqlite_stat4", "app_process")
DERIVED_PREFIXES = ("chunk_fts",)

# Rows per INSERT: few enough to stay far below PostgreSQL's 65,535 parameters per statement, many enough that
# 10,000 tasks are a few dozen round trips.
PARAMETERS_PER_STATEMENT = 20_000
MAX_ROWS_PER_STATEMENT = 500
# sqlite3 hands these back as the Python value already (column affinity turns '5' into 5 on the way in).
_NATIVE = (IntegerField, CharField, TextField)


class CopyRefused(Exception):
    """The source or the target is not fit for a copy; the message says why and what to do."""


class CopyFailed(Exception):
    """The copy ran and was rolled back: the target holds no DevCell rows."""


@dataclass(frozen=True)
class TableCopy:
    table: str
    source_rows: int
    target_rows: int
    checksums_equal: bool

    @property
    def equal(self) -> bool:
        return self.checksums_equal and self.source_rows == self.target_rows


@dataclass(frozen=True)
class CopyReport:
    tables: list[TableCopy]
    seconds: float

    @property
    def rows(self) -> int:
        return sum(t.source_rows for t in self.tables)


def ordered_models() -> list[type[BaseModel]]:
    """The models with every table after the tables it refers to (peewee's sort_models)."""
    return list(_sort_models(list(MODELS)))


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _columns(model: type[BaseModel]) -> list[Field]:
    return list(model._meta.sorted_fields)


def _key_columns(model: type[BaseModel]) -> list[Field]:
    key = model._meta.primary_key
    if isinstance(key, CompositeKey):
        return [model._meta.fields[name] for name in key.field_names]
    assert isinstance(key, Field)  # every model has a primary key
    return [key]


# The source.


def open_source(path: Path) -> sqlite3.Connection:
    """The appliance's SQLite file, read-only, checked: it exists, is at schema HEAD, and every table in it is
    either a model's or known to be derived (a table this code does not know would otherwise be left behind)."""
    if not path.is_file():
        raise CopyRefused(f"there is no SQLite database at {path}: nothing to copy (check --data-dir)")
    try:
        source = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=10)
        tables = {str(r[0]) for r in source.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    except sqlite3.DatabaseError as exc:
        raise CopyRefused(f"cannot read {path}: {exc}") from None
    version = 0
    if "schema_migration" in tables:
        version = int(source.execute("SELECT MAX(version) FROM schema_migration").fetchone()[0] or 0)
    if version != HEAD:
        source.close()
        if version > HEAD:
            raise CopyRefused(
                f"{path.name} is at schema version {version}, newer than this DevCell ({HEAD}): "
                "run migrate-to with the DevCell version that wrote it"
            )
        raise CopyRefused(
            f"{path.name} is at schema version {version}, not {HEAD}: bring it up to date first "
            "(`devcell migrate`, or start this DevCell version once and stop it again), then run migrate-to"
        )
    known = {model._meta.table_name for model in MODELS}
    unknown = sorted(t for t in tables - known if t not in NOT_COPIED and not t.startswith(DERIVED_PREFIXES))
    missing = sorted(known - tables)
    if unknown or missing:
        source.close()
        problems = [f"tables this DevCell does not know: {', '.join(unknown)}"] if unknown else []
        problems += [f"tables missing: {', '.join(missing)}"] if missing else []
        raise CopyRefused(f"{path.name} does not have the schema this DevCell knows ({'; '.join(problems)})")
    return source


def _high_water_marks(source: sqlite3.Connection) -> dict[str, int]:
    """SQLite's AUTOINCREMENT counters: an id once given is never given again, even after its row was deleted
    (a chunk id names a vector), so each sequence on the target starts past these too."""
    try:
        return {str(name): int(seq) for name, seq in source.execute("SELECT name, seq FROM sqlite_sequence")}
    except sqlite3.OperationalError:  # no AUTOINCREMENT table was ever made
        return {}


# The target.


def target_problem() -> str | None:
    """Why the open PostgreSQL database cannot take the copy, or None. It must hold no DevCell rows: empty, or
    the DevCell schema without data (what a `devcell migrate` on it, or a failed migrate-to, leaves)."""
    with transaction():
        tables = set(database.get_tables())
        known = {model._meta.table_name for model in MODELS} & tables
        filled = []
        for table in sorted(known):
            count = int(run_sql(f"SELECT COUNT(*) FROM {_quote(table)}").fetchone()[0])  # noqa: S608 - a model's table
            if count:
                filled.append(f"{table} ({count:,} row{'' if count == 1 else 's'})")
    if filled:
        shown = ", ".join(filled[:5]) + (" ..." if len(filled) > 5 else "")
        return (
            f"the target database already holds DevCell data: {shown}. migrate-to copies only into an empty "
            "database: create a new one (createdb -O devcell devcell), or drop this one if its data is not needed"
        )
    return None


# Values.


def _reader(field: Field) -> Callable[[Any], Any]:
    """A stored value as DevCell sees it (the field's python_value), None kept."""
    convert: Callable[[Any], Any] = field.python_value
    return lambda value: None if value is None else convert(value)


def _writer(field: Field) -> Callable[[Any], Any]:
    """What DevCell sees as the value the target stores (the field's db_value: booleans, naive UTC timestamps)."""
    if isinstance(field, _NATIVE):  # ints and strings pass as they are (most values: worth skipping two calls)
        return lambda value: value
    convert_in = _reader(field)
    convert_out: Callable[[Any], Any] = field.db_value
    return lambda value: None if value is None else convert_out(convert_in(value))


def _canonical(value: Any) -> Any:
    """One form for equal values from either database: aware timestamps in UTC ISO text, dates in ISO text,
    bytes for a buffer (SQLite's 0/1 are booleans already, through the field)."""
    if isinstance(value, datetime):
        return (value.astimezone(UTC) if value.tzinfo is not None else value).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, memoryview | bytearray):
        return bytes(value)
    return value


def _batch_size(model: type[BaseModel]) -> int:
    return max(1, min(MAX_ROWS_PER_STATEMENT, PARAMETERS_PER_STATEMENT // len(_columns(model))))


# The copy.


def _select_all(model: type[BaseModel], *, on_postgresql: bool) -> str:
    """Every column of the model's table in primary-key order. Text keys sort by bytes on PostgreSQL
    (COLLATE "C"), as SQLite's BINARY does, whatever the server's locale: both sides hash rows in one order."""
    columns = ", ".join(_quote(f.column_name) for f in _columns(model))
    order = []
    for key in _key_columns(model):
        text = isinstance(key, CharField | TextField)
        order.append(_quote(key.column_name) + (' COLLATE "C"' if text and on_postgresql else ""))
    return f"SELECT {columns} FROM {_quote(model._meta.table_name)} ORDER BY {', '.join(order)}"  # noqa: S608


def _batches(cursor: Any, size: int) -> Iterator[Sequence[tuple[Any, ...]]]:
    while rows := cursor.fetchmany(size):
        yield rows


def _copy_table(source: sqlite3.Connection, model: type[BaseModel]) -> None:
    fields = _columns(model)
    writers = [_writer(f) for f in fields]
    size = _batch_size(model)
    columns = ", ".join(_quote(f.column_name) for f in fields)
    one_row = "(" + ", ".join(["%s"] * len(fields)) + ")"
    head = f"INSERT INTO {_quote(model._meta.table_name)} ({columns}) VALUES "  # noqa: S608 - a model's table
    cursor = source.execute(_select_all(model, on_postgresql=False))
    target = database.cursor()
    for rows in _batches(cursor, size):
        params: list[Any] = []
        for row in rows:
            params.extend(write(value) for write, value in zip(writers, row, strict=True))
        # One multi-row INSERT per batch (executemany would be a round trip per row).
        target.execute(head + ", ".join([one_row] * len(rows)), params)


def _move_sequences(models: Iterable[type[BaseModel]], marks: dict[str, int]) -> None:
    """Each identity column's next value past every copied id (and past SQLite's high-water mark), so new rows
    do not collide. setval is not undone by a rollback: a failed copy leaves a sequence ahead, which is harmless."""
    for model in models:
        key = model._meta.primary_key
        if not isinstance(key, AutoField):
            continue
        table, column = model._meta.table_name, key.column_name
        top = int(run_sql(f"SELECT COALESCE(MAX({_quote(column)}), 0) FROM {_quote(table)}").fetchone()[0])  # noqa: S608
        start = max(top, marks.get(table, 0)) + 1
        run_sql("SELECT setval(pg_get_serial_sequence(?, ?), ?, false)", (_quote(table), column, start))


def checksum(cursor: Any, model: type[BaseModel]) -> tuple[int, str]:
    """Rows and the sha256 over them, in primary-key order, each value as DevCell reads it (canonical form)."""
    readers = [_reader(f) for f in _columns(model)]
    digest = hashlib.sha256()
    count = 0
    for rows in _batches(cursor, 2_000):
        for row in rows:
            values = tuple(_canonical(read(value)) for read, value in zip(readers, row, strict=True))
            digest.update(repr(values).encode("utf-8"))
            digest.update(b"\n")
        count += len(rows)
    return count, digest.hexdigest()


def compare(source: sqlite3.Connection, models: Sequence[type[BaseModel]]) -> list[TableCopy]:
    """Each model's rows and checksum on both sides (the open database is the PostgreSQL target)."""
    found = []
    for model in models:
        source_rows, source_sum = checksum(source.execute(_select_all(model, on_postgresql=False)), model)
        target_rows, target_sum = checksum(run_sql(_select_all(model, on_postgresql=True)), model)
        found.append(TableCopy(model._meta.table_name, source_rows, target_rows, source_sum == target_sum))
    return found


def copy_into_open_target(source: sqlite3.Connection) -> CopyReport:
    """Copy every table into the open PostgreSQL database (at HEAD, without rows) in one transaction, prove it,
    and commit only when every table's rows and checksum are equal. Raises CopyFailed (rolled back)."""
    started = time.perf_counter()
    models = ordered_models()
    marks = _high_water_marks(source)
    source.execute("BEGIN")  # one snapshot of the source for the copy and the proof
    try:
        with transaction(write=True):
            for model in models:
                try:
                    _copy_table(source, model)
                except Exception as exc:
                    reason = (str(exc).strip().splitlines() or [type(exc).__name__])[0]  # PostgreSQL adds LINE/HINT
                    raise CopyFailed(f"copying table {model._meta.table_name} failed: {reason}") from exc
            _move_sequences(models, marks)
            tables = compare(source, models)
            differing = [t.table for t in tables if not t.equal]
            if differing:
                raise CopyFailed(f"the copy differs from the source in: {', '.join(differing)}")
    finally:
        source.rollback()
    return CopyReport(tables, round(time.perf_counter() - started, 2))


def prepare_target(db_path: Path, snapshots_dir: Path) -> None:
    """The target's schema at HEAD by the real migrations, after checking it holds no DevCell data."""
    problem = target_problem()
    if problem is not None:
        raise CopyRefused(problem)
    migrate(db_path, snapshots_dir)
