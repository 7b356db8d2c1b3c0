"""The keyword index on both databases (SQLite's FTS5 table, PostgreSQL's tsvector column): other forms of a word
and a word's start are found, and no question is ever read as query syntax (FTS5's or tsquery's)."""

from __future__ import annotations

import pytest

from devcell.core.db import run_sql, transaction
from devcell.search import _retrieval
from tests.conftest import Actor
from tests.documents.conftest import note

# Every character with a meaning in a tsquery (and most of FTS5's), around and inside the words.
SYNTAX = "&|!():*'\\"


def _chunks(document_id: int) -> set[int]:
    with transaction():
        return {int(r[0]) for r in run_sql("SELECT id FROM chunk WHERE document_id = ?", (document_id,)).fetchall()}


def _keyword_side(question: str) -> list[int]:
    with transaction():
        return _retrieval._lexical(question, None, False)


def _library(actor: Actor, q: str) -> list[str]:
    response = actor.get("/api/documents", params={"q": q})
    assert response.status_code == 200, response.text
    return [d["title"] for d in response.json()["items"]]


@pytest.fixture
def relay(admin: Actor) -> int:
    note(admin, "Printers", "# Printers\n\nThe printer on floor 2 needs toner.\n")
    return int(note(admin, "Night jobs", "# Relay\n\nThe relay restarts nightly over WireGuard.\n")["id"])


def test_the_keyword_side_finds_other_forms_of_a_word(relay: int) -> None:
    found = _keyword_side("restarting relays")  # neither word as written: only their stems are in the passage
    assert found
    assert set(found) <= _chunks(relay)
    toner = _keyword_side("toner")
    assert toner
    assert not set(toner) & _chunks(relay)


@pytest.mark.parametrize(
    "question",
    [f"restarting {SYNTAX} relays", "restarting) | !(relays:*", "'restarting' & relays'", "\\restarting\\ !relays",
     "restarting:* <-> relays", "restarting:A relays"],
)  # fmt: skip
def test_query_syntax_in_a_question_is_only_text(relay: int, question: str) -> None:
    assert _keyword_side(question) == _keyword_side("restarting relays")


def test_the_library_search_finds_a_stemmed_word_and_a_words_start(admin: Actor, relay: int) -> None:
    assert _library(admin, "restarting") == ["Night jobs"]  # "restarts" in the text
    assert _library(admin, "wiregu nightl") == ["Night jobs"]  # the starts of two words, both needed
    assert _library(admin, "wireguard | toner") == []  # no operator: both words are needed, and no text has both
    assert _library(admin, "!wireguard") == ["Night jobs"]  # no negation


@pytest.mark.parametrize("typed", ["cal", "calibr", "calibrat", "calibrating"])
def test_the_library_search_finds_a_word_while_it_is_typed(admin: Actor, typed: str) -> None:
    # Both stemmers index "calibrating" as "calibr": a start longer than the stem is found through the start one or
    # two letters shorter (SQLite found nothing for "calibrat" before; PostgreSQL did).
    note(admin, "Scales", "# Scales\n\nCalibrating the scales takes an hour.\n")
    assert _library(admin, typed) == ["Scales"]


@pytest.mark.parametrize(
    ("q", "expected"),
    [(f"wireguard{SYNTAX}", ["Night jobs"]), ("wireguard|toner", []), ("wireguard&!relay", ["Night jobs"]),
     ("!wireguard", ["Night jobs"]), ("(wireguard)", ["Night jobs"]), ("wire:*", ["Night jobs"]),
     ("'wireguard'|'toner'", []), ("wireguard<->relay", ["Night jobs"]), ("\\'toner", ["Printers"]),
     ("relay\\toner", []), ("toner:*B", []), (SYNTAX, [])],
)  # fmt: skip
def test_query_syntax_in_the_library_search_is_only_text(admin: Actor, relay: int, q: str, expected: list[str]) -> None:
    # Each space-separated term is in a title or, as its words (each a word or a word's start), in a passage: the
    # syntax characters only separate words. A term without a word is looked for in the titles alone.
    assert _library(admin, q) == expected
