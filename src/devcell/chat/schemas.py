"""Request and response bodies of the chat API."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, Field, field_validator

from devcell.core.pagination import Page, PageQuery
from devcell.projects.schemas import StrictModel
from devcell.search.schemas import Citation

Persona = Literal["assistant", "developer", "analyst", "docs"]
MAX_MESSAGES = 100


class ChatMessage(StrictModel):
    role: Literal["user", "assistant"]
    content: Annotated[str, Field(max_length=50_000)]


class ChatIn(StrictModel):
    messages: Annotated[list[ChatMessage], Field(min_length=1, max_length=MAX_MESSAGES)] = Field(
        description="the conversation so far, oldest first; the last one is the user's new message"
    )
    persona: Persona = "assistant"
    use_knowledge: bool = Field(False, description="answer from the knowledgebase too, with sources")
    stream: bool = True
    conversation_id: int | None = Field(
        None,
        description="continue this stored conversation (only when the admin keeps chat history); without it a new "
        "one is stored",
    )

    @field_validator("messages")
    @classmethod
    def _ends_with_a_question(cls, messages: list[ChatMessage]) -> list[ChatMessage]:
        if messages[-1].role != "user" or not messages[-1].content.strip():
            raise ValueError("the last message must be the user's, and not empty")
        return messages


class PersonaOut(BaseModel):
    id: Persona
    name: str
    description: str


class PersonaList(BaseModel):
    items: list[PersonaOut]


class ChatOut(BaseModel):
    reply: str
    persona: Persona
    sources: list[Citation] = Field(description="the knowledgebase sources the reply cites (only those)")
    trimmed: int = Field(description="older messages left out to fit the token budget")
    conversation_id: int | None = Field(description="where the exchange was stored; null when history is off")
    degraded: bool = Field(
        False, description="the sources come from the keyword index: the semantic index is being rebuilt"
    )
    truncated: bool = Field(default=False, description="the model stopped at its length limit: the reply is cut off")


class ConversationQuery(PageQuery):
    pass


class ConversationOut(BaseModel):
    id: int
    title: str
    persona: Persona
    message_count: int
    created_at: datetime
    updated_at: datetime
    expires_at: datetime


class ConversationPage(Page[ConversationOut]):
    retention_days: int = Field(description="chat_retention_days; 0 means history is off")


class StoredMessageOut(BaseModel):
    role: Literal["user", "assistant"]
    content: str
    sources: list[Citation]
    stopped: bool = Field(description="the user stopped the reply; it is what had arrived")
    created_at: datetime


class ConversationDetail(ConversationOut):
    messages: list[StoredMessageOut]
