"""One role's prompt: its system prompt, the input and the previous roles' outputs, within the context budget.

The input comes first (cut, with a note, when it alone is too big); the previous outputs get the rest, newest
first, so the oldest are the ones left out; the note about what was left out goes into the prompt."""

from __future__ import annotations

from dataclasses import dataclass

from devcell.assistant.workflows._pipelines import Pipeline, Role, system_prompt
from devcell.core.llm import estimate_tokens
from devcell.core.prompts import fit, input_budget

FRAME = "Input:\n\n\nOutputs of the previous agents, oldest first:\n\n\n"
NOTES_TOKENS = 100  # the notes about what was left out, and each message's framing


@dataclass(frozen=True)
class Output:
    role: Role
    text: str


@dataclass(frozen=True)
class RolePrompt:
    messages: list[dict[str, str]]
    omitted: str | None
    max_tokens: int


def reply_tokens(context_tokens: int) -> int:
    """Room kept for each role's answer: a quarter of the context, between 256 and 1,500 tokens."""
    return max(256, min(1500, context_tokens // 4))


def _render(output: Output) -> str:
    return f"## {output.role.name} ({output.role.artifact})\n\n{output.text.strip()}"


def _cut(text: str, budget: int) -> tuple[str, str | None]:
    """The input's head when it does not fit (estimate_tokens counts about 3 characters per token)."""
    if estimate_tokens(text) <= budget:
        return text, None
    kept = text[: max(0, (budget - 1) * 3)]
    return kept, f"The input was cut to its first {len(kept):,} of {len(text):,} characters to fit the model's context."


def build(
    pipeline: Pipeline, role: Role, text: str, project: str | None, outputs: list[Output], context_tokens: int
) -> RolePrompt:
    system = system_prompt(pipeline, role)
    header = f"Project: {project}\n\n" if project else ""
    reserve = reply_tokens(context_tokens)
    budget = max(0, input_budget(context_tokens, system, header, FRAME, reserve=reserve) - NOTES_TOKENS)
    newest_first = list(reversed(outputs))
    wanted = sum(estimate_tokens(_render(o)) + 2 for o in newest_first)
    # The input may take what the outputs leave, and at least half when they compete.
    text, input_note = _cut(text, budget if not outputs else max(budget // 2, budget - wanted))
    fitted = fit(newest_first, _render, max(0, budget - estimate_tokens(text)), "earlier agents' outputs")
    notes = " ".join(n for n in (input_note, fitted.note) if n) or None
    user = f"{header}Input:\n\n{text}"
    if fitted.kept:
        user += "\n\nOutputs of the previous agents, oldest first:\n\n" + "\n\n".join(reversed(fitted.blocks))
    if notes:
        user += f"\n\n({notes})"
    messages = [{"role": "system", "content": system}, {"role": "user", "content": user}]
    return RolePrompt(messages, notes, reserve)
