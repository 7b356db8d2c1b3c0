"""CSV export of the filtered task list, safe to open in a spreadsheet."""

from __future__ import annotations

import csv
import io
from typing import TYPE_CHECKING, Any

from devcell.core.db import unit_of_work
from devcell.tasks import _query
from devcell.tasks.schemas import TaskQuery

if TYPE_CHECKING:
    from devcell.core.auth import Principal

MAX_ROWS = 10_000
COLUMNS = (
    "id",
    "title",
    "status",
    "progress",
    "priority",
    "due_date",
    "assignee",
    "project",
    "creator",
    "created_at",
    "updated_at",
    "archived",
    "description",
    "labels",  # last, so spreadsheets built on the earlier columns keep working
)
# A cell starting with one of these is run as a formula by spreadsheets (CSV injection); a leading ' makes it
# text. Tab and carriage return are on OWASP's list too.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _safe(value: Any) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _cells(task: dict[str, Any]) -> list[str]:
    assignee, project = task["assignee"], task["project"]
    return [
        str(task["id"]),
        _safe(task["title"]),
        task["status"],
        str(task["progress"]),
        task["priority"],
        task["due_date"] or "",
        _safe(assignee["username"] if assignee else ""),
        _safe(project["name"] if project else ""),
        _safe(task["creator"]["username"]),
        task["created_at"],
        task["updated_at"],
        "true" if task["archived"] else "false",
        _safe(task["description"]),
        _safe(", ".join(label["name"] for label in task["labels"])),
    ]


@unit_of_work()
def export_csv(principal: Principal, query: TaskQuery, default_tz: str = "UTC") -> tuple[str, str]:
    """(the caller's today, CSV): the tasks the list would show with these filters (all pages, up to 10,000),
    with a BOM so spreadsheets detect UTF-8."""
    where, viewer = _query.build_where(query, principal, default_tz)
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for task in _query.fetch(where, viewer, query.sort, MAX_ROWS, 0):
        writer.writerow(_cells(task))
    return viewer.today, out.getvalue()
