"""Structured output: ask for JSON that follows a schema, in whatever form the server understands, and read the
answer leniently.

Servers differ in what they accept as `response_format`. vLLM, Ollama, LM Studio and llama.cpp's own server
take OpenAI's `json_schema`; llama-cpp-python rejects it (HTTP 500) but takes `json_object` with a `schema`
(which it turns into a grammar); some take only a bare `json_object`; some nothing at all. The first request
tries the strongest form and steps down on an answer that rejects the format; what worked is remembered per
server and model, so later requests go straight to it. Whatever the form, the prompt still describes the shape:
a server that ignores the format then still has a chance of answering in it.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import logging
import re
import threading
import time
from dataclasses import dataclass
from typing import Any

import orjson

from devcell.core import llm

log = logging.getLogger(__name__)

# The ways of asking, strongest first.
FORMATS = ("json_schema", "json_object+schema", "json_object", "none")
REMEMBER_SECONDS = 3600.0  # then probe again: the admin may have upgraded or swapped the server
# Statuses with which servers turn down a response_format they do not know (llama-cpp-python: 500). Not
# 401/403/404/429/503: those say nothing about the format, and the next form would fail the same way.
REJECTS_FORMAT = frozenset({400, 415, 422, 500, 501})
FENCED = re.compile(r"```[\w-]*[ \t]*\n(.*?)```", re.DOTALL)
MAX_STARTS = 25  # opening brackets tried; prose before the JSON rarely has more

_accepted: dict[tuple[str, str], tuple[float, int]] = {}
_lock = threading.Lock()


@dataclass(frozen=True)
class Structured:
    """The answer and the form of `response_format` that produced it."""

    completion: llm.Completion
    form: str


def response_format(form: str, schema: dict[str, Any]) -> dict[str, Any] | None:
    if form == "json_schema":
        return {"type": "json_schema", "json_schema": {"name": "answer", "strict": True, "schema": schema}}
    if form == "json_object+schema":
        return {"type": "json_object", "schema": schema}
    if form == "json_object":
        return {"type": "json_object"}
    return None


def remembered_form(config: llm.LLMConfig) -> str | None:
    """The form that last worked with this server and model (None: not known yet, or long ago)."""
    with _lock:
        known = _accepted.get(config.key)
    if known is None or time.monotonic() - known[0] > REMEMBER_SECONDS:
        return None
    return FORMATS[known[1]]


def forget(config: llm.LLMConfig | None = None) -> None:
    """Probe again next time (all servers when `config` is None): the settings changed."""
    with _lock:
        if config is None:
            _accepted.clear()
        else:
            _accepted.pop(config.key, None)


def _remember(config: llm.LLMConfig, index: int) -> None:
    with _lock:
        _accepted[config.key] = (time.monotonic(), index)


def _rejects_format(exc: llm.LLMError) -> bool:
    return isinstance(exc.detail, dict) and exc.detail.get("upstream_status") in REJECTS_FORMAT


async def complete_json(
    config: llm.LLMConfig, messages: list[dict[str, str]], schema: dict[str, Any], max_tokens: int
) -> Structured:
    """One completion asked for as JSON following `schema`, stepping down the forms the server rejects."""
    known = remembered_form(config)
    start = FORMATS.index(known) if known else 0
    # No repetition penalty on data: JSON repeats its keys and punctuation by nature.
    config = dataclasses.replace(config, frequency_penalty=0.0)
    for index in range(start, len(FORMATS)):
        form = FORMATS[index]
        try:
            completion = await llm.complete(config, messages, max_tokens, response_format(form, schema))
        except llm.LLMError as exc:
            if form == FORMATS[-1] or not _rejects_format(exc):
                raise
            log.info("the LLM server rejected response_format %s (%s); trying the next form", form, exc.message)
            continue
        if known != form:
            log.info("LLM %s at %s: structured output as %s", config.model, config.root, form)
        _remember(config, index)
        return Structured(completion, form)
    raise AssertionError("unreachable: the last form is always tried")


def complete_json_sync(
    config: llm.LLMConfig, messages: list[dict[str, str]], schema: dict[str, Any], max_tokens: int
) -> Structured:
    """`complete_json` for worker threads; never call it on the event loop."""
    return asyncio.run(complete_json(config, messages, schema, max_tokens))


class NotJSON(ValueError):
    """The text holds no JSON value of the kind wanted; the message says so in words for the user."""


def _first_value(text: str, opening: str) -> Any:
    """The first JSON value starting at an `opening` bracket, trying each in turn (prose may contain brackets).
    Raw control characters inside strings are accepted: small models write real newlines in strings."""
    decoder = json.JSONDecoder(strict=False)
    start = text.find(opening)
    for _ in range(MAX_STARTS):
        if start < 0:
            return None
        try:
            value, _end = decoder.raw_decode(text, start)
        except json.JSONDecodeError:
            start = text.find(opening, start + 1)
            continue
        return value
    return None


def decode_object(text: str) -> dict[str, Any]:
    """The answer's JSON object: inside a Markdown fence if there is one, else anywhere in the text."""
    for candidate in [*FENCED.findall(text), text]:
        value = _first_value(candidate, "{")
        if isinstance(value, dict):
            return value
    raise NotJSON("the answer contains no JSON object")


def schema_text(schema: dict[str, Any]) -> str:
    """The schema as compact JSON, for prompts (the rules restated to a model that did not follow them)."""
    return orjson.dumps(schema).decode()
