"""The one client for OpenAI-compatible LLM servers (Ollama, llama.cpp server, vLLM, LM Studio).

Failures are errors with an HTTP status, never answer text (upstream bug B10): 503 when the server is not
configured or not reachable, 504 when it is too slow, 502 when it answers something that is not a completion.
Reachability is `GET /v1/models` (cached), never a completion.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncGenerator, AsyncIterator, Callable
from dataclasses import dataclass
from typing import Any

import httpx
import orjson

from devcell.core.errors import DevCellError

MODELS_CACHE_SECONDS = 30.0
ERROR_BODY_CHARS = 300
EMPTY_ANSWER = (
    "The LLM server answered without any text. The prompt may be larger than the model's context: an "
    "administrator can compare llm_context_tokens in Settings with the context the model was started with."
)


class LLMError(DevCellError):
    status = 502
    code = "llm_bad_answer"


class LLMNotConfigured(LLMError):
    status = 503
    code = "llm_not_configured"


class LLMUnavailable(LLMError):
    status = 503
    code = "llm_unavailable"


class LLMTimeout(LLMError):
    status = 504
    code = "llm_timeout"


@dataclass(frozen=True)
class LLMConfig:
    base_url: str
    model: str
    api_key: str = ""
    connect_timeout: float = 5.0
    read_timeout: float = 120.0
    frequency_penalty: float = 0.0  # sent only when set: small models repeat themselves without it

    @property
    def key(self) -> tuple[str, str]:
        """What facts about the server are remembered by: the server and the model."""
        return (self.root, self.model)

    @property
    def configured(self) -> bool:
        return bool(self.base_url)

    @property
    def root(self) -> str:
        """The server root: the operations guide's examples also give `.../v1` or the full completions URL."""
        url = self.base_url.strip().rstrip("/")
        for suffix in ("/chat/completions", "/v1"):
            url = url.removesuffix(suffix)
        return url


@dataclass(frozen=True)
class Completion:
    """A model's answer and why it stopped: "stop" (done), "length" (cut at max_tokens or the context), or None
    when the server does not say."""

    text: str
    finish_reason: str | None = None

    @property
    def truncated(self) -> bool:
        return self.finish_reason == "length"


_models_cache: dict[tuple[str, str], tuple[float, list[str]]] = {}


def _client(config: LLMConfig) -> httpx.AsyncClient:
    headers = {"Authorization": f"Bearer {config.api_key}"} if config.api_key else {}
    timeout = httpx.Timeout(config.read_timeout, connect=config.connect_timeout)
    # trust_env=False: no proxy variables or .netrc; the admin's endpoint is the one outbound connection.
    return httpx.AsyncClient(base_url=config.root, headers=headers, timeout=timeout, trust_env=False)


def _require(config: LLMConfig) -> None:
    if not config.configured:
        raise LLMNotConfigured("No LLM is configured. An administrator can set one in Settings (llm_base_url).")


def _translate(exc: httpx.HTTPError, config: LLMConfig) -> LLMError:
    where = config.root
    if isinstance(exc, httpx.ConnectTimeout):
        return LLMUnavailable(f"The LLM server at {where} did not accept a connection within "
                              f"{config.connect_timeout:g} s.")  # fmt: skip
    if isinstance(exc, httpx.TimeoutException):
        return LLMTimeout(f"The LLM server at {where} did not answer within {config.read_timeout:g} s.")
    if isinstance(exc, httpx.ConnectError | httpx.RemoteProtocolError | httpx.NetworkError):
        return LLMUnavailable(f"The LLM server at {where} cannot be reached: {exc or type(exc).__name__}.")
    return LLMError(f"Talking to the LLM server at {where} failed: {exc or type(exc).__name__}.")


ErrorListener = Callable[[LLMConfig, str], object]
_error_listeners: list[ErrorListener] = []


def listen_to_errors(listener: ErrorListener) -> None:
    """Call `listener` with the text of every error answer a server gives (core.llm_server reads the model's
    context out of overflow errors: llama-cpp-python says it nowhere else). Registered once per listener."""
    if listener not in _error_listeners:
        _error_listeners.append(listener)


def _status_error(response: httpx.Response, body: bytes, config: LLMConfig) -> LLMError:
    whole = body.decode("utf-8", "replace")
    for listener in _error_listeners:
        listener(config, whole)
    text = whole.strip()[:ERROR_BODY_CHARS]
    return LLMError(
        f"The LLM server answered HTTP {response.status_code}" + (f": {text}" if text else "."),
        detail={"upstream_status": response.status_code},
    )


async def _send(client: httpx.AsyncClient, config: LLMConfig, request: httpx.Request, stream: bool) -> httpx.Response:
    """Send with one retry when the connection could not be made (nothing was sent yet, so it is safe)."""
    for attempt in (1, 2):
        try:
            return await client.send(request, stream=stream)
        except httpx.ConnectError as exc:
            if attempt == 2:
                raise _translate(exc, config) from None
        except httpx.HTTPError as exc:
            raise _translate(exc, config) from None
    raise AssertionError("unreachable")


def _body(
    config: LLMConfig, messages: list[dict[str, str]], stream: bool, max_tokens: int | None,
    response_format: dict[str, Any] | None,
) -> bytes:  # fmt: skip
    payload: dict[str, Any] = {"model": config.model, "messages": messages, "stream": stream, "temperature": 0.2}
    if max_tokens:
        payload["max_tokens"] = max_tokens
    if config.frequency_penalty:
        payload["frequency_penalty"] = config.frequency_penalty
    if response_format is not None:
        payload["response_format"] = response_format
    return orjson.dumps(payload)


def _finish_reason(choice: Any) -> str | None:
    reason = choice.get("finish_reason") if isinstance(choice, dict) else None
    return str(reason) if reason else None


def _completion(data: Any) -> Completion:
    try:
        choice = data["choices"][0]
        content = choice["message"]["content"]
    except (KeyError, IndexError, TypeError):
        raise LLMError("The LLM server's answer is not an OpenAI-style chat completion.") from None
    if content is None:
        content = ""
    if not isinstance(content, str):
        raise LLMError("The LLM server's answer has no text.")
    if not content.strip():
        raise LLMError(EMPTY_ANSWER)
    return Completion(content, _finish_reason(choice))


async def complete(
    config: LLMConfig, messages: list[dict[str, str]], max_tokens: int | None = None,
    response_format: dict[str, Any] | None = None,
) -> Completion:  # fmt: skip
    """One chat completion, all at once. An answer without text is an error (502), like a broken one."""
    _require(config)
    async with _client(config) as client:
        request = client.build_request(
            "POST", "/v1/chat/completions", content=_body(config, messages, False, max_tokens, response_format),
            headers={"Content-Type": "application/json"},
        )  # fmt: skip
        response = await _send(client, config, request, stream=False)
        try:
            body = await response.aread()
        except httpx.HTTPError as exc:
            raise _translate(exc, config) from None
        if response.status_code >= 400:
            raise _status_error(response, body, config)
        try:
            return _completion(orjson.loads(body))
        except orjson.JSONDecodeError:
            raise LLMError("The LLM server's answer is not valid JSON.") from None


def complete_sync(
    config: LLMConfig, messages: list[dict[str, str]], max_tokens: int | None = None,
    response_format: dict[str, Any] | None = None,
) -> Completion:  # fmt: skip
    """`complete` for sync code (services, jobs in worker threads); never call it on the event loop."""
    return asyncio.run(complete(config, messages, max_tokens, response_format))


@dataclass(frozen=True)
class _Chunk:
    text: str
    finish_reason: str | None


def _chunk(line: str) -> _Chunk | None:
    """One `data:` line of a streamed completion; None at the end marker."""
    payload = line[5:].strip()
    if payload == "[DONE]":
        return None
    try:
        choice = orjson.loads(payload)["choices"][0]
        piece = choice.get("delta", {}).get("content") or ""
    except (orjson.JSONDecodeError, KeyError, IndexError, TypeError, AttributeError):
        raise LLMError("The LLM server sent a streamed piece that is not valid JSON.") from None
    return _Chunk(str(piece), _finish_reason(choice))


class LLMStream:
    """A chat completion piece by piece (`async for piece in stream`); `finish_reason` once it has ended.

    Errors before the first piece and in the middle are raised alike. A stream that ends without any text, or
    without its end (neither `[DONE]` nor a finish reason), is an error too: llama.cpp servers answer an
    overflowing prompt with an empty 200 stream, and a cut connection must not pass for a whole answer."""

    def __init__(
        self, config: LLMConfig, messages: list[dict[str, str]], max_tokens: int | None,
        response_format: dict[str, Any] | None = None,
    ) -> None:  # fmt: skip
        self.finish_reason: str | None = None
        self._pieces = self._read(config, _body(config, messages, True, max_tokens, response_format))

    @property
    def truncated(self) -> bool:
        return self.finish_reason == "length"

    def __aiter__(self) -> AsyncIterator[str]:
        return self._pieces

    async def aclose(self) -> None:
        await self._pieces.aclose()

    async def _read(self, config: LLMConfig, body: bytes) -> AsyncGenerator[str, None]:
        _require(config)
        async with _client(config) as client:
            request = client.build_request(
                "POST", "/v1/chat/completions", content=body,
                headers={"Content-Type": "application/json", "Accept": "text/event-stream"},
            )  # fmt: skip
            response = await _send(client, config, request, stream=True)
            try:
                if response.status_code >= 400:
                    raise _status_error(response, await response.aread(), config)
                async for piece in self._lines(response):
                    yield piece
            except httpx.HTTPError as exc:
                raise _translate(exc, config) from None
            finally:
                await response.aclose()

    async def _lines(self, response: httpx.Response) -> AsyncIterator[str]:
        wrote = ended = False
        async for line in response.aiter_lines():
            if not line.startswith("data:"):
                continue
            chunk = _chunk(line)
            if chunk is None:
                ended = True
                break
            self.finish_reason = chunk.finish_reason or self.finish_reason
            if chunk.text:
                wrote = wrote or bool(chunk.text.strip())
                yield chunk.text
        if not wrote:
            raise LLMError(EMPTY_ANSWER)
        if not ended and self.finish_reason is None:
            raise LLMError("The LLM server's streamed answer stopped before its end; it may be incomplete.")


def stream(
    config: LLMConfig, messages: list[dict[str, str]], max_tokens: int | None = None,
    response_format: dict[str, Any] | None = None,
) -> LLMStream:  # fmt: skip
    """A chat completion piece by piece (see LLMStream)."""
    return LLMStream(config, messages, max_tokens, response_format)


async def models(config: LLMConfig, *, fresh: bool = False) -> list[str]:
    """The model names the server offers (`GET /v1/models`), cached for a short while."""
    _require(config)
    key = (config.root, config.api_key)
    cached = _models_cache.get(key)
    if cached and not fresh and time.monotonic() - cached[0] < MODELS_CACHE_SECONDS:
        return cached[1]
    async with _client(config) as client:
        response = await _send(client, config, client.build_request("GET", "/v1/models"), stream=False)
        body = await response.aread()
    if response.status_code >= 400:
        raise _status_error(response, body, config)
    try:
        names = [str(m["id"]) for m in orjson.loads(body)["data"]]
    except (orjson.JSONDecodeError, KeyError, TypeError):
        raise LLMError("The LLM server's model list (/v1/models) is not in the OpenAI format.") from None
    _models_cache[key] = (time.monotonic(), names)
    return names


def estimate_tokens(text: str) -> int:
    """A cheap upper-side estimate (about 4 characters per token for English; code and other scripts cost more)."""
    return len(text) // 3 + 1


def probe(config: LLMConfig) -> str | None:
    """Blocking reachability check for health checks: None when `/v1/models` answers, else the reason."""
    if not config.configured:
        return None
    key = (config.root, config.api_key)
    cached = _models_cache.get(key)
    if cached and time.monotonic() - cached[0] < MODELS_CACHE_SECONDS:
        return None
    headers = {"Authorization": f"Bearer {config.api_key}"} if config.api_key else {}
    timeout = httpx.Timeout(config.read_timeout, connect=config.connect_timeout)
    try:
        with httpx.Client(base_url=config.root, headers=headers, timeout=timeout, trust_env=False) as client:
            response = client.get("/v1/models")
    except httpx.HTTPError as exc:
        return _translate(exc, config).message
    if response.status_code >= 400:
        return _status_error(response, response.content, config).message
    return None
