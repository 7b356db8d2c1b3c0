"""The words DevCell says to models (devcell/prompt_texts.py): short lines a small model follows, example answers
that pass the feature's own checks, and every feature's prompt fitting a small model's context beside its answer
(and beside the retry, for those that retry)."""

from __future__ import annotations

from typing import Any

import jsonschema
import pytest

from devcell import prompt_texts
from devcell.assistant import _prompt as briefs
from devcell.assistant._inputs import Input, Section
from devcell.assistant.review import _answer
from devcell.assistant.review import service as review
from devcell.assistant.workflows import _prompt as workflow_prompt
from devcell.assistant.workflows._pipelines import PIPELINES, system_prompt
from devcell.chat import service as chat
from devcell.chat.schemas import ChatIn
from devcell.core.llm import estimate_tokens
from devcell.core.prompts import prompt_tokens, reply_limit
from devcell.search import _retrieval
from devcell.search.schemas import Citation
from devcell.training import _parse
from devcell.training import _prompt as training
from devcell.training.service import sample
from tests.conftest import Actor, set_llm
from tests.fakes.llm_server import FakeLLM

SMALL = 2048  # SmolLM2-135M as llama-cpp-python serves it; the smallest context DevCell is tested against
CONTEXTS = [SMALL, 3000, 8192]
LONG = "Checked the backup, restored it on the spare box and wrote down every step and how long it took. " * 30
SYSTEMS = {
    "ask": prompt_texts.ASK_SYSTEM,
    "chat sources": prompt_texts.CHAT_SOURCES_RULE,
    **{f"chat {key}": persona.system for key, persona in prompt_texts.CHAT_PERSONAS.items()},
    "standup summary": briefs.STANDUP_SYSTEM,
    "project summary": briefs.PROJECT_SYSTEM,
    "SITREP": briefs.SITREP_SYSTEM,
    "review": prompt_texts.REVIEW_SYSTEM.replace(prompt_texts.REVIEW_EXAMPLE, ""),
    "training": prompt_texts.TRAINING_SYSTEM.replace(prompt_texts.TRAINING_EXAMPLE, ""),
    **{f"workflow {p.id} {r.id}": system_prompt(p, r) for p in PIPELINES.values() for r in p.roles},
}


def fits(messages: list[dict[str, str]], max_tokens: int, context: int) -> bool:
    return prompt_tokens(messages) + max_tokens <= context


@pytest.mark.parametrize("name", SYSTEMS)
def test_system_prompts_are_short_with_one_instruction_a_line(name: str) -> None:
    text = SYSTEMS[name]
    assert estimate_tokens(text) <= 400, f"{name}: a small model loses a long system prompt"
    for line in text.splitlines():
        assert len(line) <= 130, f"{name}: one instruction per line, this one is long: {line!r}"


def test_the_review_example_is_a_valid_review() -> None:
    example = _answer.extract(prompt_texts.REVIEW_EXAMPLE)
    jsonschema.validate(example, _answer.schema(review.reply_tokens(SMALL)))
    assert _answer.parse(prompt_texts.REVIEW_EXAMPLE).issues[0].severity == "high"


def test_the_training_example_is_a_valid_answer() -> None:
    jsonschema.validate(_parse.json.loads(prompt_texts.TRAINING_EXAMPLE), training.units_schema(5))
    assert [u.title for u in _parse.parse_part(prompt_texts.TRAINING_EXAMPLE, 1).units] == ["Install the package"]


@pytest.mark.parametrize("context", CONTEXTS)
def test_ask_fits(context: int) -> None:
    sources = [
        Citation(number=n, chunk_id=n, document_id=n, document_title=f"Runbook {n}", kind="md", heading="Backups",
                 page=None, text=LONG[:900], context=LONG, similarity=0.5)
        for n in range(1, 6)
    ]  # fmt: skip
    messages, used = _retrieval.prompt("How do we test a restore? " * 20, sources, context)
    assert used
    assert fits(messages, reply_limit(context, messages, _retrieval.answer_tokens(context)), context)


@pytest.mark.parametrize("context", CONTEXTS)
def test_chat_fits(context: int) -> None:
    history = [{"role": "user" if n % 2 == 0 else "assistant", "content": LONG} for n in range(9)]
    data = ChatIn.model_validate({"messages": history, "persona": "developer"})
    prompt = chat.build(data, [], context)
    assert fits(prompt.messages, prompt.max_tokens, context)


def _section(heading: str, count: int) -> Section:
    items = [Input("standup", n, f"Standup {n}", f"/standups/{n}", LONG[:600], str(n)) for n in range(count)]
    return Section(heading, heading.lower(), items)


@pytest.mark.parametrize("context", CONTEXTS)
@pytest.mark.parametrize("system", [briefs.STANDUP_SYSTEM, briefs.PROJECT_SYSTEM, briefs.SITREP_SYSTEM])
def test_briefs_and_their_retry_fit(context: int, system: str) -> None:
    prompt = briefs.build(system, "Write it.", [_section("Standups", 40), _section("Tasks", 40)], context, "Short.")
    assert prompt.sources
    assert fits(prompt.messages, prompt.max_tokens, context)
    worst = ["it cites none of its sources", "it cites sources that do not exist ([9], [10], [11] …)",
             "it lacks the sections “Summary”, “Progress”, “Blockers and risks”, “Due and overdue”"]  # fmt: skip
    assert fits(prompt.retry(worst), prompt.max_tokens, context)


@pytest.mark.parametrize("context", CONTEXTS)
def test_training_parts_and_their_repair_fit(context: int) -> None:
    extra = "\n\n## Week 8: Extra\n" + LONG.replace(". ", ".\n")  # long: cut into lines under its heading
    plan = training.build(sample().text + extra, "We have two Pis.", context)
    assert len(plan.parts) >= 8
    for part in plan.parts:
        assert fits(part.messages, part.max_tokens, context)
        assert fits(part.repair("x" * 200), part.max_tokens, context)


@pytest.mark.parametrize("context", CONTEXTS)
def test_workflow_roles_fit(context: int) -> None:
    pipeline = PIPELINES["feature"]
    outputs = [workflow_prompt.Output(role, LONG) for role in pipeline.roles[:4]]
    prompt = workflow_prompt.build(pipeline, pipeline.roles[4], LONG * 3, "Apollo", outputs, context)
    assert fits(prompt.messages, prompt.max_tokens, context)


@pytest.mark.parametrize("context", [SMALL, 3000])
def test_review_and_its_repair_fit(user: Actor, admin: Actor, fake_llm: FakeLLM, context: int) -> None:
    set_llm(admin, fake_llm.url, "fake", llm_context_tokens=context)
    fake_llm.script = lambda body: "Not JSON at all."
    code = "".join(f"def step_{n}(x):\n    return x * {n}\n\n" for n in range(25))
    response = user.post("/api/review", json={"code": code, "description": "Steps. " * 40})
    assert response.status_code == 502, response.text
    assert len(fake_llm.requests) == 2  # the answer and the repair round
    for request in fake_llm.requests:
        sent: Any = request["messages"]
        assert fits(sent, request["max_tokens"], context)
