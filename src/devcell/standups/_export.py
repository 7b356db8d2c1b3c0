"""A day of standups as one Markdown document (for mail, wikis and meeting notes)."""

from __future__ import annotations

from datetime import date

from devcell.standups.schemas import SECTIONS, StandupOut

HEADINGS = {"yesterday": "Yesterday", "today": "Today", "blockers": "Blockers"}


def _entry(entry: StandupOut) -> list[str]:
    name = entry.author.display_name or entry.author.username
    title = f"## {name} (@{entry.author.username})"
    if entry.project is not None:
        title += f" · {entry.project.name}"
    lines = [title, ""]
    for section in SECTIONS:
        text = getattr(entry, section)
        if text:
            lines += [f"### {HEADINGS[section]}", "", text, ""]
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
