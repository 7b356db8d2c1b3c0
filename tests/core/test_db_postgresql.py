"""The database on a PostgreSQL server (DEVCELL_DATABASE_URL): the schema, units of work, the write lock, the change
counter the caches read, and the helpers that let the slices write one SQL for both databases."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar

import psycopg2
import psycopg2.extensions
import pytest
from peewee import IntegerField, TextField

from devcell.core import db as db_module
from devcell.core.db import (
    BaseModel,
    change_stamp,
    close_database,
    database,
    init_database,
    is_postgresql,
    open_table_counts,
    run_sql,
    transaction,
    upsert,
)
from devcell.core.migrations.runner import HEAD, POSTGRESQL_BASELINE, SchemaTooNew, current_version, migrate
from tests.core.test_migrations import MODELS
from tests.postgres_server import PostgresCluster


class Counter(BaseModel):
    """A table that only these tests use."""

    name = TextField(primary_key=True)
    value = IntegerField(default=0)
    note = TextField(default="")


@pytest.fixture
def empty(postgres_cluster: PostgresCluster, tmp_path: Path) -> Iterator[str]:
    """An empty PostgreSQL database (what an admin creates for DevCell), opened; its URL."""
    url = postgres_cluster.empty_database()
    init_database(url)
    yield url
    close_database()
    postgres_cluster.drop(url)


@pytest.fixture
def pg(empty: str, tmp_path: Path) -> str:
    migrate(tmp_path / "unused.db", tmp_path / "snapshots")
    with transaction(write=True):
        database.create_tables([Counter])
    return empty


def test_an_empty_database_is_migrated_to_head_from_the_baseline(empty: str, tmp_path: Path) -> None:
    """Created at the baseline's version in one step, then every later migration runs as on SQLite."""
    assert is_postgresql()
    applied = migrate(tmp_path / "unused.db", tmp_path / "snapshots")
    assert applied[0].name == "postgresql_baseline"
    assert [m.version for m in applied] == list(range(POSTGRESQL_BASELINE.version, HEAD + 1))
    assert current_version() == HEAD
    assert migrate(tmp_path / "unused.db", tmp_path / "snapshots") == []
    assert not (tmp_path / "snapshots").exists(), "no SQLite snapshot of a server database"


# Columns the server computes that no model reads: the keyword index (SQLite keeps it in the chunk_fts table).
DERIVED = {"chunk": {"keywords"}}


def test_the_server_schema_has_every_table_and_column_the_models_declare(pg: str) -> None:
    with transaction():
        tables = set(database.get_tables())
        missing = {model._meta.table_name for model in MODELS} - tables
        assert missing == set()
        for model in MODELS:
            found = {column.name: column.null for column in database.get_columns(model._meta.table_name)}
            declared = {name: field.null for name, field in model._meta.columns.items() if not field.primary_key}
            derived = DERIVED.get(model._meta.table_name, set())
            assert set(found) - derived == set(model._meta.columns), model.__name__
            assert {name: found[name] for name in declared} == declared, model.__name__


def test_a_server_database_newer_than_the_code_is_refused(pg: str, tmp_path: Path) -> None:
    run_sql("INSERT INTO schema_migration (version, name, applied_at) VALUES (?, ?, now())", (HEAD + 1, "future"))
    with pytest.raises(SchemaTooNew, match=f"schema version {HEAD + 1}"):
        migrate(tmp_path / "unused.db", tmp_path / "snapshots")


def test_writers_queue_so_a_read_then_write_loses_nothing(pg: str) -> None:
    """Each writer reads the value and writes it plus one; without the write lock, READ COMMITTED would let two
    writers read the same value and one increment would be lost."""
    upsert(Counter, name="n", value=0)
    writers, rounds = 4, 20
    start = threading.Barrier(writers)
    errors: list[BaseException] = []

    def increment_many() -> None:
        try:
            start.wait()
            for _ in range(rounds):
                with transaction(write=True):
                    value = Counter.get(Counter.name == "n").value
                    Counter.update(value=value + 1).where(Counter.name == "n").execute()
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=increment_many) for _ in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with transaction():
        assert Counter.get(Counter.name == "n").value == writers * rounds


def test_a_read_only_unit_of_work_refuses_a_write(pg: str) -> None:
    with pytest.raises(Exception, match="read-only transaction"), transaction():
        Counter.create(name="sneaky")
    with transaction():
        assert Counter.select().count() == 0


def test_the_change_stamp_moves_with_a_write_in_another_thread_and_not_otherwise(pg: str) -> None:
    before = change_stamp()
    assert change_stamp() == before

    def write() -> None:
        with transaction(write=True):
            Counter.create(name="other thread")

    thread = threading.Thread(target=write)
    thread.start()
    thread.join()
    assert change_stamp() != before


def test_a_write_outside_a_unit_of_work_still_moves_the_change_stamp(pg: str) -> None:
    before = change_stamp()
    run_sql("INSERT INTO counter (name, value, note) VALUES (?, ?, ?)", ("stray", 1, ""))
    assert change_stamp() != before


def test_the_change_stamp_moves_with_a_write_by_another_process(pg: str, postgres_cluster: PostgresCluster) -> None:
    """Another DevCell process is another client of the server: its writing unit of work moves the counter row."""
    before = change_stamp()
    name = pg.split("/", 3)[3].split("?", 1)[0]
    other = psycopg2.connect(dbname=name, user="devcell", host=postgres_cluster.socket_dir, port=5432)
    try:
        with other, other.cursor() as cursor:
            cursor.execute("UPDATE change_counter SET changes = changes + 1")
    finally:
        other.close()
    assert change_stamp() != before


def test_run_sql_takes_question_marks_and_keeps_percent_signs_in_values(pg: str) -> None:
    run_sql("INSERT INTO counter (name, value, note) VALUES (?, ?, ?)", ("100% sure?", 1, "a ? and a %s"))
    with transaction():
        row = run_sql("SELECT name, note FROM counter WHERE name = ?", ("100% sure?",)).fetchone()
    assert tuple(row) == ("100% sure?", "a ? and a %s")


def test_upsert_updates_the_row_with_the_same_key_in_place(pg: str) -> None:
    upsert(Counter, name="k", value=1, note="first")
    upsert(Counter, name="k", value=2, note="second")
    with transaction():
        assert [(c.name, c.value, c.note) for c in Counter.select()] == [("k", 2, "second")]


def test_table_counts_of_the_open_database(pg: str) -> None:
    upsert(Counter, name="a", value=1)
    counts = open_table_counts()
    assert counts["counter"] == 1
    assert counts["user"] == 0
    assert "schema_migration" in counts


def test_connections_go_back_to_the_pool_after_each_unit_of_work(pg: str) -> None:
    """Every thread of the server's pool borrows a connection per unit of work: 40 threads, a pool of 12, no error."""
    errors: list[BaseException] = []

    def read() -> None:
        try:
            for _ in range(5):
                with transaction():
                    Counter.select().count()
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=read) for _ in range(40)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(database.obj._in_use) == 0  # type: ignore[attr-defined]  # the pool's own bookkeeping


class CountingCursor(psycopg2.extensions.cursor):
    """Every statement the driver sends: each execute is one round trip to the server."""

    sent: ClassVar[list[str]] = []

    def execute(self, query: Any, vars: Any = None) -> Any:
        CountingCursor.sent.append(str(query).split()[0].rstrip(";").upper())
        return super().execute(query, vars)


@pytest.fixture
def sent(pg: str) -> Iterator[list[str]]:
    """The statements sent from here on, over fresh connections that count them."""
    close_database()
    init_database(pg)
    database.obj.connect_params["cursor_factory"] = CountingCursor
    with transaction():  # the pool's first connection, made
        pass
    CountingCursor.sent.clear()
    yield CountingCursor.sent
    CountingCursor.sent.clear()


def test_a_cached_read_costs_one_round_trip(sent: list[str]) -> None:
    """A cache checks the change stamp on every request: on the server that is one statement, not a unit of work
    of its own (with the pool's ping it was five)."""
    change_stamp()
    assert sent == ["SELECT"]


def test_a_unit_of_work_opens_in_one_round_trip(sent: list[str]) -> None:
    with transaction():
        Counter.select().count()
    assert sent == ["BEGIN", "SELECT", "COMMIT"]
    sent.clear()
    with transaction(write=True):
        Counter.create(name="one")
    assert sent == ["BEGIN", "INSERT", "COMMIT"]  # BEGIN carries the write lock and the change counter's move


def test_the_write_lock_and_the_counter_still_come_with_a_one_statement_begin(pg: str) -> None:
    before = change_stamp()
    with transaction(write=True):
        held = run_sql("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid()")
        assert held.fetchone()[0] == 1
    assert change_stamp() != before
    with transaction():
        assert run_sql("SELECT current_setting('transaction_isolation')").fetchone()[0] == "repeatable read"
        assert run_sql("SELECT current_setting('transaction_read_only')").fetchone()[0] == "on"


def test_a_connection_idle_in_the_pool_is_pinged_and_replaced_when_the_server_dropped_it(
    sent: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A server restart (or an idle timeout) kills pooled connections: one given back more than
    PING_AFTER_IDLE_SECONDS ago is pinged first and, found dead, replaced instead of failing the request."""
    with transaction():
        backend = run_sql("SELECT pg_backend_pid()").fetchone()[0]
    killer = psycopg2.connect(
        database.obj.database, **{k: v for k, v in database.obj.connect_params.items() if k != "cursor_factory"}
    )
    try:
        killer.autocommit = True
        with killer.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s)", (backend,))
    finally:
        killer.close()
    monkeypatch.setattr(db_module, "PING_AFTER_IDLE_SECONDS", 0.0)
    sent.clear()
    with transaction():
        assert run_sql("SELECT pg_backend_pid()").fetchone()[0] != backend
    assert sent[0] == "SELECT"  # the ping that found it dead
