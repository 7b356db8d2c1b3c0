"""Token budgeting: what fits is kept in order, what does not is counted and named."""

from __future__ import annotations

from devcell.core.llm import estimate_tokens
from devcell.core.prompts import fit, input_budget, prompt_tokens


def test_everything_fits_without_a_note() -> None:
    fitted = fit(["a", "b"], lambda x: x, 100, "standups")
    assert fitted.kept == ["a", "b"]
    assert fitted.text == "a\n\nb"
    assert fitted.omitted == 0
    assert fitted.note is None


def test_keeps_leading_items_and_counts_the_rest() -> None:
    items = [f"item {i} " + "x" * 300 for i in range(10)]
    budget = 3 * (estimate_tokens(items[0]) + 2)
    fitted = fit(items, lambda x: x, budget, "tasks")
    assert fitted.kept == items[:3]
    assert fitted.omitted == 7
    assert fitted.tokens <= budget
    assert fitted.note is not None
    assert "7" in fitted.note
    assert "tasks" in fitted.note


def test_an_item_too_big_alone_is_skipped_and_smaller_later_ones_still_fit() -> None:
    fitted = fit(["y" * 3000, "small"], lambda x: x, 50)
    assert fitted.kept == ["small"]
    assert fitted.omitted == 1


def test_zero_budget_keeps_nothing() -> None:
    fitted = fit(["a"], lambda x: x, 0)
    assert fitted.kept == []
    assert fitted.omitted == 1


def test_input_budget_subtracts_fixed_texts_and_reserve_and_never_goes_negative() -> None:
    system = "s" * 300
    assert input_budget(4096, system, reserve=800) == 4096 - 800 - estimate_tokens(system)
    assert input_budget(100, "x" * 3000) == 0


def test_prompt_tokens_counts_every_message() -> None:
    messages = [{"role": "system", "content": "a" * 30}, {"role": "user", "content": "b" * 30}]
    assert prompt_tokens(messages) == 2 * (estimate_tokens("a" * 30) + 4)
