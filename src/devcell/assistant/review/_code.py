"""The code as the model sees it: numbered lines (a diff numbered by the new file's lines), and its language."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import PurePosixPath

HUNK = re.compile(r"^@@ -\d+(?:,(\d+))? \+(\d+)(?:,(\d+))? @@")
EXTENSIONS = {
    ".py": "python", ".js": "javascript", ".jsx": "javascript", ".mjs": "javascript", ".ts": "typescript",
    ".tsx": "typescript", ".go": "go", ".rs": "rust", ".java": "java", ".kt": "kotlin", ".c": "c", ".h": "c",
    ".cc": "cpp", ".cpp": "cpp", ".hpp": "cpp", ".cs": "csharp", ".rb": "ruby", ".php": "php", ".sh": "shell",
    ".bash": "shell", ".ps1": "powershell", ".sql": "sql", ".swift": "swift", ".lua": "lua", ".yaml": "yaml",
    ".yml": "yaml", ".json": "json", ".html": "html", ".css": "css", ".tf": "terraform",
}  # fmt: skip
# First match wins: the more specific signs come first (Go's "package x" has no semicolon, Java's has one).
SIGNS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern, re.MULTILINE), language)
    for pattern, language in (
        (r"\A#!.*\bpython", "python"),
        (r"\A#!.*\b(ba|z)?sh\b", "shell"),
        (r"<\?php", "php"),
        (r"^package \w+\s*$", "go"),
        (r"^\s*(pub\s+)?fn \w+.*\{|\blet mut\b", "rust"),
        (r"^\s*#include\s*[<\"]", "c"),
        (r"^package [\w.]+;|^\s*public (final )?(class|interface) ", "java"),
        (r"^\s*(def \w+\(.*\):|from [\w.]+ import |import \w+$|class \w+(\(.*\))?:)", "python"),
        (r"^\s*(interface \w+ \{|type \w+ = |export (type|interface) )", "typescript"),
        (r"\bfunction\b|^\s*(const|let) \w+ = |=> \{|console\.log", "javascript"),
        (r"^\s*(SELECT|INSERT INTO|UPDATE|DELETE FROM|CREATE (TABLE|INDEX))\b", "sql"),
    )
)


@dataclass(frozen=True)
class NumberedCode:
    text: str  # every line as "  12 | code"; diff lines the new file lacks have no number
    lines: frozenset[int]  # the line numbers a review may cite
    line_count: int
    diff: bool
    language: str  # "" when it could not be told


def is_diff(code: str) -> bool:
    """A unified diff: a hunk header after a `+++ ` file header, or a paste that starts with a hunk."""
    lines = code.lstrip("\n").splitlines()
    if lines and HUNK.match(lines[0]):
        return True
    seen_new_file = False
    for line in lines:
        if line.startswith("+++ "):
            seen_new_file = True
        elif seen_new_file and HUNK.match(line):
            return True
    return False


def _diff_language(code: str) -> str:
    for line in code.splitlines():
        if line.startswith("+++ ") and (suffix := PurePosixPath(line[4:].split("\t")[0].strip()).suffix):
            return EXTENSIONS.get(suffix.lower(), "")
    return ""


def detect_language(code: str, diff: bool) -> str:
    if diff:
        return _diff_language(code)
    head = code[:20_000]
    return next((language for sign, language in SIGNS if sign.search(head)), "")


def _number_plain(code: str) -> tuple[list[str], set[int]]:
    lines = code.splitlines()
    width = len(str(len(lines)))
    return [f"{n:>{width}} | {line}" for n, line in enumerate(lines, start=1)], set(range(1, len(lines) + 1))


def _number_diff(code: str) -> tuple[list[str], set[int]]:
    """Context and added lines get the new file's numbers; removed lines none; headers pass through."""
    out: list[str] = []
    valid: set[int] = set()
    old_left = new_left = 0
    new_line = 0
    for line in code.splitlines():
        hunk = HUNK.match(line)
        if hunk and old_left <= 0 and new_left <= 0:
            old_left = int(hunk.group(1) or 1)
            new_line = int(hunk.group(2))
            new_left = int(hunk.group(3) or 1)
            out.append(f"{'':>6}| {line}")
            continue
        inside = old_left > 0 or new_left > 0
        if inside and line.startswith("-"):
            old_left -= 1
            out.append(f"{'':>6}| {line}")
        elif inside and (line.startswith(("+", " ")) or line == ""):
            valid.add(new_line)
            out.append(f"{new_line:>5} | {line}")
            new_left -= 1
            old_left -= 0 if line.startswith("+") else 1
            new_line += 1
        else:  # file headers, "\ No newline at end of file"
            out.append(f"{'':>6}| {line}")
    return out, valid


def number(code: str, language: str = "") -> NumberedCode:
    diff = is_diff(code)
    lines, valid = (_number_diff if diff else _number_plain)(code)
    return NumberedCode("\n".join(lines), frozenset(valid), len(code.splitlines()), diff,
                        language or detect_language(code, diff))  # fmt: skip
