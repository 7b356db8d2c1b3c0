"""Code review through the API with the fake LLM: valid, fenced, prose-wrapped, repaired and nonsense answers,
the size limit, diffs, line numbers, and the LLM being absent, down, slow or broken."""

from __future__ import annotations

import json
from typing import Any

import pytest

from devcell.core import structured
from devcell.core.prompts import prompt_tokens
from tests.conftest import Actor, set_llm
from tests.fakes.llm_server import FakeLLM, closed_port

CODE = "def load(path):\n    data = open(path).read()\n    return eval(data)\n"
ANSWER: dict[str, Any] = {
    "summary": "Loads a file and evaluates it.",
    "issues": [
        {"severity": "low", "title": "File left open", "line": 2, "end_line": None,
         "detail": "The file is never closed.", "suggestion": "Use a with block."},
        {"severity": "CRITICAL", "title": "eval of file content", "line": 3, "end_line": 3,
         "detail": "Runs arbitrary code.", "suggestion": "Use json.loads."},
        {"severity": "info", "title": "Made-up place", "line": 99, "end_line": 120, "detail": "", "suggestion": ""},
    ],
    "suggestions": ["Add type hints."],
}  # fmt: skip


def answering(fake: FakeLLM, *answers: str) -> None:
    """The fake answers these texts in turn (the last one again when more calls come)."""
    calls = iter(answers)
    last = answers[-1]

    def script(body: dict[str, Any]) -> str:
        nonlocal last
        last = next(calls, last)
        return last

    fake.script = script


def review(actor: Actor, **body: Any) -> Any:
    return actor.post("/api/review", json={"code": CODE, **body})


def user_prompt(fake: FakeLLM, index: int = -1) -> str:
    return str(fake.requests[index]["messages"][1]["content"])


def test_valid_answer_becomes_a_structured_review(user: Actor, fake_llm: FakeLLM) -> None:
    answering(fake_llm, json.dumps(ANSWER))
    response = review(user, focus="security")
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["summary"] == "Loads a file and evaluates it."
    assert [(i["severity"], i["line"], i["end_line"]) for i in body["issues"]] == [
        ("critical", 3, None),  # end_line equal to line says nothing more
        ("low", 2, None),
        ("info", None, None),  # line 99 is not in a 3-line file: not trusted
    ]
    assert body["issues"][2]["suggestion"] is None
    assert (body["language"], body["focus"], body["diff"], body["model"]) == ("python", "security", False, "fake")
    assert body["suggestions"] == ["Add type hints."]
    assert len(fake_llm.requests) == 1


def test_markdown_is_rendered_from_the_validated_structure(user: Actor, fake_llm: FakeLLM) -> None:
    answering(fake_llm, json.dumps(ANSWER))
    markdown = review(user).json()["markdown"]
    assert markdown.index("## Summary") < markdown.index("## Issues") < markdown.index("## Suggestions")
    assert markdown.index("### Critical (1)") < markdown.index("### Low (1)") < markdown.index("### Info (1)")
    assert "- **eval of file content** (line 3): Runs arbitrary code." in markdown
    assert "    - Suggestion: Use json.loads." in markdown
    assert "line 99" not in markdown


def test_code_is_sent_with_line_numbers_and_kept_indentation(user: Actor, fake_llm: FakeLLM) -> None:
    answering(fake_llm, json.dumps(ANSWER))
    review(user, description="Loads the settings file.")
    prompt = user_prompt(fake_llm)
    assert "1 | def load(path):" in prompt
    assert "2 |     data = open(path).read()" in prompt
    assert "Loads the settings file." in prompt
    assert "python (detected)" in prompt
    assert fake_llm.requests[0]["max_tokens"] == 1000  # a third of the default 3,000-token context


@pytest.mark.parametrize(
    "text",
    [
        "```json\n" + json.dumps(ANSWER) + "\n```",
        "Here is my review {as asked}:\n\n" + json.dumps(ANSWER, indent=2) + "\n\nI hope this helps!",
        "Sure.\n```\n" + json.dumps(ANSWER) + "\n```\nAnything else?",
    ],
    ids=["fenced", "prose-around", "prose-and-bare-fence"],
)
def test_fences_and_prose_around_the_json_are_ignored(user: Actor, fake_llm: FakeLLM, text: str) -> None:
    answering(fake_llm, text)
    response = review(user)
    assert response.status_code == 200, response.text
    assert response.json()["issues"][0]["title"] == "eval of file content"
    assert len(fake_llm.requests) == 1


def test_an_invalid_answer_is_repaired_once_restating_the_error_and_the_schema(user: Actor, fake_llm: FakeLLM) -> None:
    """The repair round never shows the rejected answer: a small model shown its own answer copies it."""
    broken = {"summary": "Risky.", "issues": [{"severity": "catastrophic", "title": "eval", "line": 3}]}
    answering(fake_llm, json.dumps(broken), json.dumps(ANSWER))
    response = review(user)
    assert response.status_code == 200, response.text
    assert response.json()["summary"] == "Loads a file and evaluates it."
    assert len(fake_llm.requests) == 2
    first, repair = fake_llm.requests[0]["messages"], fake_llm.requests[1]["messages"]
    assert [m["role"] for m in repair] == ["system", "user"]
    assert repair[0] == first[0]
    assert repair[1]["content"].startswith(first[1]["content"])
    assert "issues.0.severity" in repair[1]["content"]
    assert '"enum":["critical","high","medium","low","info"]' in repair[1]["content"]  # the schema, restated
    assert "catastrophic" not in repair[1]["content"]
    assert all(prompt_tokens(r["messages"]) + r["max_tokens"] <= 3000 for r in fake_llm.requests)


def test_nonsense_twice_is_502_with_a_readable_message(user: Actor, fake_llm: FakeLLM) -> None:
    answering(fake_llm, "I am sorry, I cannot review code today.", "Still no. {not json}")
    response = review(user)
    assert response.status_code == 502
    error = response.json()["error"]
    assert error["code"] == "llm_bad_answer"
    assert error["message"].startswith("The model's review was not in the required format")
    assert "no JSON object" in error["detail"]["reason"]
    assert len(fake_llm.requests) == 2


def test_json_without_a_summary_twice_is_not_a_review(user: Actor, fake_llm: FakeLLM) -> None:
    answering(fake_llm, json.dumps({"issues": []}), json.dumps({"review": "fine", "issues": []}))
    response = review(user)
    assert response.status_code == 502
    assert "summary" in response.json()["error"]["detail"]["reason"]


def test_code_too_large_for_the_context_is_413_before_any_llm_call(user: Actor, fake_llm: FakeLLM) -> None:
    big = "\n".join(f"total_{n} = compute_something(values[{n}]) + offset_{n}" for n in range(400))
    response = user.post("/api/review", json={"code": big})
    assert response.status_code == 413
    error = response.json()["error"]
    assert error["code"] == "review_too_large"
    assert "400 lines" in error["message"]
    assert "Review a smaller part or a diff" in error["message"]
    assert error["detail"]["tokens"] > error["detail"]["limit_tokens"] > 0
    assert error["detail"]["context_tokens"] == 3000
    assert fake_llm.requests == []


def test_a_larger_context_admits_it_and_the_prompt_stays_within_it(
    admin: Actor, user: Actor, fake_llm: FakeLLM
) -> None:
    big = "\n".join(f"total_{n} = compute_something(values[{n}]) + offset_{n}" for n in range(400))
    set_llm(admin, fake_llm.url, "fake", llm_context_tokens=12_000)
    answering(fake_llm, json.dumps(ANSWER))
    assert user.post("/api/review", json={"code": big}).status_code == 200
    sent = fake_llm.requests[0]
    assert prompt_tokens(sent["messages"]) + sent["max_tokens"] <= 12_000


DIFF = """diff --git a/app/store.py b/app/store.py
--- a/app/store.py
+++ b/app/store.py
@@ -10,4 +10,5 @@ def save(row):
     db = connect()
-    db.execute("INSERT INTO t VALUES (%s)" % row)
+    query = "INSERT INTO t VALUES ('" + row + "')"
+    db.execute(query)
     db.commit()
"""


def test_a_diff_is_numbered_by_the_new_files_lines(user: Actor, fake_llm: FakeLLM) -> None:
    answer = {"summary": "SQL built from input.", "issues": [
        {"severity": "high", "title": "SQL injection", "line": 11, "end_line": 12, "detail": "Concatenated."},
        {"severity": "low", "title": "Removed line", "line": 14, "detail": "No such new line."},
    ]}  # fmt: skip
    answering(fake_llm, json.dumps(answer))
    body = user.post("/api/review", json={"code": DIFF}).json()
    assert (body["diff"], body["language"]) == (True, "python")
    assert [(i["line"], i["end_line"]) for i in body["issues"]] == [(11, 12), (None, None)]
    prompt = user_prompt(fake_llm)
    assert "the numbers are the new file's lines" in prompt
    assert "   10 |      db = connect()" in prompt
    assert '      | -    db.execute("INSERT' in prompt
    assert "   11 | +    query =" in prompt
    assert "   13 |      db.commit()" in prompt


def test_language_given_by_the_user_wins(user: Actor, fake_llm: FakeLLM) -> None:
    answering(fake_llm, json.dumps(ANSWER))
    assert review(user, language="Starlark").json()["language"] == "Starlark"
    assert "Language: Starlark" in user_prompt(fake_llm)


@pytest.mark.parametrize(
    "body",
    [{"code": "   \n  "}, {"code": ""}, {"code": "x = 1", "focus": "style"}, {"code": "x", "language": "x" * 41}],
    ids=["blank", "empty", "unknown-focus", "long-language"],
)
def test_invalid_requests_are_422(user: Actor, fake_llm: FakeLLM, body: dict[str, Any]) -> None:
    assert user.post("/api/review", json=body).status_code == 422
    assert fake_llm.requests == []


def test_no_llm_configured_is_503(user: Actor) -> None:
    response = review(user)
    assert response.status_code == 503
    assert response.json()["error"]["code"] == "llm_not_configured"
    assert "Settings" in response.json()["error"]["message"]


def test_llm_down_is_503(admin: Actor, user: Actor) -> None:
    set_llm(admin, f"http://127.0.0.1:{closed_port()}")
    response = review(user)
    assert response.status_code == 503
    assert response.json()["error"]["code"] == "llm_unavailable"


@pytest.mark.parametrize("model", ["malformed", "error500", "wrongshape"])
def test_broken_llm_answers_are_502(admin: Actor, user: Actor, fake_llm: FakeLLM, model: str) -> None:
    set_llm(admin, fake_llm.url, model)
    response = review(user)
    assert response.status_code == 502
    assert response.json()["error"]["code"] == "llm_bad_answer"


def test_slow_llm_is_504(admin: Actor, user: Actor, fake_llm: FakeLLM) -> None:
    fake_llm.slow_seconds = 6
    set_llm(admin, fake_llm.url, "slow", llm_read_timeout_seconds=5)
    response = review(user)
    assert response.status_code == 504
    assert response.json()["error"]["code"] == "llm_timeout"


def test_anonymous_is_401(client: Any) -> None:
    assert client.post("/api/review", json={"code": CODE}).status_code == 401


# --- Structured output: the response_format ladder, through the API ------------------------------------------


def test_the_review_asks_for_json_following_a_bounded_schema(user: Actor, fake_llm: FakeLLM) -> None:
    structured.forget()
    answering(fake_llm, json.dumps(ANSWER))
    assert review(user).status_code == 200
    sent = fake_llm.requests[0]
    schema = sent["response_format"]["json_schema"]["schema"]
    assert schema["properties"]["issues"]["maxItems"] >= 1
    assert schema["properties"]["summary"]["maxLength"] == 300
    assert schema["properties"]["issues"]["items"]["properties"]["severity"]["enum"][0] == "critical"
    assert 0 < sent["max_tokens"] <= 3000 - prompt_tokens(sent["messages"])
    assert "Example answer" in sent["messages"][0]["content"]


def test_a_server_rejecting_json_schema_gets_json_object_with_the_schema(user: Actor, fake_llm: FakeLLM) -> None:
    """llama-cpp-python answers a json_schema response_format with HTTP 500; the review still works."""
    structured.forget()
    fake_llm.reject_formats = {"json_schema": 500}
    answering(fake_llm, json.dumps(ANSWER))
    assert review(user).status_code == 200
    assert [r["response_format"]["type"] for r in fake_llm.requests] == ["json_schema", "json_object"]
    assert "schema" in fake_llm.requests[1]["response_format"]
    assert review(user).status_code == 200
    assert fake_llm.requests[2]["response_format"]["type"] == "json_object"  # remembered
    structured.forget()


def test_a_server_taking_no_format_at_all_still_gets_the_shape_in_the_prompt(user: Actor, fake_llm: FakeLLM) -> None:
    structured.forget()
    fake_llm.reject_formats = {"any": 400}
    answering(fake_llm, json.dumps(ANSWER))
    assert review(user).status_code == 200
    assert "response_format" not in fake_llm.requests[-1]
    structured.forget()


def test_prose_twice_is_502_saying_why(user: Actor, fake_llm: FakeLLM) -> None:
    answering(fake_llm, "The code looks fine to me.")
    response = review(user)
    assert response.status_code == 502
    assert response.json()["error"]["detail"]["reason"] == "the answer contains no JSON object"


def test_a_cut_off_answer_is_repaired_saying_it_was_cut_off(user: Actor, fake_llm: FakeLLM) -> None:
    fake_llm.finish_reason = "length"
    answering(fake_llm, json.dumps(ANSWER)[:40])
    response = review(user)
    assert response.status_code == 502
    assert "cut off at the length limit" in fake_llm.requests[1]["messages"][1]["content"]
