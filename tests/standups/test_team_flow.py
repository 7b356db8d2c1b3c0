"""The issue's acceptance flow over the API: a new team files a standup, converts a blocker and works the task."""

from __future__ import annotations

from starlette.applications import Starlette

from tests.conftest import Actor
from tests.standups.conftest import make_project, person


def test_member_files_converts_and_works_a_blocker_viewer_reads_dashboard_shows(app: Starlette, admin: Actor) -> None:
    member = person(app, admin, "mia")
    viewer = person(app, admin, "vic")
    project_id = make_project(admin, "Lab", member=member, viewer=viewer)

    entry = member.post(
        "/api/standups",
        json={"yesterday": "- Set up CI", "blockers": "- Runner has no disk", "project_id": project_id},
    ).json()
    converted = member.post(
        f"/api/standups/{entry['id']}/convert", json={"items": [{"section": "blockers", "text": "Runner has no disk"}]}
    )
    assert converted.status_code == 201, converted.text
    task = converted.json()["tasks"][0]
    assert (task["status"], task["project"]["id"], task["origin_standup_id"]) == ("blocked", project_id, entry["id"])

    moved = member.patch(f"/api/tasks/{task['id']}", json={"status": "in_progress"})
    assert moved.json()["status"] == "in_progress"
    assert member.post(f"/api/tasks/{task['id']}/comments", json={"body": "Freed 20 GB"}).status_code == 201

    seen = viewer.get(f"/api/standups/{entry['id']}").json()
    assert seen["tasks"] == [{"id": task["id"], "title": "Runner has no disk", "status": "in_progress"}]
    assert seen["can_edit"] is False
    assert viewer.patch(f"/api/standups/{entry['id']}", json={"today": "x"}).status_code == 403
    assert viewer.patch(f"/api/tasks/{task['id']}", json={"status": "done"}).status_code == 403

    for actor in (member, viewer):
        board = actor.get("/api/dashboard").json()
        card = board["projects"][0]
        assert (card["id"], card["task_counts"]["in_progress"]) == (project_id, 1)
        assert ("task", task["id"]) in {(item["kind"], item["id"]) for item in board["recent_activity"]}
    assert member.get("/api/dashboard").json()["my_tasks"]["in_progress"] == 1
    assert member.get("/api/dashboard").json()["standup"] == {"filed": True, "id": entry["id"], "day": entry["day"]}
