"""A SITREP as a Markdown file: title, date, the report, what was left out, and its sources as links."""

from __future__ import annotations

from devcell.assistant.schemas import SitrepOut


def filename(sitrep: SitrepOut) -> str:
    return f"sitrep-{sitrep.id}-{sitrep.created_at.date().isoformat()}.md"


def _link_text(title: str) -> str:
    return " ".join(title.split()).replace("[", "\\[").replace("]", "\\]")


def _period(days: int) -> str:
    return "1 day" if days == 1 else f"{days} days"


def render(sitrep: SitrepOut, base_url: str) -> str:
    """`base_url` (the appliance's address) makes the source links work outside the browser, e.g. in a mail."""
    author = sitrep.created_by.display_name or sitrep.created_by.username
    lines = [
        f"# {sitrep.title}",
        "",
        f"Generated {sitrep.created_at:%Y-%m-%d %H:%M} UTC by {author}; covers {_period(sitrep.days)}.",
        "",
        *(f"> **Warning:** {warning}\n" for warning in sitrep.warnings),
        sitrep.markdown.strip(),
        "",
    ]
    if sitrep.omitted:
        lines += [f"> {sitrep.omitted}", ""]
    if sitrep.sources:
        base = base_url.rstrip("/")
        lines += ["## Sources", ""]
        lines += [f"- [{s.number}] [{_link_text(s.title)}]({base}{s.url}) ({s.kind})" for s in sitrep.sources]
        lines.append("")
    return "\n".join(lines)
