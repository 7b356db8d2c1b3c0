"""CSV export: opens in a spreadsheet (BOM, columns), follows the list's filters, never runs a formula."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

from tests.conftest import Actor
from tests.projects.conftest import error, fields
from tests.tasks.conftest import Team, new_task

COLUMNS = [
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
    "labels",
]


def export(actor: Actor, **params: object) -> list[dict[str, str]]:
    response = actor.get("/api/tasks/export.csv", params=params)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert response.content.startswith(b"\xef\xbb\xbf")
    reader = csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"), newline=""))
    assert reader.fieldnames == COLUMNS
    return list(reader)


def test_export_is_an_attachment_named_by_day(user: Actor) -> None:
    """The user's day; with no time zone set anywhere that is the UTC day."""
    response = user.get("/api/tasks/export.csv")
    today = datetime.now(UTC).date().isoformat()
    assert response.headers["content-disposition"] == f'attachment; filename="tasks-{today}.csv"'


def test_export_has_one_row_per_task_with_readable_columns(team: Team) -> None:
    body = {"project_id": team.project_id, "assignee_id": team.uid(team.alice), "due_date": "2030-01-02"}
    task = new_task(team.bob, 'Ship, "quoted"\nand multiline', description="Ünïcode — ok", **body)
    [row] = export(team.bob)
    assert row == {
        "id": str(task["id"]),
        "title": 'Ship, "quoted"\nand multiline',
        "status": "todo",
        "progress": "0",
        "priority": "normal",
        "due_date": "2030-01-02",
        "assignee": "alice",
        "project": "Apollo",
        "creator": "bob",
        "created_at": task["created_at"],
        "updated_at": task["updated_at"],
        "archived": "false",
        "description": "Ünïcode — ok",
        "labels": "",
    }


def test_export_neutralises_formulas(user: Actor) -> None:
    for title in ('=HYPERLINK("http://x")', "+1+1", "-2", "@SUM(A1)", "Plain"):
        new_task(user, title, description="=cmd|' /C calc'!A0")
    rows = export(user, sort="title")
    assert sorted(r["title"] for r in rows) == sorted(
        ['\'=HYPERLINK("http://x")', "'+1+1", "'-2", "'@SUM(A1)", "Plain"]
    )
    assert {r["description"] for r in rows} == {"'=cmd|' /C calc'!A0"}


def test_export_follows_the_filters_and_visibility(team: Team) -> None:
    new_task(team.bob, "Project", project_id=team.project_id, status="blocked")
    new_task(team.bob, "Personal")
    new_task(team.dave, "Dave's")
    assert [r["title"] for r in export(team.bob, status="blocked")] == ["Project"]
    assert [r["title"] for r in export(team.carol)] == ["Project"]
    assert sorted(r["title"] for r in export(team.admin)) == ["Dave's", "Personal", "Project"]


def test_export_of_an_invisible_project_is_404(team: Team) -> None:
    response = team.dave.get("/api/tasks/export.csv", params={"project": team.project_id})
    assert error(response, 404)["code"] == "project_not_found"


def test_export_refuses_invalid_filters(user: Actor) -> None:
    assert fields(user.get("/api/tasks/export.csv", params={"status": "closed"})) == {"query.status.0"}
