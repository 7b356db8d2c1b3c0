"""How code is shown to the reviewer: diff detection, numbering and language detection (pure functions)."""

from __future__ import annotations

import pytest

from devcell.assistant.review._code import detect_language, is_diff, number

HUNK_ONLY = "@@ -1,2 +1,2 @@\n-a = 1\n+a = 2\n b = 3\n\\ No newline at end of file\n"


def test_a_plain_file_is_numbered_from_one() -> None:
    code = number("first\n\n  third\n")
    assert code.text == "1 | first\n2 | \n3 |   third"
    assert (code.lines, code.line_count, code.diff) == (frozenset({1, 2, 3}), 3, False)


def test_a_pasted_hunk_is_a_diff_and_numbered_by_the_new_lines() -> None:
    code = number(HUNK_ONLY)
    assert code.diff
    assert code.lines == frozenset({1, 2})
    assert code.text.splitlines() == [
        "      | @@ -1,2 +1,2 @@",
        "      | -a = 1",
        "    1 | +a = 2",
        "    2 |  b = 3",
        "      | \\ No newline at end of file",
    ]


def test_two_files_in_one_diff_keep_their_own_numbers() -> None:
    diff = (
        "--- a/x.go\n+++ b/x.go\n@@ -5 +5 @@\n-x\n+y\n"
        "--- a/-- not a hunk line.go\n+++ b/z.go\n@@ -0,0 +1,2 @@\n+one\n+two\n"
    )
    code = number(diff)
    assert (code.diff, code.language) == (True, "go")
    assert code.lines == frozenset({5, 1, 2})


@pytest.mark.parametrize(
    "text",
    ["print('@@ -1 +1 @@')\n", "x = 1\n+++ counter\n", "--- a/x\n+++ b/x\nno hunk here\n"],
    ids=["marker-in-a-string", "plus-lines", "headers-only"],
)
def test_code_that_merely_looks_like_a_diff_is_not_one(text: str) -> None:
    assert not is_diff(text)


@pytest.mark.parametrize(
    ("code", "language"),
    [
        ("#!/usr/bin/env python3\nprint(1)\n", "python"),
        ("from os import path\n", "python"),
        ("#!/bin/bash\nset -eu\n", "shell"),
        ("package main\n\nfunc main() {}\n", "go"),
        ("package org.example;\npublic class A {}\n", "java"),
        ("fn main() {\n    let mut x = 1;\n}\n", "rust"),
        ("#include <stdio.h>\n", "c"),
        ("<?php echo 1; ?>\n", "php"),
        ("export interface User { id: number }\n", "typescript"),
        ("const x = () => {\n  console.log(1);\n};\n", "javascript"),
        ("SELECT * FROM t WHERE id = 1;\n", "sql"),
        ("Just some words.\n", ""),
    ],
)
def test_language_detection(code: str, language: str) -> None:
    assert detect_language(code, diff=False) == language
