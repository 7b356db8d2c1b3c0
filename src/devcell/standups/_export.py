"""A day of standups as one Markdown document (for mail, wikis and meeting notes)."""

from __future__ import annotations

import re
from datetime import date

from devcell.standups.schemas import SECTIONS, StandupOut

HEADINGS = {"yesterday": "Yesterday", "today": "Today", "blockers": "Blockers"}
_LIST_ITEM = re.compile(r"^(?:[-*+]|\d{1,9}[.)])(?:\s|$)")
_FENCE = re.compile(r"^(?:```|~~~)")


def as_list(text: str) -> str:
    """A section's lines as Markdown list items: the form says "one item per line", so a plain line is an item.

    List items, indented lines (nested items, continuations) and fenced blocks stay as they are; blank lines go.
    The web page shows sections the same way (src/web/features/standups/lines.ts, asList).
    """
    lines: list[str] = []
    fenced = False
    for raw in text.splitlines():
        line = raw.rstrip()
        if _FENCE.match(line.lstrip()):
            fenced = not fenced
            lines.append(line)
        elif fenced:
            lines.append(line)
        elif not line.strip():
            continue
        elif line[:1].isspace() and lines:
            lines.append(line)
        elif _LIST_ITEM.match(line.strip()):
            lines.append(line.strip())
        else:
            lines.append(f"- {line.strip()}")
    return "\n".join(lines)


def _entry(entry: StandupOut) -> list[str]:
    name = entry.author.display_name or entry.author.username
    title = f"## {name} (@{entry.author.username})"
    if entry.project is not None:
        title += f" · {entry.project.name}"
    lines = [title, ""]
    for section in SECTIONS:
        text = getattr(entry, section)
        if text:
            lines += [f"### {HEADINGS[section]}", "", as_list(text), ""]
    if entry.tasks:
        lines += ["### Tasks", "", *(f"- #{t.id} {t.title} ({t.status.replace('_', ' ')})" for t in entry.tasks), ""]
    return lines


def render_markdown(day: date, entries: list[StandupOut], project_name: str | None = None) -> str:
    scope = f" · {project_name}" if project_name else ""
    lines = [f"# Standups {day.isoformat()}{scope}", ""]
    if not entries:
        lines += ["No standups were filed for this day.", ""]
    for entry in entries:
        lines += _entry(entry)
    return "\n".join(lines).rstrip() + "\n"


def filename(day: date) -> str:
    return f"standups-{day.isoformat()}.md"
