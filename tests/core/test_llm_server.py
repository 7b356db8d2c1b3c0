"""core.llm_server against the real HTTP fake: what each server kind says about its context, the cache, failures."""

from __future__ import annotations

import asyncio
import dataclasses
import time
from collections.abc import Iterator

import pytest

from devcell.core import llm, llm_server
from tests.fakes.llm_server import FakeLLM, closed_port, running, silent_server


@pytest.fixture
def fake() -> Iterator[FakeLLM]:
    llm_server.forget()
    with running() as server:
        server.models = ["smollm", "qwen"]
        yield server
    llm_server.forget()


def config(url: str, model: str = "smollm", **kw: object) -> llm.LLMConfig:
    return llm.LLMConfig(base_url=url, model=model, **kw)  # type: ignore[arg-type]


def discover(cfg: llm.LLMConfig, fresh: bool = False) -> llm_server.ServerFacts:
    return asyncio.run(llm_server.discover(cfg, fresh=fresh))


def test_llama_cpp_props(fake: FakeLLM) -> None:
    fake.props_context = 2048
    facts = discover(config(fake.url))
    assert (facts.context, facts.source, facts.error) == (2048, llm_server.LLAMA_CPP, None)
    assert facts.models == ["smollm", "qwen"]
    assert facts.contexts == {"smollm": 2048}
    assert "GET /props?model=smollm" in fake.probes
    assert llm_server.known_context(config(fake.url)) == 2048


def test_llama_cpp_props_names_the_only_model(fake: FakeLLM) -> None:
    fake.models = ["SmolLM2-135M-Instruct"]
    fake.props_context = 4096
    facts = discover(config(fake.url, model="whatever"))  # llama.cpp serves its one model under any name
    assert facts.context == 4096
    assert facts.contexts == {"SmolLM2-135M-Instruct": 4096, "whatever": 4096}


def test_ollama_prefers_num_ctx(fake: FakeLLM) -> None:
    fake.show = {
        "parameters": 'stop                           "<|im_end|>"\nnum_ctx                        8192',
        "model_info": {"general.architecture": "qwen2", "qwen2.context_length": 32768},
    }
    facts = discover(config(fake.url, model="qwen"))
    assert (facts.context, facts.source) == (8192, llm_server.OLLAMA_NUM_CTX)
    assert 'POST /api/show {"model":"qwen"}' in fake.probes


def test_ollama_without_num_ctx_gives_the_models_context_length(fake: FakeLLM) -> None:
    fake.show = {
        "parameters": "temperature 0.7",
        "model_info": {"general.architecture": "llama", "llama.context_length": 131072},
    }
    facts = discover(config(fake.url))
    assert (facts.context, facts.source) == (131072, llm_server.OLLAMA_TRAINED)


def test_vllm_max_model_len_per_model(fake: FakeLLM) -> None:
    fake.max_model_len = {"smollm": 2048, "qwen": 32768}
    facts = discover(config(fake.url))
    assert (facts.context, facts.source) == (2048, llm_server.VLLM)
    assert facts.contexts == {"smollm": 2048, "qwen": 32768}


def test_lm_studio_loaded_context_first(fake: FakeLLM) -> None:
    fake.lmstudio = {
        "smollm": {"state": "loaded", "max_context_length": 8192, "loaded_context_length": 4096},
        "qwen": {"state": "not-loaded", "max_context_length": 32768},
    }
    facts = discover(config(fake.url))
    assert (facts.context, facts.source) == (4096, llm_server.LM_STUDIO_LOADED)
    assert facts.contexts == {"smollm": 4096, "qwen": 32768}
    other = discover(config(fake.url, model="qwen"))
    assert (other.context, other.source) == (32768, llm_server.LM_STUDIO_MAX)


def test_a_server_that_says_nothing(fake: FakeLLM) -> None:
    """llama-cpp-python's server: /v1/models lists the models, every other path is 404."""
    facts = discover(config(fake.url))
    assert (facts.models, facts.context, facts.source, facts.error) == (["smollm", "qwen"], None, None, None)
    assert llm_server.known_context(config(fake.url)) is None
    assert fake.requests == []  # no completion spent


def test_the_key_is_sent(fake: FakeLLM) -> None:
    fake.require_key = "sk-1"
    assert discover(config(fake.url, api_key="sk-1")).models == ["smollm", "qwen"]
    refused = discover(config(fake.url, api_key="sk-2"), fresh=True)
    assert refused.models == []
    assert refused.error == "/v1/models: HTTP 401."


def test_known_context_never_asks(fake: FakeLLM) -> None:
    fake.props_context = 2048
    assert llm_server.known_context(config(fake.url)) is None
    assert fake.probes == []
    assert fake.headers == []


def test_discovery_is_kept_until_the_refresh(fake: FakeLLM, monkeypatch: pytest.MonkeyPatch) -> None:
    fake.props_context = 2048
    discover(config(fake.url))
    asked = len(fake.probes)
    fake.props_context = 4096
    assert discover(config(fake.url)).context == 2048  # kept
    assert len(fake.probes) == asked
    assert discover(config(fake.url), fresh=True).context == 4096
    monkeypatch.setattr(llm_server, "REFRESH_SECONDS", 0.0)
    fake.props_context = 1024
    assert discover(config(fake.url)).context == 1024
    assert llm_server.known_context(config(fake.url)) == 1024


def test_callers_meanwhile_take_what_is_kept(fake: FakeLLM) -> None:
    fake.props_context = 2048
    cfg = config(fake.url)
    discover(cfg)
    key = (cfg.root, cfg.model)
    llm_server._facts[key] = dataclasses.replace(llm_server._facts[key], checked_at=time.monotonic() - 120)
    fake.props_context = 4096

    async def together() -> list[llm_server.ServerFacts]:
        return list(await asyncio.gather(*(llm_server.discover(cfg) for _ in range(5))))

    contexts = [facts.context for facts in asyncio.run(together())]
    assert (contexts.count(2048), contexts.count(4096)) == (4, 1)  # one asked; the others had what was kept
    assert sum(probe.startswith("GET /props") for probe in fake.probes) == 2


def test_the_context_expires_after_its_ttl(fake: FakeLLM, monkeypatch: pytest.MonkeyPatch) -> None:
    fake.props_context = 2048
    discover(config(fake.url))
    assert llm_server.known_context(config(fake.url)) == 2048
    monkeypatch.setattr(llm_server, "CONTEXT_TTL_SECONDS", 0.0)
    time.sleep(0.01)
    assert llm_server.known_context(config(fake.url)) is None


def test_kept_per_server_and_model(fake: FakeLLM) -> None:
    fake.max_model_len = {"smollm": 2048, "qwen": 32768}
    discover(config(fake.url))
    assert llm_server.known_context(config(fake.url)) == 2048
    assert llm_server.known_context(config(fake.url, model="qwen")) is None  # not asked yet
    assert llm_server.known_context(config(fake.url + "/v1")) == 2048  # the same server root
    assert llm_server.known_context(config("")) is None


def test_a_server_gone_down_keeps_what_it_said(fake: FakeLLM) -> None:
    fake.props_context = 2048
    discover(config(fake.url))
    fake.raw["/v1/models"] = (503, b"loading model")
    fake.props_context = None
    down = discover(config(fake.url), fresh=True)
    assert down.error == "/v1/models: HTTP 503."
    assert llm_server.known_context(config(fake.url)) == 2048  # a restart does not drop the budget to the setting
    del fake.raw["/v1/models"]
    assert discover(config(fake.url), fresh=True).context is None  # it answers and no longer says: forgotten
    assert llm_server.known_context(config(fake.url)) is None


def test_unreachable_is_unknown_not_an_error() -> None:
    facts = discover(config(f"http://127.0.0.1:{closed_port()}"))
    assert (facts.models, facts.context) == ([], None)
    assert facts.error is not None
    assert "cannot be reached" in facts.error


def test_a_server_that_never_answers_is_given_up_quickly(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(llm_server, "PROBE_SECONDS", 0.3)
    with silent_server() as url:
        started = time.monotonic()
        facts = discover(config(url))
        assert time.monotonic() - started < 2.0
        assert facts.error == "/v1/models: no answer in time."
        assert facts.context is None


@pytest.mark.parametrize(
    ("path", "answer"),
    [
        ("/props", (200, b"<html>not json")),
        ("/props", (200, b"[2048]")),
        ("/props", (200, b'{"default_generation_settings": {"n_ctx": "many"}}')),
        ("/props", (200, b'{"default_generation_settings": {"n_ctx": -1}, "n_ctx": true}')),
        ("/props", (500, b"boom")),
        ("/api/show", (200, b'{"parameters": 12, "model_info": []}')),
        ("/api/show", (200, b"not json")),
        ("/api/v0/models", (200, b'{"data": {"smollm": 4096}}')),
        ("/api/v0/models", (200, b'{"data": [{"id": 7, "loaded_context_length": 4096}, "x"]}')),
    ],
)
def test_wrong_answers_mean_unknown(fake: FakeLLM, path: str, answer: tuple[int, bytes]) -> None:
    fake.raw[path] = answer
    facts = discover(config(fake.url))
    assert (facts.context, facts.source, facts.error) == (None, None, None)
    assert facts.models == ["smollm", "qwen"]


@pytest.mark.parametrize(
    ("answer", "error"),
    [
        ((200, b"<html>not json"), "/v1/models: the answer is not JSON."),
        ((200, b'{"models": ["a"]}'), "/v1/models: the answer is not an OpenAI model list."),
        ((200, b'{"data": [{"name": "a"}, 3], "object": "list"}'), None),
    ],
)
def test_a_broken_model_list(fake: FakeLLM, answer: tuple[int, bytes], error: str | None) -> None:
    fake.raw["/v1/models"] = answer
    fake.props_context = 2048
    facts = discover(config(fake.url))
    assert (facts.models, facts.error) == ([], error)
    assert facts.context == 2048  # the other APIs still count


def test_a_huge_answer_is_not_read(fake: FakeLLM, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(llm_server, "MAX_BODY_BYTES", 100)
    fake.raw["/props"] = (200, b'{"n_ctx": 2048, "pad": "' + b"x" * 500 + b'"}')
    assert discover(config(fake.url)).context is None


def test_discover_sync(fake: FakeLLM) -> None:
    fake.props_context = 2048
    assert llm_server.discover_sync(config(fake.url)).context == 2048

    async def on_the_loop() -> llm_server.ServerFacts:
        return llm_server.discover_sync(config(fake.url), fresh=True)

    assert asyncio.run(on_the_loop()).context == 2048  # never blocks the loop: what is kept


def test_not_configured() -> None:
    facts = discover(config(""))
    assert facts.error == "No LLM is configured."
    assert llm_server.discover_sync(config("")).models == []


@pytest.mark.parametrize(
    ("text", "context"),
    [
        ('{"error": {"message": "This model\'s maximum context length is 2048 tokens. However, you requested 3100 '
         'tokens (3000 in the messages, 100 in the completion).", "code": "context_length_exceeded"}}', 2048),
        ("Requested tokens (2500) exceed context window of 2048", 2048),
        ('{"error": {"code": 400, "type": "exceed_context_size_error", "n_prompt_tokens": 5000, "n_ctx": 4096}}', 4096),
        ("model exploded", None),
    ],
)  # fmt: skip
def test_learn_from_an_overflow_error(text: str, context: int | None) -> None:
    llm_server.forget()
    cfg = config("http://llm.example:8080")
    assert llm_server.learn_from_error(cfg, text) == context
    assert llm_server.known_context(cfg) == context
    assert llm_server.known_source(cfg) == (llm_server.ERROR_MESSAGE if context else None)
    llm_server.forget()
