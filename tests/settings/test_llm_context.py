"""The model's real context over HTTP: the budget takes the smaller, the warning in health, the status, and
"Test connection" on the values on screen (saved or not), against the real HTTP fake LLM server."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from starlette.applications import Starlette

from devcell.core import llm_server
from devcell.settings import routes as settings_routes
from devcell.settings.service import SETTINGS_STORE
from tests.conftest import Actor, set_llm
from tests.fakes.llm_server import FakeLLM, closed_port, running, silent_server
from tests.health.conftest import findings


@pytest.fixture
def small(admin: Actor) -> Iterator[FakeLLM]:
    """A llama.cpp-like server with one model started with a context of 2048, configured and saved."""
    llm_server.forget()
    with running() as fake:
        fake.models = ["smollm"]
        fake.props_context = 2048
        set_llm(admin, fake.url, "smollm")
        yield fake
    llm_server.forget()


def settings_of(admin: Actor) -> dict[str, object]:
    return {item["key"]: item["value"] for item in admin.get("/api/settings").json()["items"]}


def test_the_budget_is_the_smaller_once_the_server_said_it(app: Starlette, admin: Actor, small: FakeLLM) -> None:
    store = app.state.need(SETTINGS_STORE)
    assert store.context_tokens() == 3000  # nothing known yet: the setting (never a request on this path)
    assert small.probes == []
    status = admin.get("/api/llm/status").json()
    assert (status["reachable"], status["context_tokens"]) == (True, 2048)
    assert store.context_tokens() == 2048
    admin.patch("/api/settings", json={"values": {"llm_context_tokens": 1500}})
    assert store.context_tokens() == 1500
    assert store.context_warning() is None


def test_the_warning_says_what_to_do(app: Starlette, admin: Actor, small: FakeLLM) -> None:
    store = app.state.need(SETTINGS_STORE)
    assert store.context_warning() is None  # unknown: no warning
    assert store.context_warning(discover=True) == (
        f"llm_context_tokens is 3000 but the model smollm at {small.url} runs with a context of 2048 tokens "
        "(llama.cpp /props says so); DevCell uses 2048. Set llm_context_tokens to 2048 or start the model with a "
        "larger context."
    )


def test_a_server_that_says_nothing_leaves_the_setting(app: Starlette, admin: Actor, small: FakeLLM) -> None:
    small.props_context = None
    assert admin.get("/api/llm/status").json()["context_tokens"] is None
    assert app.state.need(SETTINGS_STORE).context_tokens() == 3000


def test_health_warns_when_the_setting_exceeds_the_context(admin: Actor, small: FakeLLM) -> None:
    found = findings(admin)["llm_context"]
    assert found["severity"] == "warning"
    assert "Set llm_context_tokens to 2048" in found["message"]
    assert found["fix"]["action"] == "settings"
    assert found["fix"]["target"] == "llm_context_tokens"
    assert any(probe.startswith("GET /props") for probe in small.probes)  # discovered where health runs
    admin.patch("/api/settings", json={"values": {"llm_context_tokens": 2048}})
    assert findings(admin)["llm_context"]["severity"] == "ok"


def test_health_skips_the_context_without_an_llm(admin: Actor) -> None:
    assert findings(admin)["llm_context"]["severity"] == "skipped"


def test_health_keeps_quiet_when_the_server_is_down(admin: Actor) -> None:
    set_llm(admin, f"http://127.0.0.1:{closed_port()}", "smollm")
    found = findings(admin)
    assert found["llm_context"]["severity"] == "ok"
    assert found["llm"]["severity"] == "warning"  # the reachability check says it once


def test_test_connection_uses_the_values_on_screen(admin: Actor) -> None:
    llm_server.forget()
    saved = f"http://127.0.0.1:{closed_port()}"
    set_llm(admin, saved, "old")
    with running() as fake:
        fake.models = ["smollm", "qwen"]
        fake.max_model_len = {"smollm": 2048, "qwen": 32768}
        body = {"base_url": fake.url, "model": "smollm", "context_tokens": 3000}
        result = admin.post("/api/settings/llm/test", json=body).json()
    assert result["ok"] is True
    assert (result["base_url"], result["model"], result["models"]) == (fake.url, "smollm", ["smollm", "qwen"])
    assert result["model_available"] is True
    assert (result["context_tokens"], result["context_source"]) == (2048, llm_server.VLLM)
    assert result["model_contexts"] == {"smollm": 2048, "qwen": 32768}
    assert "llm_context_tokens is 3000" in result["context_warning"]
    assert "Set llm_context_tokens to 2048" in result["context_warning"]
    assert fake.requests == []  # no completion spent
    after = settings_of(admin)
    assert (after["llm_base_url"], after["llm_model"]) == (saved, "old")  # nothing was saved


def test_the_on_screen_budget_decides_the_warning(admin: Actor, small: FakeLLM) -> None:
    fits = admin.post("/api/settings/llm/test", json={"context_tokens": 2000}).json()
    assert (fits["context_tokens"], fits["context_warning"]) == (2048, None)
    saved = admin.post("/api/settings/llm/test", json={}).json()  # the saved llm_context_tokens (3000)
    assert "llm_context_tokens is 3000" in saved["context_warning"]


def test_test_connection_without_a_body_tests_the_saved_values(admin: Actor, small: FakeLLM) -> None:
    result = admin.post("/api/settings/llm/test").json()
    assert (result["ok"], result["base_url"], result["model"], result["context_tokens"]) == (
        True,
        small.url,
        "smollm",
        2048,
    )


def test_a_model_the_server_does_not_offer(admin: Actor, small: FakeLLM) -> None:
    result = admin.post("/api/settings/llm/test", json={"model": "mistral"}).json()
    assert (result["ok"], result["model_available"], result["models"]) == (True, False, ["smollm"])


def test_a_blank_key_is_the_saved_key(admin: Actor, small: FakeLLM) -> None:
    small.require_key = "sk-stored-secret"
    admin.patch("/api/settings", json={"values": {"llm_api_key": "sk-stored-secret"}})
    for body in ({}, {"api_key": ""}, {"api_key": None}, {"base_url": small.url, "model": "smollm"}):
        response = admin.post("/api/settings/llm/test", json=body)
        assert response.json()["ok"] is True, body
        assert "sk-stored-secret" not in response.text
    assert small.headers[-1]["Authorization"] == "Bearer sk-stored-secret"
    wrong = admin.post("/api/settings/llm/test", json={"api_key": "sk-typo"}).json()
    assert wrong["ok"] is False
    assert "HTTP 401" in wrong["error"]["message"]
    assert small.headers[-1]["Authorization"] == "Bearer sk-typo"


def test_an_unreachable_server_on_screen(admin: Actor) -> None:
    result = admin.post("/api/settings/llm/test", json={"base_url": f"http://127.0.0.1:{closed_port()}"}).json()
    assert (result["ok"], result["models"], result["context_tokens"]) == (False, [], None)
    assert result["error"]["code"] == "llm_unavailable"


def test_broken_answers_are_unknown(admin: Actor, small: FakeLLM) -> None:
    small.raw = {"/props": (200, b"<html>"), "/api/show": (200, b"[]"), "/api/v0/models": (200, b'{"data": 1}')}
    result = admin.post("/api/settings/llm/test", json={}).json()
    assert (result["ok"], result["context_tokens"], result["context_warning"]) == (True, None, None)
    small.raw = {"/v1/models": (200, b"not json")}
    broken = admin.post("/api/settings/llm/test", json={}).json()
    assert broken["ok"] is False
    assert broken["error"]["code"] == "llm_bad_answer"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"base_url": "ftp://llm"}, "llm_base_url"),
        ({"connect_timeout_seconds": 0}, "llm_connect_timeout_seconds"),
        ({"read_timeout_seconds": 100000}, "llm_read_timeout_seconds"),
    ],
)
def test_invalid_values_on_screen_are_422(admin: Actor, body: dict[str, object], field: str) -> None:
    response = admin.post("/api/settings/llm/test", json=body)
    assert response.status_code == 422
    assert response.json()["error"]["detail"][0]["field"] == field


def test_unknown_fields_and_a_bad_budget_are_422(admin: Actor) -> None:
    assert admin.post("/api/settings/llm/test", json={"llm_model": "x"}).status_code == 422
    assert admin.post("/api/settings/llm/test", json={"context_tokens": 0}).status_code == 422


def test_only_administrators_test_the_connection(user: Actor) -> None:
    assert user.post("/api/settings/llm/test", json={"base_url": "http://127.0.0.1:9"}).status_code == 403
    assert user.get("/api/llm/status").json()["configured"] is False


def test_a_test_answers_within_seconds(admin: Actor, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(settings_routes, "TEST_SECONDS", 0.5)
    with silent_server() as url:
        started = time.monotonic()
        body = {"base_url": url, "read_timeout_seconds": 900}
        result = admin.post("/api/settings/llm/test", json=body).json()
        assert time.monotonic() - started < 30.0  # far below the 900 s the body asks for: the test's own limit held
    assert (result["ok"], result["error"]["code"]) == (False, "llm_timeout")


def test_an_overflow_error_teaches_the_context_llama_cpp_python_says_nowhere_else(
    app: Starlette, admin: Actor, user: Actor
) -> None:
    """llama-cpp-python's server has no /props: its context shows only in the error for a prompt that overflows."""
    llm_server.forget()
    with running() as fake:
        fake.error_text = b'{"error": {"message": "This model\'s maximum context length is 2048 tokens."}}'
        set_llm(admin, fake.url, "error500")
        store = app.state.need(SETTINGS_STORE)
        assert store.context_tokens() == 3000
        response = user.post("/api/chat", json={"messages": [{"role": "user", "content": "hello"}], "stream": False})
        assert response.status_code == 502
        assert store.context_tokens() == 2048
        assert "2048" in str(store.context_warning())
    llm_server.forget()


def test_the_repetition_penalty_setting_reaches_written_answers(app: Starlette, admin: Actor, user: Actor) -> None:
    with running() as fake:
        set_llm(admin, fake.url, "fake", llm_repetition_penalty="light")
        response = user.post("/api/chat", json={"messages": [{"role": "user", "content": "hi"}], "stream": False})
        assert response.status_code == 200
        assert fake.requests[-1]["frequency_penalty"] == 0.3
        bad = admin.patch("/api/settings", json={"values": {"llm_repetition_penalty": "max"}})
        assert bad.status_code == 422
