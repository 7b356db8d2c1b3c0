"""Reading and checking the [n] citations of an answer written from numbered sources.

Small models cite nothing, cite numbers that were never given ("[77]" with five sources), or drop the sections
they were asked for. Such an answer is not silently passed on as checked: `problems` says what is wrong, in
words for the person reading it and for the retry prompt.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Protocol, TypeVar


class _Numbered(Protocol):
    @property
    def number(self) -> int: ...


N = TypeVar("N", bound=_Numbered)

# [2], [1, 3], [1; 3], [1-3] and [1][4]; not Markdown links ([text](url)) or checkboxes ([ ], [x]).
_CITATION = re.compile(r"\[(\d{1,4}(?:\s*(?:[,;]|-|\u2013)\s*\d{1,4})*)\](?!\()")
_RANGE = re.compile(r"(\d+)\s*[-\u2013]\s*(\d+)")
MAX_RANGE = 50  # "[1-9999]" is not a citation of 9,999 sources


def cited_numbers(text: str) -> set[int]:
    """Every number the text cites."""
    numbers: set[int] = set()
    for group in _CITATION.findall(text):
        for part in re.split(r"\s*[,;]\s*", group):
            span = _RANGE.fullmatch(part)
            if span:
                low, high = int(span[1]), int(span[2])
                if low <= high and high - low <= MAX_RANGE:
                    numbers.update(range(low, high + 1))
            elif part.strip().isdigit():
                numbers.add(int(part))
    return numbers


def only_cited(text: str, sources: Sequence[N]) -> list[N]:
    """The sources `text` cites as [n], in their order: only those are listed with an answer."""
    numbers = cited_numbers(text)
    return [s for s in sources if s.number in numbers]


def _heading_present(text: str, heading: str) -> bool:
    pattern = re.compile(rf"^\s*#{{1,4}}\s*{re.escape(heading)}\b", re.IGNORECASE | re.MULTILINE)
    return bool(pattern.search(text))


def problems(text: str, sources: int, sections: Sequence[str] = ()) -> list[str]:
    """What is wrong with an answer written from `sources` numbered sources (1..sources) that should have the
    Markdown `sections`: no citation at all, citations of sources that do not exist, missing sections."""
    found: list[str] = []
    numbers = cited_numbers(text)
    if sources and not numbers:
        found.append("it cites none of its sources")
    unknown = sorted(n for n in numbers if not 1 <= n <= sources)
    if unknown:
        shown = ", ".join(f"[{n}]" for n in unknown[:5]) + (" …" if len(unknown) > 5 else "")
        given = f"[1] to [{sources}]" if sources else "none"
        found.append(f"it cites sources that do not exist ({shown}; the sources were {given})")
    missing = [s for s in sections if not _heading_present(text, s)]
    if missing:
        found.append("it lacks the sections " + ", ".join(f"“{s}”" for s in missing))
    return found
