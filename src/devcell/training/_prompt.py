"""The transform prompts: the roadmap cut at its headings (then paragraphs, then lines) into parts, and one
small request per part asking for its units as JSON with a bounded schema.

One part per request is what small models manage: a 135 M-parameter model handed a whole roadmap drops, merges
and invents units, but it turns one section into its units. The part's week comes from its heading ("Week 3")
or its place, never from the model. Each part gets the room the context allows beside its answer (about as
long as the part), so a long roadmap is never silently shortened: a part that cannot fit is named."""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from typing import Any

from devcell import prompt_texts
from devcell.core import prompts, structured
from devcell.core.llm import estimate_tokens
from devcell.training.errors import RoadmapTooLarge

SYSTEM = prompt_texts.TRAINING_SYSTEM
REPAIR = prompt_texts.JSON_REPAIR
HEADING = re.compile(r"^#{1,3}\s+\S", re.MULTILINE)
WEEK = re.compile(r"\bweek\s*(\d{1,3})\b", re.IGNORECASE)
ITEM = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+\S", re.MULTILINE)
LABEL_CHARS = 60
MAX_PARTS = 60  # one request each: a longer roadmap is imported in pieces (the rest is named)
TITLE_CHARS, DESCRIPTION_CHARS = 100, 300
UNIT_TOKENS = 70  # one unit's JSON at the bounds above, about
MIN_REPLY_TOKENS = 200


@dataclass(frozen=True)
class Part:
    """A piece of the roadmap: a section, or a paragraph or line of one that is too long on its own."""

    label: str  # how the user recognises it when it is left out
    text: str
    week: int = 0  # from the heading; 0 when it names none (set from the part's place)
    section: int = 0  # which section of the roadmap it comes from (a long one is split into several parts)


@dataclass(frozen=True)
class PartPrompt:
    part: Part
    week: int
    messages: list[dict[str, str]]
    schema: dict[str, Any]
    max_tokens: int

    def repair(self, error: str) -> list[dict[str, str]]:
        """The same request with what was wrong and the schema restated (never the rejected answer: a small
        model shown its own answer copies it)."""
        system, user = self.messages
        note = REPAIR.format(error=error, schema=structured.schema_text(self.schema))
        return [system, {"role": "user", "content": f"{user['content']}\n\n{note}"}]


@dataclass(frozen=True)
class Prompt:
    parts: list[PartPrompt]
    warnings: list[str]
    budget: int


def units_schema(max_units: int) -> dict[str, Any]:
    unit = {
        "type": "object",
        "properties": {
            "title": {"type": "string", "maxLength": TITLE_CHARS},
            "description": {"type": "string", "maxLength": DESCRIPTION_CHARS},
            "priority": {"type": "string", "enum": ["low", "normal", "high", "urgent"]},
        },
        "required": ["title", "description", "priority"],
        "additionalProperties": False,
    }
    return {
        "type": "object",
        "properties": {"units": {"type": "array", "items": unit, "minItems": 1, "maxItems": max_units}},
        "required": ["units"],
        "additionalProperties": False,
    }


def reply_tokens(context_tokens: int) -> int:
    """Room for one part's answer: a third of the context, 200 to 1,500 tokens."""
    return max(MIN_REPLY_TOKENS, min(1500, context_tokens // 3))


def _notes_block(notes: str) -> str:
    return f"Notes from the person importing the roadmap:\n{notes.strip()}\n\n" if notes.strip() else ""


def _user(notes_block: str, title: str, part: Part) -> str:
    named = f"The roadmap: {title}\n" if title else ""
    return f"{notes_block}{named}The part of the roadmap:\n{part.text}"


def part_budget(context_tokens: int, notes: str) -> int:
    """Tokens one part may take: what the context leaves beside the prompt, the repair note and the answer,
    and no more than the answer's room (the units are about as long as the part they come from)."""
    reply = reply_tokens(context_tokens)
    repair = REPAIR.format(error="x" * 200, schema=structured.schema_text(units_schema(99)))
    framing = "The roadmap: " + "x" * 80 + "\nThe part of the roadmap:\n"
    room = prompts.input_budget(context_tokens, SYSTEM, _notes_block(notes), framing, repair, reserve=reply) - 12
    return max(0, min(room, reply))


def _max_units(part: Part, reply: int) -> int:
    """Bound on the part's units: its list items (or lines) and a few more, within what the reply can hold."""
    items = len(ITEM.findall(part.text)) or len([line for line in part.text.splitlines() if line.strip()])
    return max(1, min(items + 2, reply // UNIT_TOKENS, 30))


def _weeks(parts: list[Part]) -> list[int]:
    """Each part's week: its heading's ("Week 3"); else its section's if an earlier piece of the same section
    has one; else the week after the previous part's (a roadmap without weeks becomes a section a week)."""
    weeks: list[int] = []
    for index, part in enumerate(parts):
        if part.week:
            weeks.append(part.week)
        elif index and parts[index - 1].section == part.section:
            weeks.append(weeks[-1])
        else:
            weeks.append(weeks[-1] + 1 if weeks else 1)
    return weeks


def _preamble(parts: list[Part]) -> tuple[str, list[Part]]:
    """The roadmap's title and introduction (a first section under a "# " heading, or none, with no list items,
    when sections follow) are not work to do: they become the title every request names, not units."""
    first = parts[0] if parts else None
    if first is None or len({p.section for p in parts}) < 2 or first.section != 0:
        return "", parts
    heading = first.text.splitlines()[0]
    if ITEM.search(first.text) or re.match(r"^#{2,3}\s", heading) or first.week:
        return "", parts
    title = heading.lstrip("#").strip() if heading.startswith("#") else ""
    return title, [p for p in parts if p.section != 0]


def build(roadmap: str, notes: str, context_tokens: int) -> Prompt:
    """One request per part of the roadmap, each within `context_tokens` (see core.prompts)."""
    notes_block = _notes_block(notes)
    budget = part_budget(context_tokens, notes)
    title, parts = _preamble(split(roadmap, budget))
    fitting = [p for p in parts if estimate_tokens(p.text) <= budget]
    if not fitting:
        raise RoadmapTooLarge(context_tokens, budget)
    kept, beyond = fitting[:MAX_PARTS], fitting[MAX_PARTS:]
    left_out = [p for p in parts if p not in kept]
    reply = reply_tokens(context_tokens)
    requests: list[PartPrompt] = []
    for part, week in zip(kept, _weeks(kept), strict=True):
        messages = [{"role": "system", "content": SYSTEM}, {"role": "user", "content": _user(notes_block, title, part)}]
        schema = units_schema(_max_units(part, reply))
        requests.append(PartPrompt(part, week, messages, schema, prompts.reply_limit(context_tokens, messages, reply)))
    warnings = [_cut_warning(left_out, len(parts), context_tokens, bool(beyond))] if left_out else []
    return Prompt(requests, warnings, budget)


def _cut_warning(left_out: list[Part], total: int, context_tokens: int, too_many: bool) -> str:
    names = ", ".join(f"“{part.label}”" for part in left_out[:8])
    more = f" and {len(left_out) - 8} more" if len(left_out) > 8 else ""
    why = (
        f"the roadmap has more than {MAX_PARTS} parts" if too_many
        else f"they are longer than the model's context allows (llm_context_tokens = {context_tokens})"
    )  # fmt: skip
    return (
        f"{len(left_out)} of {total} parts of the roadmap were left out and not turned into units, because {why}: "
        f"{names}{more}. Import them separately, or split them into smaller sections."
    )


def split(roadmap: str, budget: int) -> list[Part]:
    """Sections at Markdown headings; a section over the budget becomes its paragraphs (each carrying the
    section's heading, so the model still knows the week), a paragraph over the budget its lines."""
    parts: list[Part] = []
    for number, section in enumerate(_sections(roadmap)):
        if estimate_tokens(section) <= budget:
            parts.append(Part(_label(section), section, _week_of(section), number))
            continue
        heading = section.splitlines()[0] if HEADING.match(section) else ""
        for piece in _pieces(section.removeprefix(heading).strip(), budget):
            text = f"{heading} (continued)\n{piece}" if heading else piece
            parts.append(Part(_label(piece, heading), text, _week_of(heading), number))
    return parts


def _sections(roadmap: str) -> list[str]:
    starts = [m.start() for m in HEADING.finditer(roadmap)]
    bounds = [0, *[s for s in starts if s > 0], len(roadmap)]
    sections = (roadmap[a:b].strip() for a, b in itertools.pairwise(bounds))
    return [s for s in sections if s]


def _pieces(text: str, budget: int) -> list[str]:
    pieces: list[str] = []
    for paragraph in (p.strip() for p in re.split(r"\n\s*\n", text)):
        if not paragraph:
            continue
        if estimate_tokens(paragraph) <= budget:
            pieces.append(paragraph)
        else:  # a line still too long on its own is left out by fit, and named in the warning
            pieces += [line.strip() for line in paragraph.splitlines() if line.strip()]
    return pieces


def _label(text: str, heading: str = "") -> str:
    first = text.strip().splitlines()[0].lstrip("#").strip() if text.strip() else ""
    label = f"{heading.lstrip('#').strip()}: {first}" if heading else first
    return label if len(label) <= LABEL_CHARS else label[: LABEL_CHARS - 1] + "…"


def _week_of(text: str) -> int:
    """The week a section's heading names ("## Week 3: Backups" is 3); 0 when it names none."""
    first = text.strip().splitlines()[0] if text.strip() else ""
    match = WEEK.search(first) if HEADING.match(first) else None
    return int(match.group(1)) if match else 0
