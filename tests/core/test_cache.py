"""ReadCache: answers are reused only while the database is unchanged and for a short time."""

from __future__ import annotations

import contextlib
import sqlite3
from pathlib import Path

import pytest

from devcell.core.cache import MAX_ENTRY_BYTES, ReadCache
from devcell.core.db import database, transaction


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


class Renderer:
    """Counts renders; each render returns a new body so a reuse is visible."""

    def __init__(self) -> None:
        self.calls = 0

    def __call__(self) -> bytes:
        self.calls += 1
        return f"body {self.calls}".encode()


@pytest.fixture
def cache(db: Path) -> ReadCache:
    return ReadCache(max_entries=3, ttl=5.0, clock=Clock())


def test_cache_reuses_an_answer_while_nothing_is_written(cache: ReadCache) -> None:
    render = Renderer()
    assert cache.get_or_render("page", render) == b"body 1"
    assert cache.get_or_render("page", render) == b"body 1"
    assert (render.calls, cache.hits, cache.misses) == (1, 1, 1)


def test_cache_keys_are_separate(cache: ReadCache) -> None:
    render = Renderer()
    assert cache.get_or_render(("alice", "?a"), render) == b"body 1"
    assert cache.get_or_render(("bob", "?a"), render) == b"body 2"


def test_cache_drops_answers_after_a_write_on_this_connection(cache: ReadCache) -> None:
    render = Renderer()
    cache.get_or_render("page", render)
    with transaction(write=True):
        database.execute_sql("INSERT INTO setting (key, value, updated_at) VALUES ('k', '1', '2026-11-26 00:00:00')")
    assert cache.get_or_render("page", render) == b"body 2"


def test_cache_drops_answers_after_another_process_commits(cache: ReadCache, db: Path) -> None:
    render = Renderer()
    cache.get_or_render("page", render)
    with contextlib.closing(sqlite3.connect(db)) as other, other:  # like `devcell user ...` from a shell
        other.execute("INSERT INTO setting (key, value, updated_at) VALUES ('k', '1', '2026-11-26 00:00:00')")
    assert cache.get_or_render("page", render) == b"body 2"


def test_cache_answers_expire(db: Path) -> None:
    clock = Clock()
    cache = ReadCache(ttl=5.0, clock=clock)
    render = Renderer()
    cache.get_or_render("page", render)
    clock.now += 5.0
    assert cache.get_or_render("page", render) == b"body 2"


def test_cache_never_stores_a_failed_render(cache: ReadCache) -> None:
    def fail() -> bytes:
        raise ValueError("bad query")

    with pytest.raises(ValueError, match="bad query"):
        cache.get_or_render("page", fail)
    render = Renderer()
    assert cache.get_or_render("page", render) == b"body 1"


def test_cache_keeps_only_the_most_recently_used(cache: ReadCache) -> None:
    render = Renderer()
    for key in ("a", "b", "c"):
        cache.get_or_render(key, render)
    cache.get_or_render("a", render)  # a is now the most recent; b is the oldest
    cache.get_or_render("d", render)
    calls = render.calls
    cache.get_or_render("b", render)
    assert render.calls == calls + 1
    cache.get_or_render("a", render)
    assert render.calls == calls + 1


def test_cache_does_not_keep_huge_answers(cache: ReadCache) -> None:
    big = b"x" * (MAX_ENTRY_BYTES + 1)
    calls = []

    def render() -> bytes:
        calls.append(1)
        return big

    cache.get_or_render("page", render)
    cache.get_or_render("page", render)
    assert len(calls) == 2
