"""HTTP route of the code review: synchronous, one completion (plus one repair round) bounded by the read timeout."""

from __future__ import annotations

from starlette.responses import Response

from devcell.assistant.review import service
from devcell.assistant.review.schemas import ReviewIn, ReviewOut
from devcell.core import llm
from devcell.core.auth import Access
from devcell.core.web import ApiRoute, Call, json

NO_LLM = "No LLM is configured. An administrator can set one in Settings → LLM."


async def review(call: Call) -> Response:
    """Review code or a unified diff: summary, issues by severity with line references, suggestions; 413 when
    the code does not fit the model's context."""
    data = await call.body(ReviewIn)
    config = call.state.settings.llm_config()
    if not config.configured:
        raise llm.LLMNotConfigured(NO_LLM)
    context_tokens = call.state.settings.get_int("llm_context_tokens")
    out = await call.run(service.review, call.state.knowledge, call.user, data, config, context_tokens)
    return json(out)


ROUTES = [ApiRoute("POST", "/api/review", review, access=Access.USER, body=ReviewIn, response=ReviewOut)]
