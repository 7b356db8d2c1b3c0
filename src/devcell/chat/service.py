"""Chat prompts (the persona's system prompt, optional knowledge sources, the history trimmed to the budget) and,
when the admin keeps chat history, each user's stored conversations with their retention."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

import orjson

from devcell import prompt_texts
from devcell.chat.models import Conversation, StoredMessage
from devcell.chat.schemas import (
    ChatIn,
    ChatMessage,
    ConversationDetail,
    ConversationOut,
    ConversationPage,
    ConversationQuery,
    PersonaOut,
    StoredMessageOut,
)
from devcell.core.citations import only_cited
from devcell.core.db import transaction, unit_of_work, utcnow
from devcell.core.errors import NotFound
from devcell.core.llm import estimate_tokens
from devcell.core.prompts import reply_limit
from devcell.search.schemas import Citation

if TYPE_CHECKING:
    from devcell.core.auth import Principal

REPLY_RESERVE = 600  # tokens always left for the answer
REPLY_TOKENS = 1000  # the longest answer asked for, when the conversation leaves room


def personas() -> list[PersonaOut]:
    return [
        PersonaOut(id=key, name=persona.name, description=persona.description)  # type: ignore[arg-type]
        for key, persona in prompt_texts.CHAT_PERSONAS.items()
    ]


@dataclass(frozen=True)
class Prompt:
    messages: list[dict[str, str]]
    sources: list[Citation]
    trimmed: int
    max_tokens: int

    def cited(self, reply: str) -> list[Citation]:
        """The sources the reply cites: only those are shown and kept with it."""
        return only_cited(reply, self.sources)


def _sources_block(sources: list[Citation], budget: int) -> tuple[str, list[Citation]]:
    used: list[Citation] = []
    blocks: list[str] = []
    for source in sources:
        where = " — ".join(
            x for x in (source.document_title, source.heading, f"page {source.page}" if source.page else "") if x
        )
        block = f"[{source.number}] {where}\n{source.text}"
        cost = estimate_tokens(block)
        if cost > budget:
            break
        budget -= cost
        blocks.append(block)
        used.append(source)
    return ("\n\n".join(blocks), used)


def build(data: ChatIn, sources: list[Citation], budget_tokens: int) -> Prompt:
    """System prompt (+ sources) first, then as many of the latest messages as fit; the newest always goes."""
    system = prompt_texts.CHAT_PERSONAS[data.persona].system
    budget = budget_tokens - REPLY_RESERVE - estimate_tokens(system)
    used: list[Citation] = []
    if sources:
        block, used = _sources_block(sources, budget // 2)
        if used:
            system = f"{system}\n\n{prompt_texts.CHAT_SOURCES_RULE}\n\n{block}"
            budget -= estimate_tokens(prompt_texts.CHAT_SOURCES_RULE) + estimate_tokens(block)
    kept: list[dict[str, str]] = []
    for message in reversed(data.messages):
        cost = estimate_tokens(message.content) + 4
        if kept and cost > budget:
            break
        content = message.content if cost <= budget else message.content[-max(budget, 200) * 3 :]
        kept.append({"role": message.role, "content": content})
        budget -= cost
    kept.reverse()
    messages = [{"role": "system", "content": system}, *kept]
    limit = reply_limit(budget_tokens, messages, REPLY_TOKENS)
    return Prompt(messages, used, len(data.messages) - len(kept), limit)


# Stored history (only while chat_retention_days > 0).

TITLE_CHARS = 80


class ConversationNotFound(NotFound):
    """Also for other users' conversations: ids must not leak."""

    code = "conversation_not_found"

    def __init__(self, conversation_id: int) -> None:
        super().__init__(f"There is no conversation with id {conversation_id} in your chat history.")


def _title(messages: list[ChatMessage]) -> str:
    first = next(m.content for m in messages if m.role == "user")
    line = " ".join(first.split())
    return line if len(line) <= TITLE_CHARS else line[: TITLE_CHARS - 1].rstrip() + "…"


def apply_retention(days: int, now: datetime | None = None) -> int:
    """Delete conversations past their expiry or older than the retention in force now (all of them at 0):
    lowering the setting takes effect at the next chat use, not only at the nightly prune."""
    now = now or utcnow()
    with transaction():
        if Conversation.select(Conversation.id).limit(1).first() is None:
            return 0  # the common case (history off): no write lock taken
    with transaction(write=True):
        query = Conversation.delete()
        if days > 0:
            query = query.where(
                (Conversation.expires_at <= now) | (Conversation.updated_at <= now - timedelta(days=days))
            )
        return int(query.execute())


@unit_of_work(write=True)
def prune_expired(now: datetime | None = None) -> int:
    """The nightly prune: conversations whose expiry has passed (each carries its own, so no setting is read)."""
    return int(Conversation.delete().where(Conversation.expires_at <= (now or utcnow())).execute())


def _mine(principal: Principal, conversation_id: int) -> Conversation:
    found: Conversation | None = Conversation.get_or_none(
        (Conversation.id == conversation_id) & (Conversation.user == principal.user_id)
    )
    if found is None:
        raise ConversationNotFound(conversation_id)
    return found


def _append(conversation: Conversation, rows: list[dict[str, object]], days: int) -> None:
    now = utcnow()
    for row in rows:
        StoredMessage.create(conversation=conversation.id, created_at=now, **row)
    Conversation.update(
        message_count=Conversation.message_count + len(rows), updated_at=now, expires_at=now + timedelta(days=days)
    ).where(Conversation.id == conversation.id).execute()


def start_exchange(principal: Principal, data: ChatIn, days: int) -> int | None:
    """Before the reply: store the new question and return the conversation id (None when history is off).
    A new conversation stores the whole history the client sent; a continued one only its newest message."""
    apply_retention(days)
    if days <= 0:
        return None
    with transaction(write=True):
        if data.conversation_id is not None:
            conversation = _mine(principal, data.conversation_id)
            new = data.messages[-1:]
            Conversation.update(persona=data.persona).where(Conversation.id == conversation.id).execute()
        else:
            now = utcnow()
            conversation = Conversation.create(
                user=principal.user_id, title=_title(data.messages), persona=data.persona, created_at=now,
                updated_at=now, expires_at=now + timedelta(days=days),
            )  # fmt: skip
            new = data.messages
        _append(conversation, [{"role": m.role, "content": m.content} for m in new], days)
        return int(conversation.id)


def finish_exchange(conversation_id: int, reply: str, sources: list[Citation], stopped: bool, days: int) -> None:
    """After the reply (or a Stop): store what the assistant said. A conversation deleted meanwhile stays gone."""
    encoded = orjson.dumps([s.model_dump(mode="json") for s in sources]).decode()
    with transaction(write=True):
        conversation = Conversation.get_or_none(Conversation.id == conversation_id)
        if conversation is not None:
            row = {"role": "assistant", "content": reply, "sources": encoded, "stopped": stopped}
            _append(conversation, [row], days)


def _out(conversation: Conversation) -> ConversationOut:
    return ConversationOut(
        id=conversation.id, title=conversation.title, persona=conversation.persona,  # type: ignore[arg-type]
        message_count=conversation.message_count, created_at=conversation.created_at,
        updated_at=conversation.updated_at, expires_at=conversation.expires_at,
    )  # fmt: skip


def list_conversations(principal: Principal, query: ConversationQuery, days: int) -> ConversationPage:
    """My stored conversations, the latest first."""
    apply_retention(days)
    with transaction():
        rows = Conversation.select().where(Conversation.user == principal.user_id)
        total = rows.count()
        page = rows.order_by(Conversation.updated_at.desc(), Conversation.id.desc()).limit(query.limit)
        items = [_out(c) for c in page.offset(query.offset)]
    return ConversationPage(items=items, total=total, limit=query.limit, offset=query.offset, retention_days=days)


def _message_out(row: StoredMessage) -> StoredMessageOut:
    sources = [Citation.model_validate(s) for s in orjson.loads(row.sources)]
    return StoredMessageOut(
        role=row.role,  # type: ignore[arg-type]  # the column's CHECK allows only these two
        content=row.content,
        sources=sources,
        stopped=row.stopped,
        created_at=row.created_at,
    )


def get_conversation(principal: Principal, conversation_id: int, days: int) -> ConversationDetail:
    apply_retention(days)
    with transaction():
        conversation = _mine(principal, conversation_id)
        rows = list(
            StoredMessage.select().where(StoredMessage.conversation == conversation.id).order_by(StoredMessage.id)
        )
    messages = [_message_out(m) for m in rows]
    return ConversationDetail(**_out(conversation).model_dump(), messages=messages)


@unit_of_work(write=True)
def delete_conversation(principal: Principal, conversation_id: int) -> None:
    _mine(principal, conversation_id)
    Conversation.delete().where(Conversation.id == conversation_id).execute()


@unit_of_work(write=True)
def delete_all(principal: Principal) -> int:
    """Every conversation of mine (the messages go with them)."""
    return int(Conversation.delete().where(Conversation.user == principal.user_id).execute())
