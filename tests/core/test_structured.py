"""core.structured against the real HTTP fake: each step down the response_format ladder, what is remembered,
and the lenient JSON reading small models need."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from devcell.core import llm, structured
from tests.fakes.llm_server import FakeLLM, running

MESSAGES = [{"role": "user", "content": "Review this."}]
SCHEMA = {"type": "object", "properties": {"summary": {"type": "string", "maxLength": 50}}, "required": ["summary"]}


@pytest.fixture
def fake() -> Iterator[FakeLLM]:
    structured.forget()
    with running() as server:
        server.script = lambda body: '{"summary": "fine"}'
        yield server
    structured.forget()


def ask(fake: FakeLLM) -> structured.Structured:
    return structured.complete_json_sync(llm.LLMConfig(fake.url, "fake"), MESSAGES, SCHEMA, 100)


def forms(fake: FakeLLM) -> list[object]:
    return [request.get("response_format") for request in fake.requests]


def test_json_schema_first_with_the_schema_and_bounds(fake: FakeLLM) -> None:
    answer = ask(fake)
    assert answer.form == "json_schema"
    assert forms(fake) == [{"type": "json_schema", "json_schema": {"name": "answer", "strict": True, "schema": SCHEMA}}]
    assert fake.requests[0]["max_tokens"] == 100


def test_a_server_that_rejects_json_schema_gets_json_object_with_the_schema(fake: FakeLLM) -> None:
    fake.reject_formats = {"json_schema": 500}  # llama-cpp-python
    assert ask(fake).form == "json_object+schema"
    assert forms(fake)[1] == {"type": "json_object", "schema": SCHEMA}
    fake.requests.clear()
    assert ask(fake).form == "json_object+schema"  # remembered: no second failed request
    assert len(fake.requests) == 1


def test_each_step_down_to_no_format_at_all(fake: FakeLLM) -> None:
    fake.reject_formats = {"json_schema": 400, "json_object+schema": 422, "json_object": 400}
    assert ask(fake).form == "none"
    assert forms(fake) == [
        {"type": "json_schema", "json_schema": {"name": "answer", "strict": True, "schema": SCHEMA}},
        {"type": "json_object", "schema": SCHEMA},
        {"type": "json_object"},
        None,
    ]


def test_bare_json_object_when_only_that_is_known(fake: FakeLLM) -> None:
    fake.reject_formats = {"json_schema": 400, "json_object+schema": 400}
    assert ask(fake).form == "json_object"


@pytest.mark.parametrize("status", [401, 404, 429, 503])
def test_failures_that_say_nothing_about_the_format_are_not_retried(fake: FakeLLM, status: int) -> None:
    fake.reject_formats = {"any": status}
    with pytest.raises(llm.LLMError):
        ask(fake)
    assert len(fake.requests) == 1


def test_forgetting_probes_again(fake: FakeLLM) -> None:
    fake.reject_formats = {"json_schema": 500}
    ask(fake)
    fake.reject_formats = {}
    structured.forget(llm.LLMConfig(fake.url, "fake"))
    assert ask(fake).form == "json_schema"


def test_prose_comes_back_as_it_is_for_the_caller_to_judge(fake: FakeLLM) -> None:
    fake.script = lambda body: "Sure! The code looks fine."
    answer = ask(fake)
    with pytest.raises(structured.NotJSON):
        structured.decode_object(answer.completion.text)


def test_a_cut_answer_is_marked(fake: FakeLLM) -> None:
    fake.finish_reason = "length"
    assert ask(fake).completion.truncated


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('{"a": "line one\nline two"}', {"a": "line one\nline two"}),  # a raw newline inside a string
        ('Here you go:\n```json\n{"a": 1}\n```\nDone.', {"a": 1}),
        ('Note {not json} then {"a": [1, 2]} trailing', {"a": [1, 2]}),
        ('{"a": {"b": "tab\there"}}', {"a": {"b": "tab\there"}}),
    ],
)
def test_lenient_decoding(text: str, expected: dict[str, object]) -> None:
    assert structured.decode_object(text) == expected


@pytest.mark.parametrize("text", ["", "no json here", "[1, 2, 3]", '{"a": '])
def test_no_object_is_said_plainly(text: str) -> None:
    with pytest.raises(structured.NotJSON, match="no JSON object"):
        structured.decode_object(text)


def test_no_repetition_penalty_on_json_data(fake: FakeLLM) -> None:
    config = llm.LLMConfig(fake.url, "fake", frequency_penalty=0.7)
    structured.complete_json_sync(config, MESSAGES, SCHEMA, 100)
    assert "frequency_penalty" not in fake.requests[-1]
