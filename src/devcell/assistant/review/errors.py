"""Code review errors, each with a stable code."""

from __future__ import annotations

from devcell.core.errors import DevCellError
from devcell.core.llm import LLMError


class ReviewTooLarge(DevCellError):
    """The code does not fit the model's context; 413 says how big it is, the limit, and what to do instead."""

    status = 413
    code = "review_too_large"

    def __init__(self, tokens: int, lines: int, limit: int, context_tokens: int) -> None:
        super().__init__(
            f"The code is too large to review at once: about {tokens:,} tokens ({lines:,} lines), and the "
            f"model's context (llm_context_tokens = {context_tokens:,}) leaves room for about {limit:,} tokens "
            f"(roughly {limit * 3:,} characters). Review a smaller part or a diff of the change, or ask an "
            "administrator to raise llm_context_tokens if the model allows a larger context.",
            detail={"tokens": tokens, "lines": lines, "limit_tokens": limit, "context_tokens": context_tokens},
        )


class ReviewBadAnswer(LLMError):
    """502 llm_bad_answer: the model's answer was not in the required JSON shape, even after one repair round."""

    def __init__(self, reason: str) -> None:
        super().__init__(
            "The model's review was not in the required format, even after it was asked to correct it. "
            "Try again, or try a smaller piece of code or another model.",
            detail={"reason": reason[:500]},
        )
