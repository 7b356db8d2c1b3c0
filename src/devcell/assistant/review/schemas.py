"""Request and response bodies of the code review API, and the shape the model must answer in."""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from devcell.search.schemas import Citation

Focus = Literal["general", "security", "performance", "readability"]
Severity = Literal["critical", "high", "medium", "low", "info"]
SEVERITIES: tuple[Severity, ...] = ("critical", "high", "medium", "low", "info")


class ReviewIn(BaseModel):
    # No str_strip_whitespace (unlike StrictModel): the code's leading indentation is part of it.
    model_config = ConfigDict(extra="forbid")

    code: Annotated[str, Field(min_length=1, description="source code, or a unified diff")]
    language: Annotated[str, Field(max_length=40, description="empty: detected from the code")] = ""
    focus: Focus = "general"
    description: Annotated[str, Field(max_length=4000, description="what the code does or what changed")] = ""
    use_knowledge: bool = Field(False, description="add matching knowledgebase passages to the prompt")

    @field_validator("code")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("must contain some code")
        return value

    @field_validator("language", "description")
    @classmethod
    def _strip(cls, value: str) -> str:
        return value.strip()


class ReviewIssue(BaseModel):
    severity: Severity
    title: str
    line: int | None = Field(description="first line it concerns (a diff: the new file's line); null if none")
    end_line: int | None
    detail: str
    suggestion: str | None


class ReviewOut(BaseModel):
    summary: str
    issues: list[ReviewIssue] = Field(description="most severe first")
    suggestions: list[str]
    markdown: str = Field(description="## Summary, ## Issues (by severity), ## Suggestions")
    language: str
    focus: Focus
    diff: bool = Field(description="the code was recognised as a unified diff")
    sources: list[Citation]
    omitted: str | None = Field(description="what was left out of the prompt to fit the model's context")
    model: str


# What the model answers: lenient where a small model is sloppy (case, synonyms, "12-14" as a line), strict on
# the shape. Extra keys are ignored.

SEVERITY_SYNONYMS = {"blocker": "critical", "major": "high", "moderate": "medium", "minor": "low", "note": "info",
                     "information": "info", "informational": "info", "warning": "medium", "error": "high"}  # fmt: skip
_FIRST_NUMBER = re.compile(r"\d+")


def _line(value: Any) -> int | None:
    """A line number the model gave: an int, or the first number of a text like "12-14"; else none."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and (match := _FIRST_NUMBER.search(value)):
        return int(match.group())
    return None


class AnswerIssue(BaseModel):
    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)

    severity: Severity
    title: Annotated[str, Field(min_length=1)]
    line: int | None = None
    end_line: int | None = None
    detail: str = ""
    suggestion: str | None = None

    @field_validator("severity", mode="before")
    @classmethod
    def _severity(cls, value: Any) -> Any:
        if isinstance(value, str):
            word = value.strip().lower()
            return SEVERITY_SYNONYMS.get(word, word)
        return value

    @field_validator("line", "end_line", mode="before")
    @classmethod
    def _lines(cls, value: Any) -> int | None:
        return _line(value)

    @field_validator("suggestion", mode="after")
    @classmethod
    def _empty_is_none(cls, value: str | None) -> str | None:
        return value or None


class Answer(BaseModel):
    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)

    summary: Annotated[str, Field(min_length=1)]
    issues: list[AnswerIssue]
    suggestions: list[str] = Field(default_factory=list)

    @field_validator("suggestions", mode="after")
    @classmethod
    def _drop_empty(cls, value: list[str]) -> list[str]:
        return [s for s in value if s]
