"""The model's review: the bounded JSON schema it is asked for, the JSON object found in the answer (fences and
prose around it ignored), validated, line numbers checked against the code, then rendered as Markdown."""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from devcell.assistant.review.schemas import SEVERITIES, Answer, AnswerIssue, ReviewIssue
from devcell.core import llm, structured

MAX_ERRORS = 5
# Bounds of the answer's schema, in characters: they keep a small model's answer short enough to finish.
SUMMARY_CHARS, TITLE_CHARS, DETAIL_CHARS, SUGGESTION_CHARS = 300, 80, 240, 160
ISSUE_CHARS = TITLE_CHARS + DETAIL_CHARS + SUGGESTION_CHARS + 80  # + keys, severity and lines
MAX_ISSUES, MAX_SUGGESTIONS = 8, 3
CHARS_PER_TOKEN = 3  # JSON with short English words: about 3.5; erring short


class AnswerInvalid(ValueError):
    """The answer has no usable review; the message says why (it is restated to the model once)."""


def _text(chars: int) -> dict[str, Any]:
    return {"type": "string", "maxLength": chars}


def schema(reply_tokens: int) -> dict[str, Any]:
    """The JSON schema of an answer that fits `reply_tokens`: as many issues as the room allows (1 to 8)."""
    room = reply_tokens * CHARS_PER_TOKEN - SUMMARY_CHARS - MAX_SUGGESTIONS * SUGGESTION_CHARS - 60
    issues = max(1, min(MAX_ISSUES, room // ISSUE_CHARS))
    line = {"type": ["integer", "null"]}
    issue = {
        "type": "object",
        "properties": {
            "severity": {"type": "string", "enum": list(SEVERITIES)}, "title": _text(TITLE_CHARS),
            "line": line, "end_line": line, "detail": _text(DETAIL_CHARS),
            "suggestion": {"type": ["string", "null"], "maxLength": SUGGESTION_CHARS},
        },
        "required": ["severity", "title", "line", "end_line", "detail", "suggestion"],
        "additionalProperties": False,
    }  # fmt: skip
    return {
        "type": "object",
        "properties": {
            "summary": _text(SUMMARY_CHARS),
            "issues": {"type": "array", "items": issue, "maxItems": issues},
            "suggestions": {"type": "array", "items": _text(SUGGESTION_CHARS), "maxItems": MAX_SUGGESTIONS},
        },
        "required": ["summary", "issues", "suggestions"],
        "additionalProperties": False,
    }


def extract(text: str) -> dict[str, Any]:
    """The answer's JSON object: inside a Markdown fence if there is one, else anywhere in the text; raw
    newlines inside its strings are accepted (small models write them)."""
    try:
        return structured.decode_object(text)
    except structured.NotJSON as exc:
        raise AnswerInvalid(str(exc)) from None


def _describe(exc: ValidationError) -> str:
    errors = exc.errors(include_url=False)[:MAX_ERRORS]
    return "; ".join(f"{'.'.join(str(p) for p in e['loc']) or 'answer'}: {e['msg']}" for e in errors)


def reason(exc: AnswerInvalid, completion: llm.Completion) -> str:
    """Why the answer was rejected, saying so when it was cut off at the length limit."""
    if completion.truncated:
        return f"{exc}; the answer was cut off at the length limit, so keep it shorter"
    return str(exc)


def parse(text: str) -> Answer:
    try:
        return Answer.model_validate(extract(text))
    except ValidationError as exc:
        raise AnswerInvalid(_describe(exc)) from None


def _end_line(line: int | None, end: int | None, valid_lines: frozenset[int]) -> int | None:
    if line is None or end is None or end not in valid_lines or end <= line:
        return None
    return end


def checked_issues(issues: list[AnswerIssue], valid_lines: frozenset[int]) -> list[ReviewIssue]:
    """Most severe first; a line number the code does not have is not trusted (set to null)."""
    out: list[ReviewIssue] = []
    for issue in sorted(issues, key=lambda i: SEVERITIES.index(i.severity)):
        line = issue.line if issue.line in valid_lines else None
        end = _end_line(line, issue.end_line, valid_lines)
        title = " ".join(issue.title.split())
        out.append(ReviewIssue(severity=issue.severity, title=title, line=line, end_line=end,
                               detail=issue.detail, suggestion=issue.suggestion))  # fmt: skip
    return out


def _indented(text: str, by: str = "    ") -> str:
    """Continuation lines indented so they stay inside their list item (code blocks included)."""
    first, *rest = text.strip().splitlines() or [""]
    return "\n".join([first, *(by + line if line.strip() else "" for line in rest)])


def _where(issue: ReviewIssue) -> str:
    if issue.line is None:
        return ""
    return f" (lines {issue.line}-{issue.end_line})" if issue.end_line else f" (line {issue.line})"


def _issue(issue: ReviewIssue) -> str:
    text = f"- **{issue.title}**{_where(issue)}"
    if issue.detail:
        text += f": {_indented(issue.detail)}"
    if issue.suggestion:
        text += f"\n    - Suggestion: {_indented(issue.suggestion, '      ')}"
    return text


def markdown(summary: str, issues: list[ReviewIssue], suggestions: list[str]) -> str:
    parts = ["## Summary", "", summary.strip(), "", "## Issues", ""]
    if not issues:
        parts += ["No issues found.", ""]
    for severity in SEVERITIES:
        group = [i for i in issues if i.severity == severity]
        if group:
            parts += [f"### {severity.capitalize()} ({len(group)})", "", *(_issue(i) for i in group), ""]
    parts += ["## Suggestions", ""]
    parts += [f"- {_indented(s, '  ')}" for s in suggestions] or ["None."]
    return "\n".join(parts).rstrip() + "\n"
