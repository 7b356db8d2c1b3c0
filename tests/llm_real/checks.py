"""What the real-model tests and the `llm_real` benchmark send and how they judge the answers. The judges read
fields the issue #16 contract adds (`truncated`, `warnings`) with .get, so the benchmark can measure the API
before that change too; the tests assert the fields exist."""

from __future__ import annotations

import json
import re
from typing import Any

# A snippet with real bugs: an empty list divides by zero, and items[len(items)] is always out of range.
BUGGY = """def average(values):
    total = 0
    for value in values:
        total += value
    return total / len(values)


def last_item(items):
    return items[len(items)]
"""
BUGGY_LINES = len(BUGGY.splitlines())
SEVERITIES = {"critical", "high", "medium", "low", "info"}

BACKUP_NOTE = """# Backups of the lab appliance

The nightly backup starts at 02:30 and writes one archive to the USB disk mounted at /srv/backup. Seven daily,
four weekly and six monthly archives are kept; older ones are deleted after each run. Every archive is verified
right after it is written: the database is opened and its integrity checked. To restore, stop the service, run
`devcell restore ARCHIVE` on the machine, and start the service again. The restore drill is done every quarter
by the on-call person, who writes down how long it took."""
QUESTION = "When does the nightly backup start, and how many daily archives are kept?"
CHAT = "Explain in detail how to plan a restore drill for a small team."
# An answer longer than any reply budget: the generation is cut, and the answer must say so.
LONG_CHAT = "Write a very long essay of at least 5,000 words on the history of backups, with many numbered sections."

TASKS = (("Replace the backup disk", "in_progress"), ("Write the restore runbook", "todo"),
         ("Upgrade the appliance to the new release", "done"))  # fmt: skip
STANDUP = {
    "yesterday": "Verified last night's backup archive.",
    "today": "Replace the backup disk and test a restore.",
    "blockers": "The new disk has not arrived yet.",
}
CITATION = re.compile(r"\[(\d+)\]")


def events(raw: str) -> list[tuple[str, Any]]:
    """Server-sent events: (event, data) in order."""
    out = []
    for block in raw.strip().split("\n\n"):
        lines = dict(line.split(": ", 1) for line in block.split("\n") if ": " in line and not line.startswith(":"))
        if "event" in lines:
            out.append((lines["event"], json.loads(lines.get("data", "null"))))
    return out


def review_problem(status: int, body: Any) -> str | None:
    """Why a review answer is not a valid structured review (None: it is): schema-valid, every issue's line
    numbers inside the code."""
    if status != 200 or not isinstance(body, dict):
        return f"{status}: {str(body)[:200]}"
    if not isinstance(body.get("summary"), str) or not body["summary"].strip():
        return "no summary"
    if not isinstance(body.get("issues"), list) or not isinstance(body.get("suggestions"), list):
        return "no issues or suggestions list"
    for issue in body["issues"]:
        if issue.get("severity") not in SEVERITIES or not str(issue.get("title", "")).strip():
            return f"an issue without severity or title: {issue}"
        for key in ("line", "end_line"):
            line = issue.get(key)
            if line is not None and not 1 <= line <= BUGGY_LINES:
                return f"{key} {line} is outside the code's {BUGGY_LINES} lines"
    return None


def units_problem(status: int, body: Any) -> str | None:
    """Why a training transform is not valid units (None: it is)."""
    if status != 200 or not isinstance(body, dict):
        return f"{status}: {str(body)[:200]}"
    units = body.get("units") or []
    if not units:
        return "no units"
    if not all(str(u.get("title", "")).strip() for u in units):
        return "a unit without a title"
    if not all(isinstance(u.get("week"), int) and u["week"] >= 1 for u in units):
        return "a unit without a week >= 1"
    return None


def sections_given(roadmap: str, warnings: list[str]) -> list[str]:
    """The roadmap's `## ` sections the model was given: those no warning names as left out."""
    headings = [line[3:].strip() for line in roadmap.splitlines() if line.startswith("## ")]
    left_out = " ".join(warnings)
    return [heading for heading in headings if heading not in left_out]


def cited(markdown: str) -> set[int]:
    return {int(n) for n in CITATION.findall(markdown)}


def ask_problem(status: int, body: Any) -> str | None:
    """Why a cited answer is not a valid one (None: it is): an LLM answer with text, citing only numbers among
    its citations, or saying in `warnings` that it does not."""
    if status != 200 or not isinstance(body, dict):
        return f"{status}: {str(body)[:200]}"
    if body.get("mode") != "llm" or not str(body.get("answer") or "").strip():
        return f"not an answer: {str(body)[:200]}"
    unknown = cited(body["answer"]) - {c["number"] for c in body.get("citations", [])}
    if unknown and not body.get("warnings"):
        return f"cites {sorted(unknown)}, which are not among its citations, without a warning"
    return None


def sitrep_problem(body: dict[str, Any]) -> str | None:
    """Why a finished SITREP breaks the contract (None: it keeps it). Failed is honest; ready must cite inputs and
    list only what it cites, or carry a warning."""
    if body["status"] != "ready":
        return None if body["status"] == "failed" else f"status {body['status']}"
    if body.get("warnings"):
        return None
    numbers = cited(body["markdown"])
    listed = {source["number"] for source in body["sources"]}
    if not numbers:
        return "ready without a warning, citing nothing"
    if not listed <= numbers:
        return f"sources lists {sorted(listed - numbers)}, which the answer does not cite"
    if not numbers <= listed:
        return f"the answer cites {sorted(numbers - listed)}, which are not among its sources"
    return None
