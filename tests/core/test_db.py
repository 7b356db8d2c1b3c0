"""The database: pragmas, units of work, UTC timestamps and concurrent writers."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from peewee import IntegerField, TextField

from devcell.core.db import (
    BaseModel,
    ProgrammingError,
    UTCDateTimeField,
    check_reachable,
    close_database,
    database,
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
