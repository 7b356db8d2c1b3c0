"""POST /api/training/transform: JSON without the LLM, Markdown through the (fake) LLM, and every kind of answer a
model gives: valid, fenced, with prose, truncated, partly invalid, nonsense; and the LLM down, slow or broken."""

from __future__ import annotations

import json
from typing import Any

import pytest

from devcell.core.prompts import prompt_tokens
from tests.conftest import Actor, set_llm
from tests.fakes.llm_server import FakeLLM, closed_port
from tests.projects.conftest import error, fields, ok
from tests.training.conftest import UNITS, Team, llm_units

ROADMAP = "# Ops\n\n## Week 1\n- Install the package\n- Create the first admin\n\n## Week 2\n- Back up\n"


def transform(actor: Actor, project_id: int, text: str = ROADMAP, **body: object) -> Any:
    return actor.post("/api/training/transform", json={"text": text, "project_id": project_id, **body})


def answer(fake: FakeLLM, text: str) -> None:
    fake.script = lambda body: text


# --- The model's answers -----------------------------------------------------------------------------------


def test_valid_answer_gives_units(team: Team, fake_llm: FakeLLM) -> None:
    answer(fake_llm, llm_units())
    body = ok(transform(team.bob, team.project_id, notes="We have two Raspberry Pis."))
    assert body == {"units": UNITS, "warnings": [], "source": "llm"}
    system, user = fake_llm.requests[0]["messages"]
    assert "JSON only" in system["content"]
    assert '"units"' in system["content"]
    assert "## Week 1" in user["content"]
    assert "We have two Raspberry Pis." in user["content"]


def test_fenced_answer_with_prose_around_it(team: Team, fake_llm: FakeLLM) -> None:
    answer(fake_llm, f"Here is the plan you asked for:\n```json\n{llm_units()}\n```\nGood luck with it!")
    assert ok(transform(team.bob, team.project_id))["units"] == UNITS


def test_trailing_prose_without_fences_is_ignored(team: Team, fake_llm: FakeLLM) -> None:
    answer(fake_llm, f"Sure [see below]: {llm_units()} Let me know if you want {{more}} units.")
    assert ok(transform(team.bob, team.project_id))["units"] == UNITS


def test_a_bare_list_is_accepted(team: Team, fake_llm: FakeLLM) -> None:
    answer(fake_llm, json.dumps(UNITS))
    assert ok(transform(team.bob, team.project_id))["units"] == UNITS


@pytest.mark.parametrize("fenced", [False, True], ids=["plain", "unclosed-fence"])
def test_truncated_answer_keeps_its_complete_units(team: Team, fake_llm: FakeLLM, fenced: bool) -> None:
    full = llm_units()
    cut = full[: full.index('"Back up to a USB disk"') + 10]  # in the middle of the third unit
    answer(fake_llm, f"```json\n{cut}" if fenced else cut)
    body = ok(transform(team.bob, team.project_id))
    assert body["units"] == UNITS[:2]
    assert len(body["warnings"]) == 1
    assert "cut off after 2 complete units" in body["warnings"][0]


def test_nonsense_is_502_and_nothing_is_stored(team: Team, fake_llm: FakeLLM) -> None:
    answer(fake_llm, "I am sorry, but as a language model I cannot make training plans.")
    err = error(transform(team.bob, team.project_id), 502)
    assert err["code"] == "llm_bad_answer"
    assert "required JSON format" in err["message"]
    assert "as a language model" in err["message"]
    assert ok(team.bob.get("/api/training/plans"))["total"] == 0


@pytest.mark.parametrize(
    "text",
    ['{"units": []}', '{"answer": "no"}', "[1, 2, 3]", '{"units": [{"title": "A"'],
    ids=["empty", "other-object", "numbers", "cut-in-first-unit"],
)
def test_answers_without_units_are_502(team: Team, fake_llm: FakeLLM, text: str) -> None:
    answer(fake_llm, text)
    assert error(transform(team.bob, team.project_id), 502)["code"] == "llm_bad_answer"


def test_invalid_units_are_left_out_with_a_warning(team: Team, fake_llm: FakeLLM) -> None:
    units = [UNITS[0], {"description": "no title", "week": 1}, {"title": "Far future", "week": 500}, UNITS[2]]
    answer(fake_llm, llm_units(units))
    body = ok(transform(team.bob, team.project_id))
    assert [u["title"] for u in body["units"]] == [UNITS[0]["title"], UNITS[2]["title"]]
    assert body["warnings"] == [
        "Left out because they were not valid units: unit 2 (title: Field required); "
        "unit 3 (week: Input should be less than or equal to 104)."
    ]


def test_what_models_write_is_normalised(team: Team, fake_llm: FakeLLM) -> None:
    units = [
        {"title": "Week 2: Back up", "description": ["Set backup_dir", "Run it"], "priority": "Medium"},
        {"title": "Verify", "week": "Week 3", "priority": "critical"},
        {"title": "Retention", "priority": "P1"},
        {"title": "x" * 300, "description": "d" * 5000, "week": 4.0},
    ]
    answer(fake_llm, llm_units(units))
    body = ok(transform(team.bob, team.project_id))
    got = [(u["week"], u["priority"]) for u in body["units"]]
    assert got == [(2, "normal"), (3, "urgent"), (3, "normal"), (4, "normal")]
    assert body["units"][0]["description"] == "- Set backup_dir\n- Run it"
    assert len(body["units"][3]["title"]) == 200
    assert len(body["units"][3]["description"]) == 4000
    assert body["warnings"] == ["Unit 3 had the priority 'P1'; it was set to normal."]


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


def test_a_long_roadmap_is_cut_to_the_budget_and_says_what_was_left_out(
    team: Team, admin: Actor, fake_llm: FakeLLM
) -> None:
    set_llm(admin, fake_llm.url, llm_context_tokens=1500)
    answer(fake_llm, llm_units())
    body = ok(transform(team.bob, team.project_id, long_roadmap(12)))
    sent = fake_llm.requests[0]["messages"]
    assert prompt_tokens(sent) <= 1500 - 800  # the reply keeps its reserve
    assert "## Week 1: Topic 1" in sent[1]["content"]
    assert "## Week 12" not in sent[1]["content"]
    assert "were left out" in sent[1]["content"]  # the model is told, too
    [warning] = body["warnings"]
    assert "parts were left out and not turned into units" in warning
    assert "10 of 13 parts" in warning
    assert "“Week 3: Topic 3”" in warning
    assert "and 2 more" in warning
    assert "llm_context_tokens = 1500" in warning


def test_one_huge_section_is_split_into_paragraphs_under_its_heading(
    team: Team, admin: Actor, fake_llm: FakeLLM
) -> None:
    set_llm(admin, fake_llm.url, llm_context_tokens=2000)
    answer(fake_llm, llm_units())
    paragraphs = "\n\n".join(f"Paragraph {n}. " + "Read the manual chapter and try it. " * 8 for n in range(12))
    ok(transform(team.bob, team.project_id, f"## Week 5: Reading\n{paragraphs}"))
    user = fake_llm.requests[0]["messages"][1]["content"]
    assert "## Week 5: Reading (continued)\nParagraph 1." in user
    assert prompt_tokens(fake_llm.requests[0]["messages"]) <= 2000 - 800


def test_nothing_fitting_the_budget_is_413_and_no_llm_call(team: Team, admin: Actor, fake_llm: FakeLLM) -> None:
    set_llm(admin, fake_llm.url, llm_context_tokens=1000)  # the instructions and the reply reserve take it all
    err = error(transform(team.bob, team.project_id), 413)
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


def test_sample_fits_the_default_budget_whole(team: Team, fake_llm: FakeLLM) -> None:
    answer(fake_llm, llm_units())
    sample = ok(team.bob.get("/api/training/sample"))["text"]
    assert ok(transform(team.bob, team.project_id, sample))["warnings"] == []
    assert prompt_tokens(fake_llm.requests[0]["messages"]) <= 3000 - 800
    assert "## Week 7: Upgrades and recovery" in fake_llm.requests[0]["messages"][1]["content"]


def test_anonymous_cannot_read_the_sample(client: Any) -> None:
    assert client.get("/api/training/sample").status_code == 401
