"""Migrations: empty -> HEAD gives the models' schema, the previous release's database upgrades, failures are safe."""

from __future__ import annotations

import importlib
import importlib.util
import pkgutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

import devcell
from devcell.core.db import BaseModel, close_database, database, init_database, transaction
from devcell.core.jobs import JobRun
from devcell.core.migrations import m0001_initial
from devcell.core.migrations.runner import (
    HEAD,
    KEEP_SNAPSHOTS,
    MIGRATIONS,
    MigrationFailed,
    SchemaTooNew,
    _apply,
    current_version,
    migrate,
    snapshot,
)
from devcell.core.processes import AppProcess

FIXTURES = Path(__file__).parent / "fixtures"


def declared_models() -> list[type[BaseModel]]:
    """Every model of every slice (`devcell/<slice>/models.py`, also in a slice's sub-packages such as
    `devcell/assistant/workflows/models.py`) plus core's: the job history and the process list."""
    found: list[type[BaseModel]] = [JobRun, AppProcess]
    for info in pkgutil.walk_packages(devcell.__path__, prefix="devcell."):
        if not info.name.endswith(".models") or info.name.startswith("devcell.core."):
            continue
        module = importlib.import_module(info.name)
        found += [
            obj
            for obj in vars(module).values()
            if isinstance(obj, type) and issubclass(obj, BaseModel) and obj.__module__ == module.__name__
        ]
    return found


MODELS = declared_models()


@pytest.fixture
def schema1(tmp_path: Path) -> Iterator[Path]:
    """A database as the previous release left it, opened but not migrated."""
    path = tmp_path / "devcell.db"
    with sqlite3.connect(path) as conn:
        conn.executescript((FIXTURES / "schema1.sql").read_text(encoding="utf-8"))
    conn.close()
    init_database(path)
    yield path
    close_database()


def rows(path: Path, sql: str) -> list[tuple[object, ...]]:
    conn = sqlite3.connect(path)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def tables() -> set[str]:
    with transaction():
        return set(database.get_tables())


def columns(path: Path, table: str) -> list[tuple[object, ...]]:
    return rows(path, f"SELECT name, type, \"notnull\", dflt_value, pk FROM pragma_table_info('{table}')")


def snapshots(tmp_path: Path) -> list[Path]:
    return sorted((tmp_path / "snapshots").glob("*.db"))


def test_migrate_from_empty_reaches_head(db: Path) -> None:
    assert current_version() == HEAD


def _sqlite_own_tables(path: Path) -> set[str]:
    """SQLite's bookkeeping (sqlite_sequence) and full-text tables with their shadow tables: no model declares them."""
    virtual = {str(r[0]) for r in rows(path, "SELECT name FROM sqlite_master WHERE sql LIKE 'CREATE VIRTUAL TABLE%'")}
    return {t for t in tables() if t.startswith("sqlite_") or any(t == v or t.startswith(v + "_") for v in virtual)}


def test_migrate_from_empty_creates_the_tables_the_models_declare(db: Path) -> None:
    own = _sqlite_own_tables(db)
    assert tables() - {"schema_migration"} - own == {model._meta.table_name for model in MODELS}


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_migrate_from_empty_creates_the_columns_a_model_declares(db: Path, model: type[BaseModel]) -> None:
    with transaction():
        found = {column.name for column in database.get_columns(model._meta.table_name)}
    assert found == set(model._meta.columns)


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_migrate_from_empty_matches_each_model_field_nullability(db: Path, model: type[BaseModel]) -> None:
    with transaction():
        found = {column.name: column.null for column in database.get_columns(model._meta.table_name)}
    declared = {name: field.null for name, field in model._meta.columns.items() if not field.primary_key}
    assert {name: found[name] for name in declared} == declared


def test_migrate_twice_is_a_no_op(db: Path, tmp_path: Path) -> None:
    assert migrate(db, tmp_path / "snapshots") == []
    assert rows(db, "SELECT COUNT(*) FROM schema_migration") == [(HEAD,)]
    assert snapshots(tmp_path) == []


def test_schema1_fixture_is_what_migration_1_creates(tmp_path: Path) -> None:
    fixture, fresh = tmp_path / "fixture.db", tmp_path / "fresh.db"
    with sqlite3.connect(fixture) as conn:
        conn.executescript((FIXTURES / "schema1.sql").read_text(encoding="utf-8"))
    conn.close()
    with sqlite3.connect(fresh) as conn:
        for statement in m0001_initial.STATEMENTS:
            conn.execute(statement)
    conn.close()
    for table in ("user", "session", "api_token"):
        assert columns(fixture, table) == columns(fresh, table), table


def test_migrate_schema1_reaches_head(schema1: Path, tmp_path: Path) -> None:
    applied = migrate(schema1, tmp_path / "snapshots")
    assert [m.version for m in applied] == list(range(2, HEAD + 1))
    assert current_version() == HEAD


def test_migrate_schema1_keeps_its_rows(schema1: Path, tmp_path: Path) -> None:
    migrate(schema1, tmp_path / "snapshots")
    assert rows(schema1, "SELECT username FROM user ORDER BY id") == [("admin",), ("alice",)]
    assert rows(schema1, "SELECT user_id, token_hash FROM session ORDER BY id") == [
        (1, "hash-of-admin-session"),
        (2, "hash-of-alice-session"),
    ]


def test_migrate_schema1_leaves_a_snapshot_of_the_old_data(schema1: Path, tmp_path: Path) -> None:
    migrate(schema1, tmp_path / "snapshots")
    [taken] = snapshots(tmp_path)
    assert taken.name.startswith("devcell-schema1-")
    assert rows(taken, "SELECT MAX(version) FROM schema_migration") == [(1,)]
    assert rows(taken, "SELECT username FROM user ORDER BY id") == [("admin",), ("alice",)]
    assert rows(taken, "SELECT name FROM sqlite_master WHERE name = 'setting'") == []


def test_migrate_refuses_a_database_newer_than_the_code(db: Path, tmp_path: Path) -> None:
    with transaction(write=True):
        database.execute_sql(
            "INSERT INTO schema_migration (version, name, applied_at) VALUES (?, 'future', '2099-01-01')", (HEAD + 1,)
        )
    with pytest.raises(SchemaTooNew, match=rf"schema version {HEAD + 1}.*versions up to {HEAD}.*newer DevCell"):
        migrate(db, tmp_path / "snapshots")


def add_conflicting_table() -> None:
    """m0002 creates `setting`, `invite` then `job_run`: a stray `job_run` makes it fail after two tables."""
    with transaction(write=True):
        database.execute_sql("CREATE TABLE job_run (stray TEXT)")


def test_migrate_failure_raises_migration_failed(schema1: Path, tmp_path: Path) -> None:
    add_conflicting_table()
    with pytest.raises(MigrationFailed, match=r"migration 2 \(settings_invites_jobs\) failed.*left at schema 1"):
        migrate(schema1, tmp_path / "snapshots")


def test_migrate_failure_leaves_the_version_and_rolls_back(schema1: Path, tmp_path: Path) -> None:
    add_conflicting_table()
    with pytest.raises(MigrationFailed):
        migrate(schema1, tmp_path / "snapshots")
    assert current_version() == 1
    assert {"setting", "invite"} & tables() == set()


def test_migrate_failure_keeps_the_snapshot(schema1: Path, tmp_path: Path) -> None:
    add_conflicting_table()
    with pytest.raises(MigrationFailed):
        migrate(schema1, tmp_path / "snapshots")
    [taken] = snapshots(tmp_path)
    assert rows(taken, "SELECT COUNT(*) FROM user") == [(2,)]


def test_snapshot_keeps_only_the_newest(db: Path, tmp_path: Path) -> None:
    folder = tmp_path / "snapshots"
    folder.mkdir()
    old = [folder / f"devcell-schema1-2020010{i}T000000Z.db" for i in range(1, KEEP_SNAPSHOTS + 2)]
    for path in old:
        path.write_bytes(b"")
    taken = snapshot(db, folder, HEAD)
    assert sorted(folder.glob("*.db")) == sorted([*old[-(KEEP_SNAPSHOTS - 1) :], taken])


def test_snapshot_pruning_goes_by_time_not_by_schema_number(db: Path, tmp_path: Path) -> None:
    folder = tmp_path / "snapshots"
    folder.mkdir()
    # Newer snapshots of schema 10 must outlive older ones of schema 2, although "schema10" < "schema2" as text.
    newer = [folder / f"devcell-schema10-2021010{i}T000000Z.db" for i in range(1, KEEP_SNAPSHOTS)]
    older = folder / "devcell-schema2-20200101T000000Z.db"
    for path in [*newer, older]:
        path.write_bytes(b"")
    taken = snapshot(db, folder, HEAD)
    assert sorted(folder.glob("*.db")) == sorted([*newer, taken])


def test_snapshots_in_the_same_second_do_not_overwrite_each_other(db: Path, tmp_path: Path) -> None:
    first = snapshot(db, tmp_path, HEAD)
    second = snapshot(db, tmp_path, HEAD)
    assert first != second
    assert first.exists()
    assert second.exists()


def test_the_stemmed_keyword_index_is_rebuilt_from_the_passages_of_schema_11(tmp_path: Path) -> None:
    """Migration 12 re-creates chunk_fts with the Porter tokenizer: passages indexed before the upgrade are
    found by other forms of their words ("restarting" finds "restarts"), and new passages stay indexed."""
    path = tmp_path / "devcell.db"
    init_database(path)
    try:
        for migration in MIGRATIONS[:11]:
            _apply(migration)
        with transaction(write=True):
            database.execute_sql(
                "INSERT INTO document (id, title, kind, origin, path, size, mtime_ns, status, created_at, updated_at)"
                " VALUES (1, 'Relay', 'md', 'note', 'notes/relay.md', 1, 1, 'indexed', '2026-01-01', '2026-01-01')"
            )
            database.execute_sql(
                "INSERT INTO chunk (document_id, seq, text) VALUES (1, 0, 'The relay restarts nightly.')"
            )
        assert rows(path, "SELECT rowid FROM chunk_fts WHERE chunk_fts MATCH 'restarting'") == []
        assert 12 in [m.version for m in migrate(path, tmp_path / "snapshots")]
        with transaction(write=True):
            database.execute_sql(
                "INSERT INTO chunk (document_id, seq, text) VALUES (1, 1, 'Two relays were installed.')"
            )
        assert rows(path, "SELECT rowid FROM chunk_fts WHERE chunk_fts MATCH 'restarting' ORDER BY rowid") == [(1,)]
        assert rows(path, "SELECT rowid FROM chunk_fts WHERE chunk_fts MATCH 'relay' ORDER BY rowid") == [(1,), (2,)]
        with transaction(write=True):
            database.execute_sql("DELETE FROM chunk WHERE id = 1")
        assert rows(path, "SELECT rowid FROM chunk_fts WHERE chunk_fts MATCH 'relay'") == [(2,)]
    finally:
        close_database()


def test_migrations_are_numbered_one_to_head_without_a_gap() -> None:
    """Two migrations written side by side once landed 17 before 16: with a gap, HEAD would jump past a migration
    that a database at HEAD then never gets."""
    from devcell.core.migrations import runner

    assert [m.version for m in runner.MIGRATIONS] == list(range(1, runner.HEAD + 1))
    files = sorted(p.name for p in Path(runner.__file__).parent.glob("m[0-9][0-9][0-9][0-9]_*.py"))
    assert [int(name[1:5]) for name in files] == list(range(1, runner.HEAD + 1))
