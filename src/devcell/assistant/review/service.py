"""Code review: the code numbered and bounded by the context budget, optional knowledgebase passages, one
completion asked for as JSON following a bounded schema (core.structured), validated (one repair round that
restates what was wrong and the schema), rendered as Markdown."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from devcell import prompt_texts
from devcell.assistant.review import _answer, _code
from devcell.assistant.review.errors import ReviewBadAnswer, ReviewTooLarge
from devcell.assistant.review.schemas import Answer, ReviewIn, ReviewOut
from devcell.core import llm, structured
from devcell.core.citations import only_cited
from devcell.core.llm import estimate_tokens
from devcell.core.prompts import fit, input_budget, reply_limit
from devcell.search import service as search
from devcell.search.schemas import Citation
from devcell.search.service import Knowledge

if TYPE_CHECKING:
    from devcell.core.auth import Principal

log = logging.getLogger(__name__)

KNOWLEDGE_PASSAGES = 4
KNOWLEDGE_QUERY_CHARS = 1500
FOCUS = prompt_texts.REVIEW_FOCUS
SYSTEM = prompt_texts.REVIEW_SYSTEM
REPAIR = prompt_texts.JSON_REPAIR


def reply_tokens(context_tokens: int) -> int:
    """Room kept for the answer: a third of the context, between 300 and 2,000 tokens."""
    return max(300, min(2000, context_tokens // 3))


def _header(data: ReviewIn, code: _code.NumberedCode) -> str:
    language = data.language or (f"{code.language} (detected)" if code.language else "not given; tell from the code")
    kind = "a unified diff; the numbers are the new file's lines" if code.diff else "numbered lines"
    parts = [f"Language: {language}", f"Focus: {FOCUS[data.focus]}"]
    if data.description:
        parts.append(f"The author's description:\n{data.description}")
    parts.append(f"The code ({kind}):")
    return "\n".join(parts)


def _passage(citation: Citation) -> str:
    where = " — ".join(x for x in (citation.document_title, citation.heading) if x)
    return f"[{citation.number}] {where}\n{citation.text}"


def _sources(
    kn: Knowledge, principal: Principal, data: ReviewIn, budget: int
) -> tuple[list[Citation], str, str | None]:
    """Passages that match the description and the start of the code, as many as fit; renumbered 1..n."""
    query = f"{data.description}\n{data.code[:KNOWLEDGE_QUERY_CHARS]}".strip()
    found = search.citations(kn, search.search(kn, principal, query, KNOWLEDGE_PASSAGES).items)
    fitted = fit(found, _passage, budget, "knowledgebase passages")
    kept = [c.model_copy(update={"number": n}) for n, c in enumerate(fitted.kept, start=1)]
    return kept, "\n\n".join(_passage(c) for c in kept), fitted.note


def _messages(header: str, code: str, passages: str, note: str | None) -> list[dict[str, str]]:
    user = f"{header}\n```\n{code}\n```"
    if passages:
        user += f"\n\nPassages from the team's knowledgebase:\n\n{passages}"
    if note:
        user += f"\n\n({note})"
    return [{"role": "system", "content": SYSTEM}, {"role": "user", "content": user}]


def _repair(messages: list[dict[str, str]], error: str, schema: dict[str, Any]) -> list[dict[str, str]]:
    """The first prompt again, with what was wrong and the schema restated. Never the rejected answer: a small
    model shown its own answer copies it."""
    system, user = messages
    note = REPAIR.format(error=error, schema=structured.schema_text(schema))
    return [system, {"role": "user", "content": f"{user['content']}\n\n{note}"}]


def _ask(config: llm.LLMConfig, messages: list[dict[str, str]], context_tokens: int) -> Answer:
    reply = reply_tokens(context_tokens)
    schema = _answer.schema(reply)
    first = structured.complete_json_sync(config, messages, schema, reply_limit(context_tokens, messages, reply))
    try:
        return _answer.parse(first.completion.text)
    except _answer.AnswerInvalid as exc:
        error = _answer.reason(exc, first.completion)
        log.info("review answer rejected, asking once more: %s", error)
    again = _repair(messages, error, schema)
    second = structured.complete_json_sync(config, again, schema, reply_limit(context_tokens, again, reply))
    try:
        return _answer.parse(second.completion.text)
    except _answer.AnswerInvalid as exc:
        raise ReviewBadAnswer(_answer.reason(exc, second.completion)) from None


def review(
    kn: Knowledge, principal: Principal, data: ReviewIn, config: llm.LLMConfig, context_tokens: int
) -> ReviewOut:
    """Blocking (retrieval and up to two completions): run it in a worker thread."""
    code = _code.number(data.code, data.language)
    header = _header(data, code)
    reply = reply_tokens(context_tokens)
    # The repair round adds what was wrong and the schema: room for it is kept from the start.
    repair = REPAIR.format(error="x" * 300, schema=structured.schema_text(_answer.schema(reply)))
    budget = input_budget(context_tokens, SYSTEM, header, repair, reserve=reply)
    code_tokens = estimate_tokens(code.text) + 4  # + the fence
    if code_tokens > budget:
        raise ReviewTooLarge(code_tokens, code.line_count, budget, context_tokens)
    sources: list[Citation] = []
    passages, note = "", None
    if data.use_knowledge:
        sources, passages, note = _sources(kn, principal, data, budget - code_tokens - 30)
    answer = _ask(config, _messages(header, code.text, passages, note), context_tokens)
    issues = _answer.checked_issues(answer.issues, code.lines)
    markdown = _answer.markdown(answer.summary, issues, answer.suggestions)
    return ReviewOut(
        summary=answer.summary, issues=issues, suggestions=answer.suggestions, markdown=markdown,
        language=data.language or code.language or "unknown", focus=data.focus, diff=code.diff,
        sources=only_cited(markdown, sources), omitted=note, model=config.model,
    )  # fmt: skip
