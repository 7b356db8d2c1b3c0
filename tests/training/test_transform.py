"""POST /api/training/transform: JSON without the LLM, Markdown through the (fake) LLM one part at a time, and
every kind of answer a model gives: valid, fenced, with prose, truncated, partly invalid, nonsense; the repair
round; and the LLM down, slow or broken."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from devcell.core.prompts import prompt_tokens
from devcell.training._prompt import MAX_PARTS
from tests.conftest import Actor, set_llm
from tests.fakes.llm_server import FakeLLM, closed_port
from tests.projects.conftest import error, fields, ok
from tests.training.conftest import UNITS, Team, llm_units

ROADMAP = "# Ops\n\n## Week 1\n- Install the package\n- Create the first admin\n\n## Week 2\n- Back up\n"
_WEEK = re.compile(r"## Week (\d+)")


def transform(actor: Actor, project_id: int, text: str = ROADMAP, **body: object) -> Any:
    return actor.post("/api/training/transform", json={"text": text, "project_id": project_id, **body})


def answer(fake: FakeLLM, text: str) -> None:
    fake.script = lambda body: text


def part_of(body: dict[str, Any]) -> str:
    return str(body["messages"][1]["content"])


def week_of(body: dict[str, Any]) -> int:
    found = _WEEK.search(part_of(body))
    return int(found.group(1)) if found else 0


def without_weeks(units: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{k: v for k, v in unit.items() if k != "week"} for unit in units]


def by_week(body: dict[str, Any]) -> str:
    """A well-behaved model: the units of the part it was given (it is not asked for weeks)."""
    week = week_of(body)
    return llm_units(without_weeks([u for u in UNITS if u["week"] == week]))


# --- The model's answers -----------------------------------------------------------------------------------


def test_each_part_is_one_request_and_weeks_come_from_the_headings(team: Team, fake_llm: FakeLLM) -> None:
    fake_llm.script = by_week
    body = ok(transform(team.bob, team.project_id, notes="We have two Raspberry Pis."))
    assert body == {"units": UNITS[:3], "warnings": [], "source": "llm"}
    assert len(fake_llm.requests) == 2  # "# Ops" is the title, not a part to turn into units
    system, user = fake_llm.requests[0]["messages"]
    assert "JSON object only" in system["content"]
    assert "Example answer" in system["content"]
    assert "## Week 1" in user["content"]
    assert "## Week 2" not in user["content"]
    assert "The roadmap: Ops" in user["content"]
    assert "We have two Raspberry Pis." in user["content"]
    wanted = fake_llm.requests[0]["response_format"]["json_schema"]["schema"]["properties"]["units"]
    assert wanted["maxItems"] == 4  # its two list items, and a little room
    assert "week" not in wanted["items"]["properties"]


def test_fenced_answer_with_prose_around_it(team: Team, fake_llm: FakeLLM) -> None:
    fake_llm.script = lambda body: f"Here is the plan you asked for:\n```json\n{by_week(body)}\n```\nGood luck!"
    assert ok(transform(team.bob, team.project_id))["units"] == UNITS[:3]


def test_trailing_prose_without_fences_is_ignored(team: Team, fake_llm: FakeLLM) -> None:
    fake_llm.script = lambda body: f"Sure [see below]: {by_week(body)} Let me know if you want {{more}} units."
    assert ok(transform(team.bob, team.project_id))["units"] == UNITS[:3]


def test_a_bare_list_and_raw_newlines_in_strings_are_accepted(team: Team, fake_llm: FakeLLM) -> None:
    fake_llm.script = lambda body: json.dumps(without_weeks([u for u in UNITS if u["week"] == week_of(body)]))
    assert ok(transform(team.bob, team.project_id))["units"] == UNITS[:3]
    answer(fake_llm, '{"units": [{"title": "Install", "description": "line one\nline two"}]}')
    assert ok(transform(team.bob, team.project_id))["units"][0]["description"] == "line one\nline two"


def test_a_cut_answer_keeps_its_complete_units(team: Team, fake_llm: FakeLLM) -> None:
    full = llm_units(without_weeks(UNITS[:2]))
    answer(fake_llm, "```json\n" + full[: full.index('"Create the first admin"') + 10])
    body = ok(transform(team.bob, team.project_id))
    assert [(u["title"], u["week"]) for u in body["units"]] == [("Install the package", 1), ("Install the package", 2)]
    assert body["warnings"][0] == "The model's answer for week 1 was cut off; its last unit may be missing."


def test_nonsense_is_asked_again_then_502_and_nothing_is_stored(team: Team, fake_llm: FakeLLM) -> None:
    answer(fake_llm, "I am sorry, but as a language model I cannot make training plans.")
    err = error(transform(team.bob, team.project_id), 502)
    assert err["code"] == "llm_bad_answer"
    assert "required JSON format" in err["message"]
    assert len(fake_llm.requests) == 4  # each part twice
    assert ok(team.bob.get("/api/training/plans"))["total"] == 0


def test_the_repair_round_restates_the_schema_not_the_answer(team: Team, fake_llm: FakeLLM) -> None:
    replies: list[Any] = ["Week one is about installing."]

    def script(body: dict[str, Any]) -> str:
        return replies.pop() if replies else by_week(body)

    fake_llm.script = script
    body = ok(transform(team.bob, team.project_id))
    assert body["units"] == UNITS[:3]
    assert body["warnings"] == []
    first, repair = fake_llm.requests[0]["messages"], fake_llm.requests[1]["messages"]
    assert repair[0] == first[0]
    assert repair[1]["content"].startswith(first[1]["content"])
    assert 'no JSON object with a "units" list' in repair[1]["content"]
    assert '"maxItems":4' in repair[1]["content"]
    assert "installing" not in repair[1]["content"]


def test_a_part_the_model_cannot_do_is_named_and_the_rest_kept(team: Team, fake_llm: FakeLLM) -> None:
    fake_llm.script = lambda body: by_week(body) if week_of(body) == 1 else "No."
    body = ok(transform(team.bob, team.project_id))
    assert body["units"] == UNITS[:2]
    [warning] = body["warnings"]
    assert "1 part(s) was not usable" in warning
    assert "“Week 2”" in warning


def test_an_empty_answer_for_one_part_does_not_lose_the_others(team: Team, fake_llm: FakeLLM) -> None:
    fake_llm.script = lambda body: by_week(body) if week_of(body) == 1 else ""
    body = ok(transform(team.bob, team.project_id))
    assert body["units"] == UNITS[:2]
    assert "“Week 2”" in body["warnings"][0]


@pytest.mark.parametrize(
    "text",
    ['{"units": []}', '{"answer": "no"}', "[1, 2, 3]", '{"units": [{"title": "A"'],
    ids=["empty", "other-object", "numbers", "cut-in-first-unit"],
)
def test_answers_without_units_are_502(team: Team, fake_llm: FakeLLM, text: str) -> None:
    answer(fake_llm, text)
    assert error(transform(team.bob, team.project_id), 502)["code"] == "llm_bad_answer"


def test_invalid_units_are_left_out_with_a_warning(team: Team, fake_llm: FakeLLM) -> None:
    answer(fake_llm, llm_units([without_weeks(UNITS)[0], {"description": "no title"}]))
    body = ok(transform(team.bob, team.project_id, "## Week 1\n- Install the package\n- Something"))
    assert [u["title"] for u in body["units"]] == [UNITS[0]["title"]]
    assert body["warnings"] == ["Left out of week 1 because they were not valid units: unit 2 (title: Field required)."]


def test_what_models_write_is_normalised(team: Team, fake_llm: FakeLLM) -> None:
    units = [
        {"title": "Back up", "description": ["Set backup_dir", "Run it"], "priority": "Medium", "week": 9},
        {"title": "Verify", "priority": "critical"},
        {"title": "Retention", "priority": "P1"},
        {"title": "x" * 300, "description": "d" * 5000},
    ]
    answer(fake_llm, llm_units(units))
    body = ok(transform(team.bob, team.project_id, "## Week 3: Backups\n- Back up\n- Verify\n- Retention\n- Long"))
    got = [(u["week"], u["priority"]) for u in body["units"]]
    assert got == [(3, "normal"), (3, "urgent"), (3, "normal"), (3, "normal")]  # the part's week, always
    assert body["units"][0]["description"] == "- Set backup_dir\n- Run it"
    assert len(body["units"][3]["title"]) == 200
    assert len(body["units"][3]["description"]) == 4000
    assert body["warnings"] == ["Unit 3 had the priority 'P1'; it was set to normal."]


def test_a_roadmap_without_weeks_becomes_a_section_a_week(team: Team, fake_llm: FakeLLM) -> None:
    answer(fake_llm, llm_units(without_weeks(UNITS[:1])))
    body = ok(
        transform(team.bob, team.project_id, "## Basics\n- Install\n\n## Backups\n- Back up\n\n## Drills\n- Drill")
    )
    assert [u["week"] for u in body["units"]] == [1, 2, 3]


# --- JSON input: no LLM ------------------------------------------------------------------------------------


def test_json_input_is_parsed_without_the_llm(team: Team, fake_llm: FakeLLM) -> None:
    body = ok(transform(team.bob, team.project_id, json.dumps({"units": UNITS})))
    assert body == {"units": UNITS, "warnings": [], "source": "json"}
    assert fake_llm.requests == []


def test_json_input_works_without_any_llm_configured(team: Team) -> None:
    assert ok(transform(team.bob, team.project_id, json.dumps(UNITS), format="json"))["source"] == "json"


def test_upstream_items_format_with_weeks_in_titles(team: Team) -> None:
    """The original's documented shape: {"items": [{title, description, priority}]}, weeks only in titles."""
    items = [
        {"title": "Week 1: Static analysis basics", "description": "PE headers.", "priority": "high"},
        {"title": "Strings and imports", "description": "Tools."},
        {"title": "Week 2: Sandboxing", "description": "Lab VM."},
    ]
    body = ok(transform(team.bob, team.project_id, json.dumps({"items": items, "count": 3})))
    assert [(u["week"], u["priority"]) for u in body["units"]] == [(1, "high"), (1, "normal"), (2, "normal")]


def test_invalid_json_units_are_422_naming_each_field(team: Team) -> None:
    """(A unit without a week takes the week of the valid unit before it; the first has none to take.)"""
    units = [{"title": "No week"}, UNITS[0], {"title": "", "week": 1}, {"title": "Then week 1"}]
    response = transform(team.bob, team.project_id, json.dumps(units), format="json")
    assert fields(response) == {"units[0].week", "units[2].title"}


def test_broken_json_says_where(team: Team) -> None:
    err = error(transform(team.bob, team.project_id, '{"units": [', format="json"), 422)
    assert err["message"].startswith("text: is not valid JSON (line 1, column 12")


def test_json_of_another_shape_is_422(team: Team) -> None:
    err = error(transform(team.bob, team.project_id, '{"weeks": 3}'), 422)
    assert "list of units" in err["message"]


def test_markdown_that_starts_like_json_goes_to_the_model(team: Team, fake_llm: FakeLLM) -> None:
    answer(fake_llm, llm_units())
    assert ok(transform(team.bob, team.project_id, "[Draft] Ops roadmap\n\n- Install"))["source"] == "llm"


def test_markdown_without_an_llm_is_503(team: Team) -> None:
    err = error(transform(team.bob, team.project_id), 503)
    assert err["code"] == "llm_not_configured"
    assert "only JSON roadmaps" in err["message"]
    assert "Settings" in err["message"]


# --- The LLM failing ---------------------------------------------------------------------------------------


def test_llm_down_is_503(team: Team, admin: Actor) -> None:
    set_llm(admin, f"http://127.0.0.1:{closed_port()}")
    assert error(transform(team.bob, team.project_id), 503)["code"] == "llm_unavailable"


def test_llm_slow_is_504(team: Team, admin: Actor, fake_llm: FakeLLM) -> None:
    fake_llm.slow_seconds = 7
    set_llm(admin, fake_llm.url, "slow", llm_read_timeout_seconds=5)
    assert error(transform(team.bob, team.project_id), 504)["code"] == "llm_timeout"


@pytest.mark.parametrize("model", ["malformed", "wrongshape", "error500"])
def test_llm_broken_is_502(team: Team, admin: Actor, fake_llm: FakeLLM, model: str) -> None:
    set_llm(admin, fake_llm.url, model)
    assert error(transform(team.bob, team.project_id), 502)["code"] == "llm_bad_answer"


# --- Budget ------------------------------------------------------------------------------------------------


def long_roadmap(weeks: int) -> str:
    body = "- Practise the procedure until it is routine and write down every step you took. " * 6
    return "# Long\n\n" + "\n\n".join(f"## Week {n}: Topic {n}\n{body}" for n in range(1, weeks + 1))


def fits(request: dict[str, Any], context: int) -> bool:
    return prompt_tokens(request["messages"]) + int(request["max_tokens"]) <= context


def test_a_long_roadmap_is_done_part_by_part_each_within_the_context(
    team: Team, admin: Actor, fake_llm: FakeLLM
) -> None:
    set_llm(admin, fake_llm.url, llm_context_tokens=1500)
    fake_llm.script = lambda body: llm_units([{"title": f"Practise week {week_of(body)}"}])
    body = ok(transform(team.bob, team.project_id, long_roadmap(12)))
    assert [u["week"] for u in body["units"]] == list(range(1, 13))
    assert body["warnings"] == []
    assert len(fake_llm.requests) == 12
    assert all(fits(request, 1500) for request in fake_llm.requests)


def test_more_parts_than_the_limit_are_named(team: Team, fake_llm: FakeLLM) -> None:
    answer(fake_llm, llm_units([{"title": "Do it"}]))
    roadmap = "\n\n".join(f"## Week {n}\n- Step {n}" for n in range(1, MAX_PARTS + 3))
    body = ok(transform(team.bob, team.project_id, roadmap))
    assert len(body["units"]) == MAX_PARTS
    [warning] = body["warnings"]
    assert f"2 of {MAX_PARTS + 2} parts" in warning
    assert f"more than {MAX_PARTS} parts" in warning
    assert "“Week 61”" in warning


def test_one_huge_section_is_split_into_paragraphs_under_its_heading(
    team: Team, admin: Actor, fake_llm: FakeLLM
) -> None:
    set_llm(admin, fake_llm.url, llm_context_tokens=2000)
    answer(fake_llm, llm_units([{"title": "Read"}]))
    paragraphs = "\n\n".join(f"Paragraph {n}. " + "Read the manual chapter and try it. " * 8 for n in range(12))
    body = ok(transform(team.bob, team.project_id, f"## Week 5: Reading\n{paragraphs}"))
    user = part_of(fake_llm.requests[1])
    assert user.count("## Week 5: Reading (continued)\n") == 1
    assert {u["week"] for u in body["units"]} == {5}
    assert all(fits(request, 2000) for request in fake_llm.requests)


def test_a_part_too_long_even_alone_is_413_and_no_llm_call(team: Team, admin: Actor, fake_llm: FakeLLM) -> None:
    set_llm(admin, fake_llm.url, llm_context_tokens=1000)
    err = error(transform(team.bob, team.project_id, "Practise the drill. " * 400), 413)
    assert err["code"] == "roadmap_too_large"
    assert "llm_context_tokens = 1000" in err["message"]
    assert fake_llm.requests == []


# --- The sample --------------------------------------------------------------------------------------------


def test_sample_is_the_appliance_roadmap(user: Actor) -> None:
    body = ok(user.get("/api/training/sample"))
    assert body["title"] == "Operating a DevCell appliance"
    assert body["format"] == "markdown"
    weeks = [line for line in body["text"].splitlines() if line.startswith("## Week")]
    assert 6 <= len(weeks) <= 8
    for topic in ("devcell.deb", "backup", "restore", "health", "knowledgebase", "llm_base_url", "upgrade"):
        assert topic in body["text"].lower() or topic in body["text"]


def test_the_sample_is_one_request_a_week_each_within_the_default_context(team: Team, fake_llm: FakeLLM) -> None:
    fake_llm.script = lambda body: llm_units([{"title": f"Week {week_of(body)} drill"}])
    sample = ok(team.bob.get("/api/training/sample"))["text"]
    body = ok(transform(team.bob, team.project_id, sample))
    assert body["warnings"] == []
    assert [u["week"] for u in body["units"]] == [1, 2, 3, 4, 5, 6, 7]
    assert all(fits(request, 3000) for request in fake_llm.requests)
    assert "## Week 7: Upgrades and recovery" in part_of(fake_llm.requests[-1])
    assert "A seven-week roadmap" not in part_of(fake_llm.requests[0])  # the introduction is not a part


def test_anonymous_cannot_read_the_sample(client: Any) -> None:
    assert client.get("/api/training/sample").status_code == 401
