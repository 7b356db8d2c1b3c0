"""HTTP routes of the chat: personas, and a reply (SSE by default). Nothing is stored on the server."""

from __future__ import annotations

from collections.abc import AsyncIterator

from starlette.responses import Response

from devcell.chat import service
from devcell.chat.schemas import ChatIn, ChatOut, PersonaList
from devcell.core import llm
from devcell.core.events import frame, sse_response
from devcell.core.web import Access, ApiRoute, Call, json
from devcell.knowledge import answers
from devcell.knowledge.schemas import AskIn, Citation


async def list_personas(call: Call) -> Response:
    """The chat personas and what they are for."""
    return json(PersonaList(items=service.personas()))


async def _events(config: llm.LLMConfig, prompt: service.Prompt, persona: str) -> AsyncIterator[bytes]:
    yield frame("sources", {"persona": persona, "sources": [s.model_dump(mode="json") for s in prompt.sources],
                            "trimmed": prompt.trimmed})  # fmt: skip
    parts: list[str] = []
    try:
        async for piece in llm.stream(config, prompt.messages):
            parts.append(piece)
            yield frame("token", {"text": piece})
    except llm.LLMError as exc:
        yield frame("error", {"code": exc.code, "message": exc.message, "status": exc.status})
        return
    yield frame("done", {"reply": "".join(parts)})


async def chat(call: Call) -> Response:
    """Reply to the conversation the client sends (trimmed to the token budget), with an optional knowledge
    search; streamed as server-sent events `sources`, `token`..., `done` (or `error`). Stop by closing it."""
    data = await call.body(ChatIn)
    config = answers.llm_config(call.state.settings)
    if not config.configured:
        raise llm.LLMNotConfigured("No LLM is configured. An administrator can set one in Settings (llm_base_url).")
    sources: list[Citation] = []
    if data.use_knowledge:
        question = AskIn(question=data.messages[-1].content[:2000])
        sources = await call.run(answers.gather, call.state.knowledge, call.user, question)
    prompt = service.build(data, sources, call.state.settings.get_int("llm_context_tokens"))
    if data.stream:
        return sse_response(_events(config, prompt, data.persona))
    reply = await llm.complete(config, prompt.messages)
    return json(ChatOut(reply=reply, persona=data.persona, sources=prompt.sources, trimmed=prompt.trimmed))


ROUTES = [
    ApiRoute("GET", "/api/chat/personas", list_personas, access=Access.USER, response=PersonaList),
    ApiRoute("POST", "/api/chat", chat, access=Access.USER, body=ChatIn, response=ChatOut),
]
