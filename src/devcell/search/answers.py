"""Cited answers: retrieval, then the LLM (or, without one, the best passages labelled as extracts)."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

import orjson

from devcell.core import llm
from devcell.core.events import frame
from devcell.search import _retrieval
from devcell.search.runtime import Knowledge
from devcell.search.schemas import AskIn, AskOut, Citation
from devcell.settings.service import SettingsStore

if TYPE_CHECKING:
    from devcell.core.auth import Principal

TOP_K = 5
EXTRACTS_NOTE = "Extracts: the best matching passages from the knowledgebase, not a generated answer."
NO_LLM_NOTE = "No LLM is configured, so these are extracts: the best matching passages, not a generated answer."
NOTHING_FOUND = "Nothing in the knowledgebase you can see matches this question."


def llm_config(settings: SettingsStore) -> llm.LLMConfig:
    return settings.llm_config()


@dataclass(frozen=True)
class Sources:
    """The numbered sources for a question; `degraded`: they come from the keyword index (see SearchOut)."""

    citations: list[Citation]
    degraded: bool


def gather(kn: Knowledge, principal: Principal, data: AskIn) -> Sources:
    """The numbered sources for a question (blocking: embedding and search; run it in a thread)."""
    found = _retrieval.search(kn, principal, data.question, TOP_K, data.project)
    return Sources(_retrieval.citations(found.items), found.degraded)


def extracts(data: AskIn, sources: Sources, configured: bool) -> AskOut:
    cited = sources.citations
    note = NOTHING_FOUND if not cited else (EXTRACTS_NOTE if configured else NO_LLM_NOTE)
    return AskOut(
        question=data.question, mode="extracts", answer=None, note=note, citations=cited, degraded=sources.degraded
    )


def wants_llm(data: AskIn, config: llm.LLMConfig, cited: list[Citation]) -> bool:
    return data.use_llm and config.configured and bool(cited)


def _trace(kn: Knowledge, principal: Principal, data: AskIn, used: list[Citation], started: float, chars: int) -> None:
    kn.rag_log.info(
        orjson.dumps({
            "event": "answer", "user_id": principal.user_id, "question": data.question[:500],
            "chunks": [c.chunk_id for c in used], "answer_chars": chars,
            "ms": round((time.perf_counter() - started) * 1000, 1),
        }).decode()
    )  # fmt: skip


async def answer(
    kn: Knowledge, principal: Principal, data: AskIn, config: llm.LLMConfig, sources: Sources, budget: int
) -> AskOut:
    started = time.perf_counter()
    messages, used = _retrieval.prompt(data.question, sources.citations, budget)
    text = await llm.complete(config, messages)  # errors are 502/503/504, never answer text (upstream B10)
    _trace(kn, principal, data, used, started, len(text))
    note = f"Answered by {config.model or 'the LLM'} from {len(used)} source(s)."
    return AskOut(question=data.question, mode="llm", answer=text, note=note, citations=used, degraded=sources.degraded)


async def stream_answer(
    kn: Knowledge, principal: Principal, data: AskIn, config: llm.LLMConfig, sources: Sources, budget: int
) -> AsyncIterator[bytes]:
    """SSE: `citations` first (an AskOut without the answer, with `degraded`), then `token` pieces, then `done`
    (or `error` with a code and message)."""
    started = time.perf_counter()
    if not wants_llm(data, config, sources.citations):
        out = extracts(data, sources, config.configured)
        yield frame("citations", out.model_dump(mode="json"))
        yield frame("done", {"mode": "extracts", "answer": None})
        return
    messages, used = _retrieval.prompt(data.question, sources.citations, budget)
    head = AskOut(question=data.question, mode="llm", answer=None, note="", citations=used, degraded=sources.degraded)
    yield frame("citations", head.model_dump(mode="json"))
    parts: list[str] = []
    try:
        async for piece in llm.stream(config, messages):
            parts.append(piece)
            yield frame("token", {"text": piece})
    except llm.LLMError as exc:
        yield frame("error", {"code": exc.code, "message": exc.message, "status": exc.status})
        return
    _trace(kn, principal, data, used, started, sum(len(p) for p in parts))
    yield frame("done", {"mode": "llm", "answer": "".join(parts)})
