"""What the configured LLM server says about its models: their names and the context each runs with.

An OpenAI-compatible server has no standard way to say its context size, so each kind is asked its own way, all
at once, best effort (a short timeout; a refusal, an unknown path, a body that is not JSON or not the expected
shape all mean "does not say"):

- llama.cpp server: `GET /props` -> `default_generation_settings.n_ctx` (the context of one slot), else `n_ctx`.
- Ollama: `POST /api/show {"model": name}` -> `num_ctx` in `parameters` (what Ollama runs the model with), else
  `model_info["<arch>.context_length"]` (what the model was trained for).
- vLLM: `GET /v1/models` -> `data[].max_model_len`.
- LM Studio: `GET /api/v0/models` -> `data[].loaded_context_length` (loaded), else `max_context_length`.
- llama-cpp-python's server (0.3.x) says nothing before a request overflows; its error then reads "This model's
  maximum context length is N tokens", which `learn_from_error` understands (as it does vLLM's and llama.cpp's).

Facts are kept per server root and model (`LLMConfig.key`). `known_context` only reads what is kept (request paths
call it; it never touches the network); `discover` asks the server again when what is kept is older than
`REFRESH_SECONDS`. A context stays known for `CONTEXT_TTL_SECONDS` after the server last said it, so a server
that is briefly down does not make budgets jump back to the setting.
"""

from __future__ import annotations

import asyncio
import dataclasses
import re
import threading
import time
from dataclasses import dataclass, field
from typing import Any

import httpx
import orjson

from devcell.core.llm import LLMConfig

PROBE_SECONDS = 3.0  # per request; the probes run side by side
REFRESH_SECONDS = 60.0
CONTEXT_TTL_SECONDS = 600.0
MAX_BODY_BYTES = 1_000_000  # an Ollama /api/show answer carries the template and license; more is not a probe answer

LLAMA_CPP = "llama.cpp /props"
OLLAMA_NUM_CTX = "Ollama /api/show (num_ctx)"
OLLAMA_TRAINED = "Ollama /api/show (the model's context_length)"
VLLM = "vLLM /v1/models (max_model_len)"
LM_STUDIO_LOADED = "LM Studio /api/v0/models (loaded_context_length)"
LM_STUDIO_MAX = "LM Studio /api/v0/models (max_context_length)"
ERROR_MESSAGE = "the server's context-overflow error"


@dataclass(frozen=True)
class ServerFacts:
    """What one discovery found. `models`: the names `/v1/models` lists (empty when it did not answer, then `error`
    says why); `contexts`: per model where the server says; `context`/`source`: the configured model's context and
    which API said it (None: the server does not say)."""

    root: str
    model: str
    models: list[str] = field(default_factory=list)
    contexts: dict[str, int] = field(default_factory=dict)
    context: int | None = None
    source: str | None = None
    error: str | None = None
    checked_at: float = 0.0


@dataclass(frozen=True)
class _Said:
    context: int
    source: str
    at: float


_facts: dict[tuple[str, str], ServerFacts] = {}
_contexts: dict[tuple[str, str], _Said] = {}
_lock = threading.Lock()


def known_context(config: LLMConfig) -> int | None:
    """The configured model's context as its server last said it (within the TTL); None when unknown. No I/O."""
    said = _said(config)
    return said.context if said else None


def known_source(config: LLMConfig) -> str | None:
    """Which API said the known context (for messages), None when unknown."""
    said = _said(config)
    return said.source if said else None


def _said(config: LLMConfig) -> _Said | None:
    if not config.configured:
        return None
    with _lock:
        said = _contexts.get(config.key)
    if said is None or time.monotonic() - said.at > CONTEXT_TTL_SECONDS:
        return None
    return said


def forget() -> None:
    """Drop everything kept (tests; a changed server is picked up by the refresh anyway)."""
    with _lock:
        _facts.clear()
        _contexts.clear()


def remember(config: LLMConfig, context: int, source: str) -> None:
    with _lock:
        _contexts[config.key] = _Said(context, source, time.monotonic())


_OVERFLOW_PATTERNS = (
    re.compile(r"maximum context length is (\d+) tokens"),  # llama-cpp-python, vLLM, OpenAI
    re.compile(r"exceed context window of (\d+)"),  # llama-cpp-python's raw message
    re.compile(r'"n_ctx"\s*:\s*(\d+)'),  # llama.cpp server's exceed_context_size_error
)


def learn_from_error(config: LLMConfig, text: str) -> int | None:
    """Read the context out of a server's context-overflow error and remember it; None when the text has none."""
    for pattern in _OVERFLOW_PATTERNS:
        match = pattern.search(text)
        if match and (context := _positive(match.group(1))):
            remember(config, context, ERROR_MESSAGE)
            return context
    return None


async def discover(config: LLMConfig, *, fresh: bool = False) -> ServerFacts:
    """Ask the server (unless it was asked less than REFRESH_SECONDS ago and `fresh` is False). Never raises."""
    if not config.configured:
        return ServerFacts(root="", model=config.model, error="No LLM is configured.")
    with _lock:
        kept = _facts.get(config.key)
        if kept is not None and not fresh and time.monotonic() - kept.checked_at < REFRESH_SECONDS:
            return kept
        if kept is not None:  # callers meanwhile (every top bar polls the status) take what is kept, not ask too
            _facts[config.key] = dataclasses.replace(kept, checked_at=time.monotonic())
    try:
        facts = await _ask(config)
    except Exception as exc:  # best effort: a probe's surprise must not break a status page
        facts = ServerFacts(config.root, config.model, error=f"Discovery failed: {exc or type(exc).__name__}.")
    with _lock:
        _facts[config.key] = facts
        if facts.context is not None and facts.source is not None:
            _contexts[config.key] = _Said(facts.context, facts.source, facts.checked_at)
        elif facts.error is None:
            _contexts.pop(config.key, None)  # the server answers and no longer says: forget what it said
    return facts


def discover_sync(config: LLMConfig, *, fresh: bool = False) -> ServerFacts:
    """`discover` for sync code (health checks in worker threads); never call it on the event loop."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(discover(config, fresh=fresh))
    with _lock:  # called on the event loop after all: keep to what is known rather than block it
        kept = _facts.get(config.key)
    return kept or ServerFacts(config.root, config.model, error="Discovery cannot run on the event loop.")


def _client(config: LLMConfig) -> httpx.AsyncClient:
    headers = {"Authorization": f"Bearer {config.api_key}"} if config.api_key else {}
    timeout = httpx.Timeout(min(config.read_timeout, PROBE_SECONDS), connect=min(config.connect_timeout, PROBE_SECONDS))
    # trust_env=False as in core/llm.py: no proxy variables or .netrc, only the admin's endpoint.
    return httpx.AsyncClient(base_url=config.root, headers=headers, timeout=timeout, trust_env=False)


async def _ask(config: LLMConfig) -> ServerFacts:
    async with _client(config) as client:
        listing, props, lmstudio, show = await asyncio.gather(
            _json(client, "GET", "/v1/models"),
            _json(client, "GET", "/props", params={"model": config.model} if config.model else None),
            _json(client, "GET", "/api/v0/models"),
            _json(client, "POST", "/api/show", body={"model": config.model}) if config.model else _nothing(),
        )
    models, contexts, error = _openai_list(listing)
    found: list[tuple[int | None, str]] = []  # the configured model's context by source, best first
    props_context = _props_context(props.data)
    found.append((props_context, LLAMA_CPP))
    ollama_num_ctx, ollama_trained = _ollama_context(show.data)
    found.append((ollama_num_ctx, OLLAMA_NUM_CTX))
    loaded, maximum = _lmstudio_contexts(lmstudio.data)
    found.append((loaded.get(config.model), LM_STUDIO_LOADED))
    found.append((contexts.get(config.model), VLLM))
    found.append((maximum.get(config.model), LM_STUDIO_MAX))
    found.append((ollama_trained, OLLAMA_TRAINED))
    for name, value in {**maximum, **loaded}.items():
        contexts.setdefault(name, value)
    if props_context and len(models) == 1:
        contexts[models[0]] = props_context  # llama.cpp serves one model, whatever the request names
    context, source = next(((c, s) for c, s in found if c), (None, None))
    if context and config.model:
        contexts[config.model] = context
    return ServerFacts(config.root, config.model, models, contexts, context, source, error, time.monotonic())


@dataclass(frozen=True)
class _Answer:
    data: Any = None  # the parsed JSON, None when there is none
    problem: str | None = None  # why not, for the model list's error


async def _nothing() -> _Answer:
    return _Answer()


async def _json(
    client: httpx.AsyncClient, method: str, path: str, *, params: dict[str, str] | None = None,
    body: dict[str, str] | None = None,
) -> _Answer:  # fmt: skip
    try:
        request = client.build_request(method, path, params=params, content=orjson.dumps(body) if body else None,
                                       headers={"Content-Type": "application/json"} if body else None)  # fmt: skip
        response = await client.send(request, stream=True)
        try:
            if response.status_code >= 400:
                return _Answer(problem=f"HTTP {response.status_code}")
            raw = await _read_capped(response)
        finally:
            await response.aclose()
    except httpx.TimeoutException:
        return _Answer(problem="no answer in time")
    except httpx.HTTPError as exc:
        return _Answer(problem=f"cannot be reached ({exc or type(exc).__name__})")
    if raw is None:
        return _Answer(problem="the answer is too large")
    try:
        return _Answer(orjson.loads(raw))
    except orjson.JSONDecodeError:
        return _Answer(problem="the answer is not JSON")


async def _read_capped(response: httpx.Response) -> bytes | None:
    chunks: list[bytes] = []
    size = 0
    async for chunk in response.aiter_bytes():
        size += len(chunk)
        if size > MAX_BODY_BYTES:
            return None
        chunks.append(chunk)
    return b"".join(chunks)


def _positive(value: Any) -> int | None:
    """A context size from JSON: a positive whole number (bools and fractions are not)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return value if isinstance(value, int) and 0 < value < 100_000_000 else None


def _entries(data: Any) -> list[dict[str, Any]]:
    items = data.get("data") if isinstance(data, dict) else None
    return [item for item in items if isinstance(item, dict)] if isinstance(items, list) else []


def _openai_list(answer: _Answer) -> tuple[list[str], dict[str, int], str | None]:
    """Names and vLLM's max_model_len from `/v1/models`, or why the list could not be read."""
    if answer.problem:
        return [], {}, f"/v1/models: {answer.problem}."
    entries = _entries(answer.data)
    names = [str(item["id"]) for item in entries if isinstance(item.get("id"), str | int)]
    if not names and not (isinstance(answer.data, dict) and isinstance(answer.data.get("data"), list)):
        return [], {}, "/v1/models: the answer is not an OpenAI model list."
    contexts = {str(item["id"]): n for item in entries if "id" in item and (n := _positive(item.get("max_model_len")))}
    return names, contexts, None


def _props_context(data: Any) -> int | None:
    if not isinstance(data, dict):
        return None
    settings = data.get("default_generation_settings")
    if isinstance(settings, dict) and (n := _positive(settings.get("n_ctx"))):
        return n
    return _positive(data.get("n_ctx"))


_NUM_CTX = re.compile(r"^\s*num_ctx\s+(\d+)\s*$", re.MULTILINE)


def _ollama_context(data: Any) -> tuple[int | None, int | None]:
    """(num_ctx from the model's parameters, the context length the model was trained for)."""
    if not isinstance(data, dict):
        return None, None
    parameters = data.get("parameters")
    match = _NUM_CTX.search(parameters) if isinstance(parameters, str) else None
    num_ctx = _positive(match.group(1)) if match else None
    info = data.get("model_info")
    trained = None
    if isinstance(info, dict):
        arch = info.get("general.architecture")
        keys = [f"{arch}.context_length"] if isinstance(arch, str) else []
        keys += [k for k in info if isinstance(k, str) and k.endswith(".context_length")]
        trained = next((n for k in keys if (n := _positive(info.get(k)))), None)
    return num_ctx, trained


def _lmstudio_contexts(data: Any) -> tuple[dict[str, int], dict[str, int]]:
    """(loaded_context_length, max_context_length) per model id."""
    loaded: dict[str, int] = {}
    maximum: dict[str, int] = {}
    for item in _entries(data):
        name = item.get("id")
        if not isinstance(name, str):
            continue
        if n := _positive(item.get("loaded_context_length")):
            loaded[name] = n
        if n := _positive(item.get("max_context_length")):
            maximum[name] = n
    return loaded, maximum
