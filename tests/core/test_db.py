"""The database: pragmas, units of work, UTC timestamps and concurrent writers."""

from __future__ import annotations

import contextlib
import sqlite3
import threading
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from peewee import IntegerField, Select, TextField

from devcell.core.db import (
    BaseModel,
    Prepared,
    ProgrammingError,
    UTCDateTimeField,
    change_stamp,
    check_reachable,
    close_database,
    database,
    init_database,
    transaction,
    unit_of_work,
)


class Note(BaseModel):
    """A table that only these tests use."""

    number = IntegerField(unique=True)
    text = TextField(default="")
    at = UTCDateTimeField(null=True)


class Boom(Exception):
    pass


@pytest.fixture
def notes(db: Path) -> None:
    with transaction(write=True):
        database.create_tables([Note])


def pragma(name: str) -> object:
    with transaction():
        return database.execute_sql(f"PRAGMA {name}").fetchone()[0]


def count_notes() -> int:
    with transaction():
        return int(Note.select().count())


@pytest.mark.parametrize(
    ("name", "expected"),
    [("journal_mode", "wal"), ("foreign_keys", 1), ("busy_timeout", 10_000), ("synchronous", 2)],
)
def test_connection_pragmas_are_in_effect(db: Path, name: str, expected: object) -> None:
    assert pragma(name) == expected


def test_unit_of_work_rolls_back_a_write_that_raises(notes: None) -> None:
    @unit_of_work(write=True)
    def add_then_fail() -> None:
        Note.create(number=1)
        raise Boom

    with pytest.raises(Boom):
        add_then_fail()
    assert count_notes() == 0


def test_unit_of_work_commits_a_write(notes: None) -> None:
    @unit_of_work(write=True)
    def add(number: int) -> None:
        Note.create(number=number)

    add(1)
    assert count_notes() == 1


def test_transaction_refuses_a_write_nested_in_a_read(notes: None) -> None:
    with pytest.raises(ProgrammingError), transaction(), transaction(write=True):
        pass


def test_transaction_nested_write_joins_the_outer_write(notes: None) -> None:
    @unit_of_work(write=True)
    def add(number: int) -> None:
        Note.create(number=number)

    @unit_of_work(write=True)
    def add_two_then_fail() -> None:
        add(1)
        add(2)
        raise Boom

    with pytest.raises(Boom):
        add_two_then_fail()
    assert count_notes() == 0


def test_transaction_allows_a_read_nested_in_a_write(notes: None) -> None:
    with transaction(write=True):
        Note.create(number=1)
        with transaction():
            assert Note.select().count() == 1


def test_utc_datetime_field_round_trips_aware_utc(notes: None) -> None:
    moment = datetime(2024, 5, 1, 10, 30, 15, 123456, tzinfo=UTC)
    with transaction(write=True):
        Note.create(number=1, at=moment)
    with transaction():
        stored = Note.get(Note.number == 1).at
    assert stored == moment
    assert stored.tzinfo == UTC


def test_utc_datetime_field_stores_other_offsets_as_utc(notes: None) -> None:
    moment = datetime(2024, 5, 1, 12, 0, tzinfo=timezone(timedelta(hours=2)))
    with transaction(write=True):
        Note.create(number=1, at=moment)
    with transaction():
        stored = Note.get(Note.number == 1).at
    assert stored == moment
    assert (stored.hour, stored.tzinfo) == (10, UTC)


def test_utc_datetime_field_refuses_naive_datetimes(notes: None) -> None:
    naive = datetime(2024, 5, 1, 10, 30)
    with pytest.raises(ValueError, match="naive"), transaction(write=True):
        Note.create(number=1, at=naive)


def test_check_reachable_is_none_on_a_working_database(db: Path) -> None:
    assert check_reachable() is None


def test_concurrent_writers_both_succeed(notes: None) -> None:
    """Each writer reads then writes in one unit of work; IMMEDIATE + busy_timeout serialises them."""
    writers, rounds = 4, 25
    start = threading.Barrier(writers)
    errors: list[BaseException] = []

    def write_many() -> None:
        try:
            start.wait()
            for _ in range(rounds):
                with transaction(write=True):
                    Note.create(number=Note.select().count() + 1)
        except BaseException as exc:
            errors.append(exc)
        finally:
            close_database()

    threads = [threading.Thread(target=write_many) for _ in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert count_notes() == writers * rounds


@pytest.mark.parametrize(
    ("stored", "expected"),
    [
        ("2024-05-01 10:30:15.123456", datetime(2024, 5, 1, 10, 30, 15, 123456, tzinfo=UTC)),
        ("2024-05-01 10:30:15", datetime(2024, 5, 1, 10, 30, 15, tzinfo=UTC)),
        ("2024-05-01T12:30:15+02:00", datetime(2024, 5, 1, 10, 30, 15, tzinfo=UTC)),
        ("2024-05-01", datetime(2024, 5, 1, tzinfo=UTC)),
    ],
)
def test_utc_datetime_field_reads_stored_text_as_aware_utc(stored: str, expected: datetime) -> None:
    value = UTCDateTimeField().python_value(stored)
    assert value == expected
    assert value.tzinfo == UTC


def _note(number: int, text: str = "", at: datetime | None = None) -> None:
    with transaction(write=True):
        Note.create(number=number, text=text, at=at)


def test_prepared_rows_are_dicts_with_converted_values(notes: None) -> None:
    moment = datetime(2024, 5, 1, 10, 30, tzinfo=UTC)
    _note(1, "one", moment)
    _note(2)
    rows = Prepared(lambda: Note.select(Note.number, Note.text.alias("body"), Note.at).order_by(Note.number)).rows()
    assert rows == [{"number": 1, "body": "one", "at": moment}, {"number": 2, "body": "", "at": None}]


def test_prepared_binds_new_values_on_each_run(notes: None) -> None:
    for number in (1, 2, 3):
        _note(number)
    above = Prepared(lambda: Note.select(Note.number).where(Note.number > 0).order_by(Note.number))
    assert [r["number"] for r in above.rows(1)] == [2, 3]
    assert [r["number"] for r in above.rows(2)] == [3]
    assert above.first(3) is None


def test_prepared_refuses_a_wrong_number_of_values(notes: None) -> None:
    query = Prepared(lambda: Note.select(Note.number).where(Note.number > 0))
    with pytest.raises(ProgrammingError, match="takes 1 values, got 2"):
        query.rows(1, 2)


def test_prepared_builds_the_sql_once(notes: None) -> None:
    built = []

    def build() -> Select:
        built.append(1)
        return Note.select(Note.number).where(Note.number == 0)

    query = Prepared(build)
    for number in range(3):
        query.rows(number)
    assert len(built) == 1


def test_change_stamp_is_steady_while_nothing_is_written(notes: None) -> None:
    assert change_stamp() == change_stamp()


def test_change_stamp_changes_with_a_write_on_this_connection(notes: None) -> None:
    before = change_stamp()
    _note(1)
    assert change_stamp() != before


def test_change_stamp_changes_with_a_commit_of_another_connection(notes: None, db: Path) -> None:
    before = change_stamp()
    with contextlib.closing(sqlite3.connect(db)) as other, other:
        other.execute("INSERT INTO note (number, text) VALUES (7, '')")
    assert change_stamp() != before


def test_change_stamp_changes_when_the_database_is_reinitialised(notes: None, db: Path) -> None:
    before = change_stamp()
    init_database(db)
    assert change_stamp() != before


def test_change_stamps_of_two_connections_never_match(notes: None) -> None:
    """Found by CI: a list read after a write came from the cache. The reading thread's connection was new, and
    it sat where an ended thread's had been, so `id()` matched; it had not seen a commit yet (data_version 1) and
    had written nothing, so its stamp equalled the one the cached body was stored under."""
    stamps: list[tuple[int, ...]] = []

    def stamp_on_a_new_thread() -> None:
        stamps.append(change_stamp())
        database.close()

    for _ in range(30):
        thread = threading.Thread(target=stamp_on_a_new_thread)
        thread.start()
        thread.join()
    assert len(set(stamps)) == len(stamps)
