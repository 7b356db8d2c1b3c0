"""core.llm against a real HTTP fake of an OpenAI-compatible server: answers, streams and every failure."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest

from devcell.core import llm
from tests.fakes.llm_server import ANSWER, FakeLLM, closed_port, running

MESSAGES = [{"role": "user", "content": "When does the backup run?"}]


@pytest.fixture
def fake() -> Iterator[FakeLLM]:
    with running() as server:
        yield server


def config(url: str, model: str = "fake", **kw: object) -> llm.LLMConfig:
    return llm.LLMConfig(base_url=url, model=model, **kw)  # type: ignore[arg-type]


def complete(cfg: llm.LLMConfig) -> str:
    return asyncio.run(llm.complete(cfg, MESSAGES)).text


def streamed(cfg: llm.LLMConfig) -> list[str]:
    async def collect() -> list[str]:
        return [piece async for piece in llm.stream(cfg, MESSAGES)]

    return asyncio.run(collect())


def test_completion(fake: FakeLLM) -> None:
    assert complete(config(fake.url)) == "".join(ANSWER)
    assert fake.requests[0]["messages"] == MESSAGES
    assert fake.requests[0]["stream"] is False


def test_stream_yields_the_pieces(fake: FakeLLM) -> None:
    assert streamed(config(fake.url)) == ANSWER


@pytest.mark.parametrize("suffix", ["", "/", "/v1", "/v1/chat/completions"])
def test_base_url_forms_of_the_operations_guide(fake: FakeLLM, suffix: str) -> None:
    assert complete(config(fake.url + suffix)) == "".join(ANSWER)


def test_api_key_is_sent_as_bearer(fake: FakeLLM) -> None:
    complete(config(fake.url, api_key="sk-test"))
    assert fake.headers[-1]["Authorization"] == "Bearer sk-test"


def test_not_configured_is_503() -> None:
    with pytest.raises(llm.LLMNotConfigured) as caught:
        complete(config(""))
    assert caught.value.status == 503


def test_server_down_is_503_not_an_answer() -> None:
    with pytest.raises(llm.LLMUnavailable) as caught:
        complete(config(f"http://127.0.0.1:{closed_port()}"))
    assert caught.value.status == 503
    assert "cannot be reached" in caught.value.message


def test_stream_from_a_down_server_is_503() -> None:
    with pytest.raises(llm.LLMUnavailable):
        streamed(config(f"http://127.0.0.1:{closed_port()}"))


def test_slow_server_is_504(fake: FakeLLM) -> None:
    fake.slow_seconds = 2.0
    with pytest.raises(llm.LLMTimeout) as caught:
        complete(config(fake.url, "slow", read_timeout=0.5))
    assert caught.value.status == 504


def test_http_500_is_502_with_the_reason(fake: FakeLLM) -> None:
    with pytest.raises(llm.LLMError) as caught:
        complete(config(fake.url, "error500"))
    assert caught.value.status == 502
    assert "HTTP 500" in caught.value.message
    assert "model exploded" in caught.value.message


@pytest.mark.parametrize("model", ["malformed", "wrongshape"])
def test_bad_answers_are_502(fake: FakeLLM, model: str) -> None:
    with pytest.raises(llm.LLMError) as caught:
        complete(config(fake.url, model))
    assert caught.value.status == 502


def test_broken_stream_piece_is_502(fake: FakeLLM) -> None:
    with pytest.raises(llm.LLMError) as caught:
        streamed(config(fake.url, "malformed"))
    assert caught.value.status == 502


def test_models_lists_and_caches(fake: FakeLLM) -> None:
    cfg = config(fake.url)
    assert "fake" in asyncio.run(llm.models(cfg, fresh=True))
    asyncio.run(llm.models(cfg))
    assert len(fake.headers) == 1  # the second call came from the cache
    assert fake.requests == []  # reachability never spends a completion


def test_proxy_variables_are_not_used(fake: FakeLLM, monkeypatch: pytest.MonkeyPatch) -> None:
    closed = f"http://127.0.0.1:{closed_port()}"
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"):
        monkeypatch.setenv(name, closed)
    assert complete(config(fake.url)) == "".join(ANSWER)


def test_every_request_sends_max_tokens_and_the_finish_reason_comes_back(fake: FakeLLM) -> None:
    answer = asyncio.run(llm.complete(config(fake.url), MESSAGES, 123))
    assert (answer.finish_reason, answer.truncated) == ("stop", False)
    assert fake.requests[-1]["max_tokens"] == 123


def test_a_cut_answer_is_marked_truncated(fake: FakeLLM) -> None:
    fake.finish_reason = "length"
    assert asyncio.run(llm.complete(config(fake.url), MESSAGES, 50)).truncated

    async def collect() -> tuple[list[str], bool]:
        reply = llm.stream(config(fake.url), MESSAGES, 50)
        return [piece async for piece in reply], reply.truncated

    pieces, truncated = asyncio.run(collect())
    assert pieces
    assert truncated


@pytest.mark.parametrize("stream", [False, True])
def test_an_empty_answer_is_an_error_not_a_success(fake: FakeLLM, stream: bool) -> None:
    """llama-cpp-python answers a prompt that overflows its context with a 200 and no text."""
    fake.script = lambda body: ""
    with pytest.raises(llm.LLMError) as caught:
        streamed(config(fake.url)) if stream else complete(config(fake.url))
    assert caught.value.status == 502
    assert "without any text" in caught.value.message
    assert "llm_context_tokens" in caught.value.message


def test_a_stream_without_its_end_is_an_error(fake: FakeLLM) -> None:
    fake.stream_done = False
    fake.stream_finish = False
    with pytest.raises(llm.LLMError, match="stopped before its end"):
        streamed(config(fake.url))


def test_a_stream_with_a_finish_reason_but_no_done_marker_is_whole(fake: FakeLLM) -> None:
    fake.stream_done = False
    assert "".join(streamed(config(fake.url))) == "".join(ANSWER)


def test_the_repetition_penalty_is_sent_only_when_set(fake: FakeLLM) -> None:
    complete(config(fake.url))
    assert "frequency_penalty" not in fake.requests[-1]
    complete(config(fake.url, frequency_penalty=0.3))
    assert fake.requests[-1]["frequency_penalty"] == 0.3
