"""Briefs are checked before they are called done: an answer that cites nothing, cites inputs that do not exist,
lacks its sections or is cut off is asked for once more with the rules restated; if that is no better, it is
delivered with warnings (never silently `ready`), and `sources` lists only what it cites."""

from __future__ import annotations

from typing import Any

from tests.assistant.briefs import sitrep, standup, task
from tests.assistant.conftest import well_formed_brief
from tests.conftest import Actor
from tests.fakes.llm_server import FakeLLM

STANDUPS = "/api/assistant/standup-summary"
SITREP_SECTIONS = "## Summary\n## Progress\n## Blockers and risks\n## Due and overdue\n## Next steps\n"


def _work(user: Actor) -> None:
    standup(user, yesterday="Shipped the backup job", blockers="Disk on the lab box is full")
    task(user, "Replace the lab disk", status="blocked")


def test_a_well_formed_brief_is_ready_at_once(user: Actor, fake_llm: FakeLLM) -> None:
    _work(user)
    done = sitrep(user)
    assert done["status"] == "ready"
    assert done["warnings"] == []
    assert done["truncated"] is False
    assert len(fake_llm.requests) == 1


def test_a_brief_citing_nothing_is_retried_then_delivered_with_a_warning(user: Actor, fake_llm: FakeLLM) -> None:
    _work(user)
    prose = SITREP_SECTIONS + "Everything is going well, the team is busy."
    fake_llm.script = lambda body: prose
    done = sitrep(user)
    assert done["status"] == "ready"
    assert done["sources"] == []
    [warning] = done["warnings"]
    assert warning.startswith("Unchecked:")
    assert "cites none of its sources" in warning
    assert len(fake_llm.requests) == 2
    retry = fake_llm.requests[1]["messages"]
    assert retry[0] == fake_llm.requests[0]["messages"][0]
    assert "Cite inputs only as [1] to [2]" in retry[1]["content"]
    assert "Everything is going well" not in retry[1]["content"]  # never the rejected answer
    exported = user.get(f"/api/sitreps/{done['id']}/export").text
    assert "**Warning:** Unchecked" in exported


def test_citations_of_inputs_that_do_not_exist_are_flagged(user: Actor, fake_llm: FakeLLM) -> None:
    _work(user)
    fake_llm.script = lambda body: SITREP_SECTIONS + "The job shipped [1]. See also [6] and [77]."
    done = sitrep(user)
    assert [s["number"] for s in done["sources"]] == [1]
    assert "[6], [77]" in done["warnings"][0]


def test_a_good_second_answer_replaces_a_bad_first_one(user: Actor, fake_llm: FakeLLM) -> None:
    _work(user)
    good: list[dict[str, Any]] = []

    def script(body: dict[str, Any]) -> str:
        good.append(body)
        return "No sections, no citations." if len(good) == 1 else well_formed_brief(body)

    fake_llm.script = script
    done = sitrep(user)
    assert done["warnings"] == []
    assert [s["number"] for s in done["sources"]] == [1]
    assert "## Summary" in done["markdown"]


def test_missing_sections_are_flagged_unless_the_asker_set_the_format(user: Actor, fake_llm: FakeLLM) -> None:
    _work(user)
    fake_llm.script = lambda body: "The job shipped [1]. The disk blocks work [2]."
    assert "lacks the sections" in sitrep(user)["warnings"][0]
    assert sitrep(user, instructions="Three bullet points only.")["warnings"] == []


def test_a_cut_off_brief_is_marked_incomplete(user: Actor, fake_llm: FakeLLM) -> None:
    _work(user)
    fake_llm.finish_reason = "length"
    done = sitrep(user)
    assert done["status"] == "ready"
    assert done["truncated"] is True
    assert any(w.startswith("Incomplete:") for w in done["warnings"])


def test_a_summary_keeps_its_warnings_in_the_cache(user: Actor, fake_llm: FakeLLM) -> None:
    standup(user)
    fake_llm.script = lambda body: "All good."
    first = user.post(STANDUPS, json={}).json()
    assert first["cached"] is False
    assert "cites none" in first["warnings"][0]
    assert first["sources"] == []
    again = user.post(STANDUPS, json={}).json()
    assert again["cached"] is True
    assert again["warnings"] == first["warnings"]
    assert len(fake_llm.requests) == 2  # the first answer and its retry; the cached one costs nothing


def test_a_failed_retry_keeps_the_first_answer_with_its_warnings(user: Actor, fake_llm: FakeLLM) -> None:
    _work(user)
    answers = ["The job shipped.", "   "]  # the retry comes back empty: a 502 on its own
    fake_llm.script = lambda body: answers.pop(0) if answers else "unused"
    done = sitrep(user)
    assert done["status"] == "ready"
    assert done["markdown"] == "The job shipped."
    assert "cites none of its sources" in done["warnings"][0]
