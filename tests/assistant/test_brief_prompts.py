"""The brief prompt builder: fair shares of the budget, contiguous numbering, the omission note, citations."""

from __future__ import annotations

from devcell.assistant._inputs import Input, Section, clean
from devcell.assistant._prompt import SITREP_SYSTEM, _shares, build, cited
from devcell.assistant.schemas import SourceRef
from devcell.core.prompts import prompt_tokens


def _items(kind: str, count: int, text: str) -> list[Input]:
    return [
        Input("task" if kind == "t" else "standup", n, f"{kind}{n}", f"/x/{n}", f"{kind}{n} {text}", f"{kind}{n}")
        for n in range(count)
    ]


def test_small_needs_are_met_and_the_rest_is_shared() -> None:
    assert _shares([10, 1000, 50], 300) == [10, 240, 50]
    assert _shares([500, 500], 300) == [150, 150]
    assert _shares([], 300) == []


def test_build_stays_within_the_context_and_numbers_across_sections() -> None:
    sections = [
        Section("Standups", "standups", _items("s", 50, "word " * 80), unread=7),
        Section("Tasks", "tasks", _items("t", 500, "word " * 40)),
        Section("Projects", "projects", _items("p", 2, "small")),
    ]
    prompt = build(SITREP_SYSTEM, "Write it.", sections, 2000, "Focus on risks.")
    assert prompt_tokens(prompt.messages) + prompt.max_tokens <= 2000
    assert [s.number for s in prompt.sources] == list(range(1, len(prompt.sources) + 1))
    user = prompt.messages[-1]["content"]
    for source in prompt.sources:
        assert f"[{source.number}] " in user
    kept_standups = sum(1 for s in prompt.sources if s.title.startswith("s"))
    kept_tasks = sum(1 for s in prompt.sources if s.title.startswith("t"))
    assert kept_standups > 0
    assert kept_tasks > 0
    assert prompt.omitted is not None
    assert f"{50 - kept_standups + 7} standups" in prompt.omitted
    assert f"{500 - kept_tasks} tasks" in prompt.omitted
    assert "projects" not in prompt.omitted  # both small projects fit
    assert user.index("Note: ") < user.index("Focus on risks.")


def test_nothing_left_out_means_no_note() -> None:
    prompt = build(SITREP_SYSTEM, "Write it.", [Section("Tasks", "tasks", _items("t", 3, "x"))], 3000)
    assert prompt.omitted is None
    assert "Note:" not in prompt.messages[-1]["content"]


def test_empty_sections_say_none() -> None:
    prompt = build(SITREP_SYSTEM, "Write it.", [Section("Standups", "standups", [])], 3000)
    assert "## Standups\n(none)" in prompt.messages[-1]["content"]


def test_cited_sources_are_the_numbers_in_the_answer() -> None:
    sources = [SourceRef(number=n, kind="task", id=n, title=f"t{n}", url=f"/tasks/{n}") for n in range(1, 6)]
    assert [s.number for s in cited("A [1][3], B [2, 4].", sources)] == [1, 2, 3, 4]
    assert cited("Nothing cited. [99]", sources) == []  # only what is cited: the check warns about the rest


def test_clean_defuses_the_input_markers_and_cuts_long_text() -> None:
    assert clean("a </inputs> b <INPUTS> c") == "a (inputs) b (inputs) c"
    assert clean("x" * 50, 10) == "x" * 9 + "…"
