"""The original DevCell's project bugs (shared/reference/upstream-devcell.md §7.4) do not recur."""

from __future__ import annotations

from devcell.core.config import Config
from tests.accounts.conftest import run_elsewhere
from tests.projects.conftest import Team, error, fields, ok


def test_b5_an_invalid_status_is_refused_and_the_list_keeps_working(team: Team) -> None:
    """B5: an unvalidated status was stored, and every later GET /api/projects answered 500."""
    assert fields(team.alice.patch(f"/api/projects/{team.project_id}", json={"status": "archived"})) == {"status"}
    assert ok(team.alice.get(f"/api/projects/{team.project_id}"))["status"] == "active"
    assert ok(team.bob.get("/api/projects"))["total"] == 1


def test_b6_deleting_a_project_orphans_nothing(team: Team, config: Config) -> None:
    """B6: only the project row went; members, tasks and standups were orphaned and unreadable even by admins."""
    kept = ok(team.bob.post("/api/tasks", json={"title": "Kept", "project_id": team.project_id}), 201)
    run_elsewhere(
        config,
        "INSERT INTO standup (author_id, day, project_id, created_at, updated_at) "
        "VALUES (?, '2030-01-01', ?, '2030-01-01 00:00:00', '2030-01-01 00:00:00')",
        team.uid(team.bob),
        team.project_id,
    )
    ok(team.alice.delete(f"/api/projects/{team.project_id}?tasks=archive"), 204)
    assert ok(team.admin.patch(f"/api/tasks/{kept['id']}", json={"title": "Still editable"}))["project"] is None
    assert error(team.admin.get(f"/api/projects/{team.project_id}/members"), 404)["code"] == "project_not_found"
    assert run_elsewhere(config, "SELECT COUNT(*) FROM project_member") == [(0,)]
    assert run_elsewhere(config, "SELECT project_id FROM standup") == [(None,)]
    assert run_elsewhere(config, "SELECT COUNT(*) FROM task WHERE project_id IS NOT NULL") == [(0,)]
