"""HTTP routes of the search slice: search, cited answers, one cited passage, the index's status and the rescan."""

from __future__ import annotations

from starlette.responses import Response

from devcell.core.auth import Access
from devcell.core.events import sse_response
from devcell.core.web import ApiRoute, Call
from devcell.search import _retrieval, answers, indexing, service
from devcell.search.runtime import KNOWLEDGE, Knowledge
from devcell.search.schemas import (
    AskIn,
    AskOut,
    PassageOut,
    ScanOut,
    SearchOut,
    SearchQuery,
    StatusOut,
)
from devcell.settings.service import SETTINGS_STORE


def _kn(call: Call) -> Knowledge:
    return call.state.need(KNOWLEDGE)


async def search(call: Call, query: SearchQuery) -> SearchOut:
    """Passages that match a question, one per document, best first, from documents I can see."""
    return await call.run(_retrieval.search, _kn(call), call.user, query.q, query.limit, query.project)


async def ask(call: Call, body: AskIn) -> Response | AskOut:
    """Answer a question from the knowledgebase with numbered citations (SSE with `stream`); without an LLM,
    or with use_llm=false, the best passages labelled as extracts."""
    kn = _kn(call)
    settings = call.state.need(SETTINGS_STORE)
    config = answers.llm_config(settings)
    sources = await call.run(answers.gather, kn, call.user, body)
    budget = settings.context_tokens()
    if body.stream:
        return sse_response(answers.stream_answer(kn, call.user, body, config, sources, budget))
    if not answers.wants_llm(body, config, sources.citations):
        return answers.extracts(body, sources, config.configured)
    return await answers.answer(kn, call.user, body, config, sources, budget)


async def passage(call: Call) -> PassageOut:
    """One passage (a citation's chunk_id) of a document I can see, to show it in its document."""
    return await call.run(service.passage, call.user, call.path_int("chunk_id"))


async def knowledge_status(call: Call) -> StatusOut:
    """Documents by status, passages, vectors, the model, and whether index and database agree. The counts are
    of the documents I may see; only administrators get the totals and the vector count."""
    return await call.run(service.status, _kn(call), call.user)


async def rescan(call: Call) -> ScanOut:
    """Scan the knowledgebase directory now: new and changed files are indexed, removed ones dropped."""
    return await call.run(indexing.scan, _kn(call))


U = Access.USER
ROUTES = [
    ApiRoute("GET", "/api/search", search, access=U, query=SearchQuery, response=SearchOut),
    ApiRoute("POST", "/api/ask", ask, access=U, body=AskIn, response=AskOut),
    ApiRoute("GET", "/api/knowledge/passages/{chunk_id:int}", passage, access=U, response=PassageOut),
    ApiRoute("GET", "/api/knowledge/status", knowledge_status, access=U, response=StatusOut),
    ApiRoute("POST", "/api/knowledge/rescan", rescan, access=Access.ADMIN, response=ScanOut),
]
