"""The original DevCell's project bugs (shared/reference/upstream-devcell.md §7.4) do not recur."""

from __future__ import annotations

import contextlib
import sqlite3

from devcell.core.config import Config
from tests.projects.conftest import Team, error, fields, ok


def test_b5_an_invalid_status_is_refused_and_the_list_keeps_working(team: Team) -> None:
    """B5: an unvalidated status was stored, and every later GET /api/projects answered 500."""
    assert fields(team.alice.patch(f"/api/projects/{team.project_id}", json={"status": "archived"})) == {"status"}
    assert ok(team.alice.get(f"/api/projects/{team.project_id}"))["status"] == "active"
    assert ok(team.bob.get("/api/projects"))["total"] == 1


def test_b6_deleting_a_project_orphans_nothing(team: Team, config: Config) -> None:
    """B6: only the project row went; members, tasks and standups were orphaned and unreadable even by admins."""
    kept = ok(team.bob.post("/api/tasks", json={"title": "Kept", "project_id": team.project_id}), 201)
    with contextlib.closing(sqlite3.connect(config.database_path)) as db, db:
        db.execute(
            "INSERT INTO standup (author_id, day, project_id, created_at, updated_at) "
            "VALUES (?, '2030-01-01', ?, '2030-01-01 00:00:00', '2030-01-01 00:00:00')",
            (team.uid(team.bob), team.project_id),
        )
    ok(team.alice.delete(f"/api/projects/{team.project_id}?tasks=archive"), 204)
    assert ok(team.admin.patch(f"/api/tasks/{kept['id']}", json={"title": "Still editable"}))["project"] is None
    assert error(team.admin.get(f"/api/projects/{team.project_id}/members"), 404)["code"] == "project_not_found"
    with contextlib.closing(sqlite3.connect(config.database_path)) as db:
        assert db.execute("SELECT COUNT(*) FROM project_member").fetchone() == (0,)
        assert db.execute("SELECT project_id FROM standup").fetchall() == [(None,)]
        assert db.execute("SELECT COUNT(*) FROM task WHERE project_id IS NOT NULL").fetchone() == (0,)
