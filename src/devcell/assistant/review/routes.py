"""HTTP route of the code review: synchronous, one completion (plus one repair round) bounded by the read timeout."""

from __future__ import annotations

from devcell.assistant.review import service
from devcell.assistant.review.schemas import ReviewIn, ReviewOut
from devcell.core import llm
from devcell.core.auth import Access
from devcell.core.web import ApiRoute, Call
from devcell.search.service import KNOWLEDGE
from devcell.settings.service import SETTINGS_STORE

NO_LLM = "No LLM is configured. An administrator can set one in Settings → LLM."


async def review(call: Call, body: ReviewIn) -> ReviewOut:
    """Review code or a unified diff: summary, issues by severity with line references, suggestions; 413 when
    the code does not fit the model's context."""
    settings = call.state.need(SETTINGS_STORE)
    config = settings.llm_config()
    if not config.configured:
        raise llm.LLMNotConfigured(NO_LLM)
    context_tokens = settings.context_tokens()
    return await call.run(service.review, call.state.need(KNOWLEDGE), call.user, body, config, context_tokens)


ROUTES = [ApiRoute("POST", "/api/review", review, access=Access.USER, body=ReviewIn, response=ReviewOut)]
