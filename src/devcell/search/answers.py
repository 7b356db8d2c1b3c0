"""Cited answers: retrieval, then the LLM (or, without one, the best passages labelled as extracts)."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

import orjson

from devcell.core import citations, llm
from devcell.core.events import frame
from devcell.core.prompts import reply_limit
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
TRUNCATED_NOTE = "The answer was cut off: the model reached its length limit before it finished."


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
    return Sources(_retrieval.citations(kn, found.items), found.degraded)


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


def checked(text: str, sent: list[Citation], truncated: bool) -> tuple[list[Citation], list[str]]:
    """The sources the answer cites (only those), and warnings for the reader: an answer cut off at its token
    limit, one that cites none of its sources, or cites sources that were never given."""
    warnings = [TRUNCATED_NOTE] if truncated else []
    problems = citations.problems(text, len(sent))
    if problems:
        warnings.append(f"Check this answer against the knowledgebase: {'; '.join(problems)}.")
    return citations.only_cited(text, sent), warnings


async def answer(
    kn: Knowledge, principal: Principal, data: AskIn, config: llm.LLMConfig, sources: Sources, context_tokens: int
) -> AskOut:
    started = time.perf_counter()
    messages, used = _retrieval.prompt(data.question, sources.citations, context_tokens)
    limit = reply_limit(context_tokens, messages, _retrieval.answer_tokens(context_tokens))
    reply = await llm.complete(config, messages, limit)  # errors are 502/503/504, never answer text (upstream B10)
    _trace(kn, principal, data, used, started, len(reply.text))
    cited, warnings = checked(reply.text, used, reply.truncated)
    note = f"Answered by {config.model or 'the LLM'} from {len(used)} source(s)."
    return AskOut(
        question=data.question, mode="llm", answer=reply.text, note=note, citations=cited, degraded=sources.degraded,
        truncated=reply.truncated, warnings=warnings,
    )  # fmt: skip


async def stream_answer(
    kn: Knowledge, principal: Principal, data: AskIn, config: llm.LLMConfig, sources: Sources, context_tokens: int
) -> AsyncIterator[bytes]:
    """SSE: `citations` first (an AskOut without the answer, with the sources sent to the model and `degraded`),
    then `token` pieces, then `done` with the answer, the sources it cites, `truncated` and `warnings` (or
    `error` with a code and message)."""
    started = time.perf_counter()
    if not wants_llm(data, config, sources.citations):
        out = extracts(data, sources, config.configured)
        yield frame("citations", out.model_dump(mode="json"))
        yield frame("done", {"mode": "extracts", "answer": None, "citations": out.model_dump(mode="json")["citations"],
                             "truncated": False, "warnings": []})  # fmt: skip
        return
    messages, used = _retrieval.prompt(data.question, sources.citations, context_tokens)
    head = AskOut(question=data.question, mode="llm", answer=None, note="", citations=used, degraded=sources.degraded)
    yield frame("citations", head.model_dump(mode="json"))
    parts: list[str] = []
    reply = llm.stream(
        config, messages, reply_limit(context_tokens, messages, _retrieval.answer_tokens(context_tokens))
    )
    try:
        async for piece in reply:
            parts.append(piece)
            yield frame("token", {"text": piece})
    except llm.LLMError as exc:
        yield frame("error", {"code": exc.code, "message": exc.message, "status": exc.status})
        return
    text = "".join(parts)
    _trace(kn, principal, data, used, started, len(text))
    cited, warnings = checked(text, used, reply.truncated)
    yield frame("done", {"mode": "llm", "answer": text, "citations": [c.model_dump(mode="json") for c in cited],
                         "truncated": reply.truncated, "warnings": warnings})  # fmt: skip
