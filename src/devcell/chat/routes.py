"""HTTP routes of the chat: personas, a reply (SSE by default), and the per-user history that exists only while
the admin keeps one (chat_retention_days > 0; with 0 nothing is stored)."""

from __future__ import annotations

import threading
from collections.abc import AsyncIterator

from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from devcell.chat import service
from devcell.chat.schemas import (
    ChatIn,
    ChatOut,
    ConversationDetail,
    ConversationPage,
    ConversationQuery,
    PersonaList,
)
from devcell.core import llm
from devcell.core.auth import Access
from devcell.core.events import frame, sse_response
from devcell.core.web import ApiRoute, Call
from devcell.search import service as search
from devcell.search.schemas import AskIn, Citation
from devcell.search.service import KNOWLEDGE
from devcell.settings.service import SETTINGS_STORE


async def list_personas(call: Call) -> PersonaList:
    """The chat personas and what they are for."""
    return PersonaList(items=service.personas())


def _retention(call: Call) -> int:
    return call.state.need(SETTINGS_STORE).get_int("chat_retention_days")


async def _events(
    config: llm.LLMConfig, prompt: service.Prompt, data: ChatIn, stored: int | None, days: int, degraded: bool
) -> AsyncIterator[bytes]:
    yield frame("sources", {"persona": data.persona, "sources": [s.model_dump(mode="json") for s in prompt.sources],
                            "trimmed": prompt.trimmed, "conversation_id": stored, "degraded": degraded})  # fmt: skip
    parts: list[str] = []
    reply = llm.stream(config, prompt.messages, prompt.max_tokens)
    try:
        async for piece in reply:
            parts.append(piece)
            yield frame("token", {"text": piece})
    except llm.LLMError as exc:
        if stored is not None and parts:
            text = "".join(parts)
            await run_in_threadpool(service.finish_exchange, stored, text, prompt.cited(text), True, days)
        yield frame("error", {"code": exc.code, "message": exc.message, "status": exc.status})
        return
    except BaseException:
        # Stop: the client closed the stream, so this generator is being cancelled and must not await. The reply
        # so far is kept, marked as stopped, by a thread of its own.
        if stored is not None and parts:
            text = "".join(parts)
            args = (stored, text, prompt.cited(text), True, days)
            threading.Thread(target=service.finish_exchange, args=args, name="chat-stopped").start()
        raise
    text = "".join(parts)
    cited = prompt.cited(text)
    if stored is not None:
        await run_in_threadpool(service.finish_exchange, stored, text, cited, False, days)
    yield frame("done", {"reply": text, "conversation_id": stored, "truncated": reply.truncated,
                         "sources": [s.model_dump(mode="json") for s in cited]})  # fmt: skip


async def chat(call: Call, body: ChatIn) -> ChatOut | Response:
    """Reply to the conversation the client sends (trimmed to the token budget), with an optional knowledge
    search; streamed as server-sent events `sources` (those sent to the model), `token`..., `done` with the
    sources the reply cites and `truncated` (or `error`). Stop by closing it. When the admin keeps chat history,
    the exchange is stored in the caller's conversation `conversation_id` (a new one without it); its id is in
    the `sources` and `done` events."""
    settings = call.state.need(SETTINGS_STORE)
    config = settings.llm_config()
    if not config.configured:
        raise llm.LLMNotConfigured("No LLM is configured. An administrator can set one in Settings (llm_base_url).")
    sources: list[Citation] = []
    degraded = False  # the sources come from the keyword index while the semantic index is rebuilt
    if body.use_knowledge:
        question = AskIn(question=body.messages[-1].content[:2000])
        found = await call.run(search.gather, call.state.need(KNOWLEDGE), call.user, question)
        sources, degraded = found.citations, found.degraded
    prompt = service.build(body, sources, settings.context_tokens())
    days = _retention(call)
    stored = await call.run(service.start_exchange, call.user, body, days)
    if body.stream:
        return sse_response(_events(config, prompt, body, stored, days, degraded))
    reply = await llm.complete(config, prompt.messages, prompt.max_tokens)
    cited = prompt.cited(reply.text)
    if stored is not None:
        await call.run(service.finish_exchange, stored, reply.text, cited, False, days)
    return ChatOut(
        reply=reply.text, persona=body.persona, sources=cited, trimmed=prompt.trimmed, conversation_id=stored,
        degraded=degraded, truncated=reply.truncated,
    )  # fmt: skip


async def list_conversations(call: Call, query: ConversationQuery) -> ConversationPage:
    """My stored conversations, latest first (empty, with retention_days 0, while history is off)."""
    return await call.run(service.list_conversations, call.user, query, _retention(call))


async def get_conversation(call: Call) -> ConversationDetail:
    """One of my conversations with its messages."""
    return await call.run(service.get_conversation, call.user, call.path_int("conversation_id"), _retention(call))


async def delete_conversation(call: Call) -> None:
    """Delete one of my conversations."""
    await call.run(service.delete_conversation, call.user, call.path_int("conversation_id"))


async def delete_conversations(call: Call) -> None:
    """Delete all of my conversations."""
    await call.run(service.delete_all, call.user)


U = Access.USER
LIST = "/api/chat/conversations"
ONE = LIST + "/{conversation_id:int}"
ROUTES = [
    ApiRoute("GET", "/api/chat/personas", list_personas, access=U, response=PersonaList),
    ApiRoute("POST", "/api/chat", chat, access=U, body=ChatIn, response=ChatOut),
    ApiRoute("GET", LIST, list_conversations, access=U, query=ConversationQuery, response=ConversationPage),
    ApiRoute("DELETE", LIST, delete_conversations, access=U, status=204),
    ApiRoute("GET", ONE, get_conversation, access=U, response=ConversationDetail),
    ApiRoute("DELETE", ONE, delete_conversation, access=U, status=204),
]
