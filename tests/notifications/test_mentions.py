"""Finding @mentions in Markdown: user names as accounts allows them, not in code, not in e-mail addresses,
sentence punctuation left off when a shorter name is the real user."""

from __future__ import annotations

import pytest

from devcell.notifications._mentions import all_names, resolve

KNOWN = {"ada": 1, "bob.smith": 2, "eve-": 3, "carl": 4}


@pytest.mark.parametrize(
    ("text", "ids"),
    [
        ("@ada please", {1}),
        ("Thanks @ada.", {1}),
        ("cc @Bob.Smith, @carl!", {2, 4}),
        ("@eve- is a real name", {3}),
        ("mail ada@example.org", set()),
        ("`@ada` and\n```\n@carl\n```\n", set()),
        ("~~~\n@carl\n~~~\n@ada", {1}),
        ("@ab is too short, @nobody is unknown", set()),
        ("(@ada)", {1}),
    ],
)
def test_resolving_mentions(text: str, ids: set[int]) -> None:
    assert resolve(text, KNOWN) == ids


def test_names_to_look_up_include_both_spellings_of_a_trailing_dot() -> None:
    assert all_names("Thanks @ada. and @bob.smith") == {"ada.", "ada", "bob.smith"}
