"""The transform prompt: a JSON-only schema instruction, the person's notes, and as much of the roadmap as the
token budget allows. A roadmap is cut at its headings (then paragraphs, then lines), and the parts left out are
named to the model and to the user, so a long roadmap is never silently shortened."""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

from devcell.core import prompts
from devcell.core.llm import estimate_tokens
from devcell.training.errors import RoadmapTooLarge

SYSTEM = """You turn a training roadmap into units for a task tracker. Answer with JSON only: no prose, no code \
fences, exactly this shape:
{"units": [{"title": "...", "description": "...", "week": 1, "priority": "normal"}]}
Rules:
- One unit per concrete piece of work a learner can finish and tick off (a lesson, an exercise, a lab, a drill).
- title: at most 100 characters, starting with a verb.
- description: one to three sentences: what to do, and how the learner knows it is done.
- week: the roadmap's week number for the unit (1 is the first week). If the roadmap has no weeks, spread the \
units over weeks in order, three to five a week.
- priority: low, normal, high or urgent; normal unless the roadmap stresses the unit.
- Keep the roadmap's order. Do not add topics the roadmap does not mention."""

HEADING = re.compile(r"^#{1,3}\s+\S", re.MULTILINE)
LABEL_CHARS = 60


@dataclass(frozen=True)
class Part:
    """A piece of the roadmap: a section, or a paragraph or line of one that is too long on its own."""

    label: str  # how the user recognises it when it is left out
    text: str


@dataclass(frozen=True)
class Prompt:
    messages: list[dict[str, str]]
    warnings: list[str]
    budget: int


def build(roadmap: str, notes: str, context_tokens: int) -> Prompt:
    """The messages for one completion, within `context_tokens` (see core.prompts)."""
    notes_block = f"Notes from the person importing the roadmap:\n{notes.strip()}\n\n" if notes.strip() else ""
    # Room for the note about left-out parts (at its longest) and the two messages' framing is kept, too.
    budget = max(0, prompts.input_budget(context_tokens, SYSTEM, notes_block, "Roadmap:\n", _note(999)) - 8)
    parts = split(roadmap, budget)
    numbered = list(enumerate(parts))  # by position: two parts may have the same text
    fitted = prompts.fit(numbered, lambda item: item[1].text, budget, what="parts of the roadmap")
    if not fitted.kept:
        raise RoadmapTooLarge(context_tokens, budget)
    warnings: list[str] = []
    user = f"{notes_block}Roadmap:\n{fitted.text}"
    if fitted.omitted:
        kept = {index for index, _ in fitted.kept}
        left_out = [part for index, part in numbered if index not in kept]
        user += f"\n\n{_note(fitted.omitted)}"
        warnings.append(_cut_warning(left_out, len(parts), context_tokens))
    messages = [{"role": "system", "content": SYSTEM}, {"role": "user", "content": user}]
    return Prompt(messages, warnings, budget)


def _note(omitted: int) -> str:
    what = "part of the roadmap was" if omitted == 1 else "parts of the roadmap were"
    return f"(Note: {omitted} {what} left out to fit the model's context. Make units only for the text above.)"


def _cut_warning(left_out: list[Part], total: int, context_tokens: int) -> str:
    names = ", ".join(f"“{part.label}”" for part in left_out[:8])
    more = f" and {len(left_out) - 8} more" if len(left_out) > 8 else ""
    return (
        f"The roadmap is longer than the model's context allows (llm_context_tokens = {context_tokens}), so "
        f"{len(left_out)} of {total} parts were left out and not turned into units: {names}{more}. Import them "
        "separately, or ask an administrator to raise llm_context_tokens if the model's context is larger."
    )


def split(roadmap: str, budget: int) -> list[Part]:
    """Sections at Markdown headings; a section over the budget becomes its paragraphs (each carrying the
    section's heading, so the model still knows the week), a paragraph over the budget its lines."""
    parts: list[Part] = []
    for section in _sections(roadmap):
        if estimate_tokens(section) <= budget:
            parts.append(Part(_label(section), section))
            continue
        heading = section.splitlines()[0] if HEADING.match(section) else ""
        for piece in _pieces(section.removeprefix(heading).strip(), budget):
            text = f"{heading} (continued)\n{piece}" if heading else piece
            parts.append(Part(_label(piece, heading), text))
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
