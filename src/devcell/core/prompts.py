"""Token budgeting for LLM prompts: fit as many items as the budget allows and say what was left out.

Every prompt DevCell sends is bounded (upstream sent whole databases). Features render their inputs as text
blocks, newest or most relevant first, and `fit` keeps the leading blocks that fit; `Fitted.note` is the line to
put in the prompt (and show the user) about what was omitted.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from devcell.core.llm import estimate_tokens

T = TypeVar("T")

REPLY_RESERVE_TOKENS = 800  # kept free for the model's answer


@dataclass(frozen=True)
class Fitted(Generic[T]):
    kept: list[T]
    blocks: list[str]
    omitted: int
    tokens: int
    what: str = "items"

    @property
    def text(self) -> str:
        return "\n\n".join(self.blocks)

    @property
    def note(self) -> str | None:
        """A sentence for the prompt and the user when something was left out; None when everything fit."""
        if not self.omitted:
            return None
        return f"{self.omitted} older or less relevant {self.what} were left out to fit the model's context."


def fit(items: Sequence[T], render: Callable[[T], str], budget_tokens: int, what: str = "items") -> Fitted[T]:
    """Keep items in the given order while their rendered blocks fit `budget_tokens`; skip (and count) the rest.
    A block too big on its own is skipped, not cut, so a later smaller one may still fit."""
    kept: list[T] = []
    blocks: list[str] = []
    used = 0
    for item in items:
        block = render(item)
        cost = estimate_tokens(block) + 2  # the blank line between blocks
        if used + cost > budget_tokens:
            continue
        kept.append(item)
        blocks.append(block)
        used += cost
    return Fitted(kept, blocks, len(items) - len(kept), used, what)


def input_budget(context_tokens: int, *fixed_texts: str, reserve: int = REPLY_RESERVE_TOKENS) -> int:
    """Tokens left for variable inputs once the fixed texts (system prompt, instructions) and the reply reserve
    are taken from the model's context size. Never negative."""
    fixed = sum(estimate_tokens(text) for text in fixed_texts)
    return max(0, context_tokens - reserve - fixed)


def prompt_tokens(messages: Sequence[dict[str, str]]) -> int:
    """The estimated size of a whole prompt (what tests compare with the budget)."""
    return sum(estimate_tokens(m["content"]) + 4 for m in messages)


REPLY_FLOOR_TOKENS = 64  # never ask for less: a budget mistake should show as a short answer, not none
PROMPT_SAFETY_TOKENS = 16  # the chat template's own tokens around the messages


def reply_limit(context_tokens: int, messages: Sequence[dict[str, str]], cap: int) -> int:
    """`max_tokens` for an answer: the task's own cap, or what the context leaves after the prompt when that is
    less. Every request sends one, so a small model that loops stops there (and says so) instead of running on
    to the end of its context."""
    room = context_tokens - prompt_tokens(messages) - PROMPT_SAFETY_TOKENS
    return max(REPLY_FLOOR_TOKENS, min(cap, room))
