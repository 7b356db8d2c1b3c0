"""Prompts of the briefs: system prompts, numbered input blocks fitted to the token budget, and the omission note.

Every prompt has the same shape: the system prompt (rules), then one user message with the task, the inputs
between <inputs> markers (numbered [1]..[n] across sections), what was left out, and the asker's instructions.
Each section gets a fair share of the budget (a section that needs less leaves the rest to the others).
"""

from __future__ import annotations

from dataclasses import dataclass

from devcell import prompt_texts
from devcell.assistant._inputs import Input, Section, clean
from devcell.assistant.schemas import SourceRef
from devcell.core.citations import only_cited
from devcell.core.llm import estimate_tokens
from devcell.core.prompts import REPLY_RESERVE_TOKENS, fit, input_budget

PROMPT_VERSION = 2  # part of the cache key: a changed prompt makes new summaries
MIN_INPUT_TOKENS = 200  # below this the instructions leave no room for inputs
MESSAGE_OVERHEAD = 8  # what prompts.prompt_tokens adds per message, with room to spare

STANDUP_SECTIONS = prompt_texts.STANDUP_SECTIONS
PROJECT_SECTIONS = prompt_texts.PROJECT_SECTIONS
SITREP_SECTIONS = prompt_texts.SITREP_SECTIONS
STANDUP_SYSTEM = prompt_texts.brief_system(prompt_texts.STANDUP_WHAT, STANDUP_SECTIONS)
PROJECT_SYSTEM = prompt_texts.brief_system(prompt_texts.PROJECT_WHAT, PROJECT_SECTIONS)
SITREP_SYSTEM = prompt_texts.brief_system(prompt_texts.SITREP_WHAT, SITREP_SECTIONS)
SECTIONS = {STANDUP_SYSTEM: STANDUP_SECTIONS, PROJECT_SYSTEM: PROJECT_SECTIONS, SITREP_SYSTEM: SITREP_SECTIONS}
RETRY_TOKENS = 220  # the retry note at its longest (three problems, five headings)
INSTRUCTIONS_HEAD = prompt_texts.BRIEF_INSTRUCTIONS_HEAD


@dataclass(frozen=True)
class Prompt:
    messages: list[dict[str, str]]
    sources: list[SourceRef]
    omitted: str | None
    max_tokens: int
    sections: tuple[str, ...] = ()  # the Markdown sections the answer must have (none: the asker set the format)

    def retry(self, problems: list[str]) -> list[dict[str, str]]:
        """The same request, tighter: what was wrong and the rules restated (never the rejected answer)."""
        system, user = self.messages
        headings = ", ".join(f"## {s}" for s in self.sections) or "the asker wants"
        note = prompt_texts.BRIEF_RETRY.format(problems="; ".join(problems), count=len(self.sources), headings=headings,
                            words=self.max_tokens * 2 // 3)  # fmt: skip
        return [system, {"role": "user", "content": f"{user['content']}\n\n{note}"}]


def reply_reserve(context_tokens: int) -> int:
    """Tokens kept for the answer: the usual reserve, less on a very small context."""
    return min(REPLY_RESERVE_TOKENS, context_tokens // 3)


def _instructions(text: str) -> str:
    return f"\n\n{INSTRUCTIONS_HEAD}\n<<<\n{clean(text, 4000)}\n>>>" if text.strip() else ""


def _framing(task: str, sections: list[Section], instructions: str) -> str:
    """Everything of the user message except the input blocks and the note (for the budget)."""
    heads = "".join(f"## {s.heading}\n(none)\n\n" for s in sections)
    return f"{task}\n\n<inputs>\n{heads}</inputs>{_instructions(instructions)}"


def input_tokens(context_tokens: int, system: str, framing: str) -> int:
    """Tokens left for the input blocks and the note."""
    # The two messages' overhead, the omission note, and the rules a retry adds (see Prompt.retry).
    spare = 2 * MESSAGE_OVERHEAD + 60 + RETRY_TOKENS
    return max(0, input_budget(context_tokens, system, framing, reserve=reply_reserve(context_tokens)) - spare)


def _shares(needs: list[int], budget: int) -> list[int]:
    """Split the budget fairly: the smallest needs are met first, the rest shared equally among larger ones."""
    shares = [0] * len(needs)
    remaining, left = budget, len(needs)
    for index in sorted(range(len(needs)), key=needs.__getitem__):
        shares[index] = min(needs[index], remaining // left)
        remaining -= shares[index]
        left -= 1
    return shares


def _note(sections: list[Section], omitted: list[int]) -> str | None:
    parts = [f"{n} {s.what}" for s, n in zip(sections, omitted, strict=True) if n]
    problems = [s.problem for s in sections if s.problem]
    if parts:
        problems.insert(
            0,
            f"Left out to fit the model's context: {', '.join(parts)} (the oldest or least urgent). "
            "The summary covers only the numbered inputs.",
        )
    return " ".join(problems) or None


def _numbered(number: int, item: Input) -> str:
    return f"[{number}] {item.body}"


def build(system: str, task: str, sections: list[Section], context_tokens: int, instructions: str = "") -> Prompt:
    """The messages for one brief, within `context_tokens` including the reply reserve."""
    width = len(str(sum(len(s.items) for s in sections)))
    placeholder = "[" + "9" * width + "] "  # as wide as any real number, so fitted sizes are upper bounds

    def render(item: Input) -> str:
        return placeholder + item.body

    framing = _framing(task, sections, instructions)
    budget = input_tokens(context_tokens, system, framing)
    needs = [sum(estimate_tokens(render(i)) + 2 for i in s.items) for s in sections]
    fitted = [fit(s.items, render, share, s.what) for s, share in zip(sections, _shares(needs, budget), strict=True)]
    sources: list[SourceRef] = []
    body: list[str] = []
    for section, kept in zip(sections, fitted, strict=True):
        blocks = []
        for item in kept.kept:
            sources.append(item.source(len(sources) + 1))
            blocks.append(_numbered(len(sources), item))
        shown = "\n\n".join(blocks) if blocks else ("(all left out to fit)" if section.items else "(none)")
        body.append(f"## {section.heading}\n{shown}")
    note = _note(sections, [f.omitted + s.unread for s, f in zip(sections, fitted, strict=True)])
    user = f"{task}\n\n<inputs>\n" + "\n\n".join(body) + "\n</inputs>"
    if note:
        user += f"\n\nNote: {note}"
    user += _instructions(instructions)
    messages = [{"role": "system", "content": system}, {"role": "user", "content": user}]
    sections_wanted = () if instructions.strip() else SECTIONS.get(system, ())
    return Prompt(messages, sources, note, reply_reserve(context_tokens), sections_wanted)


def cited(markdown: str, sources: list[SourceRef]) -> list[SourceRef]:
    """The sources the answer cites as [n]: only those (an answer that cites none gets a warning instead)."""
    return only_cited(markdown, sources)
