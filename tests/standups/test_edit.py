"""PATCH and DELETE /api/standups/{id}: the author (or an administrator) edits; the day never changes."""

from __future__ import annotations

import pytest

from tests.conftest import Actor
from tests.standups.conftest import error, filed, make_project, set_setting


def test_patch_changes_only_the_fields_sent(user: Actor) -> None:
    entry = filed(user, yesterday="Before", blockers="Waiting on review")
    response = user.patch(f"/api/standups/{entry['id']}", json={"blockers": "None now"})
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["yesterday"], body["today"], body["blockers"]) == ("Before", entry["today"], "None now")
    assert body["updated_at"] > entry["updated_at"]
    assert body["created_at"] == entry["created_at"]


@pytest.mark.parametrize("cleared", [None, ""])
def test_patch_null_or_empty_clears_a_section(user: Actor, cleared: str | None) -> None:
    entry = filed(user, blockers="Waiting")
    body = user.patch(f"/api/standups/{entry['id']}", json={"blockers": cleared}).json()
    assert body["blockers"] == ""


def test_patch_may_not_empty_every_section(user: Actor) -> None:
    entry = filed(user)
    response = user.patch(f"/api/standups/{entry['id']}", json={"today": None})
    assert response.status_code == 422
    assert user.get(f"/api/standups/{entry['id']}").json()["today"] == entry["today"]


def test_patch_may_not_change_the_day(user: Actor) -> None:
    entry = filed(user)
    response = user.patch(f"/api/standups/{entry['id']}", json={"day": "2020-01-01"})
    assert response.status_code == 422
    assert error(response)["detail"][0]["field"] == "day"


def test_patch_sets_and_clears_the_project(admin: Actor, user: Actor) -> None:
    project_id = make_project(admin, viewer=user)
    entry = filed(user)
    assert user.patch(f"/api/standups/{entry['id']}", json={"project_id": project_id}).json()["project"] == {
        "id": project_id,
        "name": "Apollo",
    }
    assert user.patch(f"/api/standups/{entry['id']}", json={"project_id": None}).json()["project"] is None


def test_patch_to_a_project_i_cannot_see_is_404(admin: Actor, user: Actor) -> None:
    project_id = make_project(admin)
    entry = filed(user)
    response = user.patch(f"/api/standups/{entry['id']}", json={"project_id": project_id})
    assert response.status_code == 404
    assert user.get(f"/api/standups/{entry['id']}").json()["project"] is None


def test_patch_someone_elses_entry_is_403_when_readable(user: Actor, other: Actor) -> None:
    entry = filed(user)
    response = other.patch(f"/api/standups/{entry['id']}", json={"today": "Mine now"})
    assert response.status_code == 403
    assert error(response)["code"] == "standup_author_required"


def test_patch_someone_elses_entry_is_404_when_private(admin: Actor, user: Actor, other: Actor) -> None:
    entry = filed(user)
    set_setting(admin, "standup_visibility", "private")
    assert other.patch(f"/api/standups/{entry['id']}", json={"today": "x"}).status_code == 404
    assert other.delete(f"/api/standups/{entry['id']}").status_code == 404


def test_admin_may_edit_and_delete_anyones_entry(admin: Actor, user: Actor) -> None:
    entry = filed(user)
    assert admin.patch(f"/api/standups/{entry['id']}", json={"today": "Edited"}).json()["today"] == "Edited"
    assert admin.delete(f"/api/standups/{entry['id']}").status_code == 204
    assert user.get(f"/api/standups/{entry['id']}").status_code == 404


def test_patch_unknown_is_404(user: Actor) -> None:
    assert user.patch("/api/standups/999999", json={"today": "x"}).status_code == 404


def test_delete_own_entry_frees_the_day(user: Actor) -> None:
    entry = filed(user)
    assert user.delete(f"/api/standups/{entry['id']}").status_code == 204
    assert user.get(f"/api/standups/{entry['id']}").status_code == 404
    assert filed(user)["day"] == entry["day"]


def test_delete_someone_elses_entry_is_403(user: Actor, other: Actor) -> None:
    entry = filed(user)
    assert other.delete(f"/api/standups/{entry['id']}").status_code == 403
    assert user.get(f"/api/standups/{entry['id']}").status_code == 200


def test_delete_keeps_converted_tasks_without_the_link(user: Actor) -> None:
    entry = filed(user, blockers="Broken build")
    task = user.post(f"/api/standups/{entry['id']}/convert", json={"items": [{"section": "blockers", "text": "Fix"}]})
    task_id = task.json()["tasks"][0]["id"]
    assert user.delete(f"/api/standups/{entry['id']}").status_code == 204
    kept = user.get(f"/api/tasks/{task_id}")
    assert kept.status_code == 200
    assert kept.json()["origin_standup_id"] is None
