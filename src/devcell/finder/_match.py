"""How the finder matches: every word of the query must appear in the name, case-insensitively, anywhere (a
substring, so "deplo" finds "redeployment"); matches rank by the whole query being the name (4) or its start (2),
then by how many words start a word of the name (1 each). The same rule as SQL (for tables that can be large) and
as Python (for the short lists read whole)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from devcell.core.db import is_postgresql, lower_function

_TASK_REF = re.compile(r"#(\d{1,12})")


@dataclass(frozen=True)
class Needle:
    """The query, lower-cased: `phrase` with single spaces, its `words`, and the task ids it names as #123
    (`task_words` are the other words, which a task's title must hold as well)."""

    phrase: str
    words: tuple[str, ...]
    task_ids: tuple[int, ...]
    task_words: tuple[str, ...]


def needle(q: str) -> Needle:
    words = tuple(q.lower().split())
    refs = [_TASK_REF.fullmatch(word) for word in words]
    task_ids = tuple(int(ref.group(1)) for ref in refs if ref)
    task_words = tuple(word for word, ref in zip(words, refs, strict=True) if ref is None)
    return Needle(" ".join(words), words, task_ids, task_words)


# SQL: `column` is one of the finder's constant column names; every value travels as a ? parameter.
# instr() rather than LIKE: "50%" or "a_b" mean those characters, not wildcards (strpos() on PostgreSQL, the same
# function). Letters beyond ASCII fold too (core.db.lower_function), as Python's lower() folds them for short lists.


def _instr() -> str:
    return "strpos" if is_postgresql() else "instr"


def sql_all_words(column: str, words: tuple[str, ...]) -> tuple[str, list[object]]:
    """A clause true when every word is in the column (TRUE for no words)."""
    if not words:
        return "1 = 1", []
    lower = lower_function("".join(words))
    return " AND ".join(f"{_instr()}({lower}({column}), ?) > 0" for _ in words), list(words)


def sql_rank(column: str, phrase: str, words: tuple[str, ...]) -> tuple[str, list[object]]:
    """The rank above as an SQL expression (a comparison cast to an integer is 0 or 1 on both databases)."""
    instr, lower = _instr(), lower_function(phrase)
    parts = [f"CAST({lower}({column}) = ? AS INTEGER) * 4", f"CAST({instr}({lower}({column}), ?) = 1 AS INTEGER) * 2"]
    parts += [f"CAST({instr}(' ' || {lower}({column}), ?) > 0 AS INTEGER)" for _ in words]
    return " + ".join(parts), [phrase, phrase, *(f" {word}" for word in words)]


def rank(names: tuple[str, ...], query: Needle) -> int | None:
    """The rank of something known by these names (a person's display name and user name), or None when some
    word is in none of them. The whole-query bonus counts the best name; word starts count over all names."""
    lowered = [name.lower() for name in names]
    if not all(any(word in name for name in lowered) for word in query.words):
        return None
    whole = max(4 * (name == query.phrase) + 2 * name.startswith(query.phrase) for name in lowered)
    spaced = " " + " ".join(lowered)
    return whole + sum(f" {word}" in spaced for word in query.words)
