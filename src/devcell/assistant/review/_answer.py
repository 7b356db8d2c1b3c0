"""Reading the model's review: the JSON object found in the answer (fences and prose around it ignored),
validated against the schema, line numbers checked against the code, then rendered as Markdown."""

from __future__ import annotations

import json
import re
from typing import Any

from pydantic import ValidationError

from devcell.assistant.review.schemas import SEVERITIES, Answer, AnswerIssue, ReviewIssue

FENCED = re.compile(r"```[\w-]*[ \t]*\n(.*?)```", re.DOTALL)
MAX_STARTS = 25  # "{" positions tried per candidate; prose rarely has more before the object
MAX_ERRORS = 5


class AnswerInvalid(ValueError):
    """The answer has no usable review; the message says why (it is sent back to the model once)."""


def _objects(text: str) -> Any:
    """The first JSON object in `text`, trying each `{` in turn (prose before it may contain braces)."""
    decoder = json.JSONDecoder()
    start = text.find("{")
    for _ in range(MAX_STARTS):
        if start < 0:
            break
        try:
            value, _end = decoder.raw_decode(text, start)
        except json.JSONDecodeError:
            start = text.find("{", start + 1)
            continue
        if isinstance(value, dict):
            return value
        start = text.find("{", start + 1)
    return None


def extract(text: str) -> dict[str, Any]:
    """The answer's JSON object: inside a Markdown fence if there is one, else anywhere in the text."""
    for candidate in [*FENCED.findall(text), text]:
        found = _objects(candidate)
        if found is not None:
            return dict(found)
    raise AnswerInvalid("the answer contains no JSON object")


def _describe(exc: ValidationError) -> str:
    errors = exc.errors(include_url=False)[:MAX_ERRORS]
    return "; ".join(f"{'.'.join(str(p) for p in e['loc']) or 'answer'}: {e['msg']}" for e in errors)


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
