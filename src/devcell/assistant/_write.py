"""Writing a brief (a summary or a SITREP) and checking it before it is called done.

A small model's brief may cite nothing, cite inputs that do not exist, drop the sections it was asked for, or
stop at its length limit. Such an answer is asked for once more with a tighter prompt; if the second is no
better, the better of the two is delivered with warnings that say what is unchecked, never silently as fine.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field

from devcell.assistant._prompt import Prompt
from devcell.core import citations, llm
from devcell.core.llm import LLMError

TRUNCATED = "Incomplete: the model reached its length limit before it finished, so the end is missing."
UNCHECKED = "Unchecked: {problems}. Read it against its sources before relying on it."
CUT = "it was cut off at the length limit"

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Brief:
    markdown: str
    truncated: bool = False
    warnings: list[str] = field(default_factory=list)


def _problems(prompt: Prompt, completion: llm.Completion) -> list[str]:
    found = citations.problems(completion.text, len(prompt.sources), prompt.sections)
    return [*found, CUT] if completion.truncated else found


def _brief(completion: llm.Completion, problems: list[str]) -> Brief:
    warnings = [TRUNCATED] if completion.truncated else []
    checks = [p for p in problems if p != CUT]
    if checks:
        warnings.append(UNCHECKED.format(problems="; ".join(checks)))
    return Brief(completion.text.strip(), completion.truncated, warnings)


async def write(config: llm.LLMConfig, prompt: Prompt) -> Brief:
    """One completion (an answer without text is a 502 there), checked; one tighter retry when the check fails;
    the better answer with its warnings. A failed retry leaves the first answer, with its warnings."""
    first = await llm.complete(config, prompt.messages, prompt.max_tokens)
    problems = _problems(prompt, first)
    if not problems:
        return Brief(first.text.strip())
    try:
        second = await llm.complete(config, prompt.retry(problems), prompt.max_tokens)
    except LLMError as exc:
        log.info("the brief's retry failed (%s); the first answer is kept with its warnings", exc.message)
        return _brief(first, problems)
    again = _problems(prompt, second)
    return _brief(second, again) if len(again) <= len(problems) else _brief(first, problems)


def write_sync(config: llm.LLMConfig, prompt: Prompt) -> Brief:
    """`write` for job worker threads; never call it on the event loop."""
    return asyncio.run(write(config, prompt))
