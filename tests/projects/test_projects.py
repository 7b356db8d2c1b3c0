"""Projects: create, list and filter, read, edit, archive, delete with the choice for their tasks."""

from __future__ import annotations

import pytest

from tests.conftest import Actor
from tests.projects.conftest import Team, add_member, error, fields, new_project, ok


def names(actor: Actor, **params: object) -> list[str]:
    return [p["name"] for p in ok(actor.get("/api/projects", params=params))["items"]]


# Create


def test_create_makes_the_creator_owner(user: Actor) -> None:
    project = ok(user.post("/api/projects", json={"name": "Zeus", "description": "**Big**"}), 201)
    assert project["my_role"] == "owner"
    assert (project["can_edit"], project["can_manage"], project["member_count"]) == (True, True, 1)
    assert project["status"] == "active"
    assert project["created_by"] == {"id": user.user["id"], "username": "user", "display_name": ""}
    assert project["task_counts"] == {"total": 0, "todo": 0, "in_progress": 0, "blocked": 0, "done": 0}


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "name"),
        ({"name": "   "}, "name"),
        ({"name": "x" * 121}, "name"),
        ({"name": "Ok", "status": "archived"}, "status"),
        ({"name": "Ok", "description": "x" * 20_001}, "description"),
        ({"name": "Ok", "owner": "someone"}, "owner"),
    ],
)
def test_create_refuses_invalid_fields(user: Actor, body: dict[str, object], field: str) -> None:
    assert field in fields(user.post("/api/projects", json=body))


def test_create_refuses_a_name_in_use_in_any_case(team: Team) -> None:
    assert error(team.dave.post("/api/projects", json={"name": "APOLLO"}), 409)["code"] == "project_name_taken"


# List


def test_list_shows_members_only_their_projects(team: Team) -> None:
    new_project(team.dave, "Dave's")
    assert names(team.bob) == ["Apollo"]
    assert names(team.dave) == ["Dave's"]


def test_list_shows_admins_every_project_and_mine_limits_them(team: Team) -> None:
    new_project(team.admin, "Admin's")
    assert names(team.admin) == ["Admin's", "Apollo"]
    assert names(team.admin, mine="true") == ["Admin's"]


def test_list_filters_by_text_status_and_archived(team: Team) -> None:
    new_project(team.alice, "Gemini", status="planned")
    archived = new_project(team.alice, "Mercury")
    ok(team.alice.patch(f"/api/projects/{archived}", json={"archived": True}))
    assert names(team.alice, q="MOON") == ["Apollo"]
    assert names(team.alice, status="planned") == ["Gemini"]
    assert names(team.alice) == ["Apollo", "Gemini"]
    assert names(team.alice, archived="true") == ["Mercury"]
    assert names(team.alice, archived="all") == ["Apollo", "Gemini", "Mercury"]


def test_list_text_filter_folds_every_letter(team: Team) -> None:
    new_project(team.alice, "Ölwechsel")
    assert names(team.alice, q="öLW") == ["Ölwechsel"]


def test_list_paginates_with_total(team: Team) -> None:
    for name in ("B", "C", "D"):
        new_project(team.alice, name)
    page = ok(team.alice.get("/api/projects", params={"limit": 2, "offset": 1}))
    assert ([p["name"] for p in page["items"]], page["total"]) == (["B", "C"], 4)


def test_list_refuses_unknown_parameters(user: Actor) -> None:
    assert fields(user.get("/api/projects", params={"owner": "x"})) == {"query.owner"}


# Read


def test_get_shows_role_flags_and_counts(team: Team) -> None:
    ok(team.bob.post("/api/tasks", json={"title": "A", "project_id": team.project_id}), 201)
    ok(team.bob.post("/api/tasks", json={"title": "B", "project_id": team.project_id, "status": "done"}), 201)
    project = ok(team.carol.get(f"/api/projects/{team.project_id}"))
    assert (project["my_role"], project["can_edit"], project["can_manage"]) == ("viewer", False, False)
    assert project["member_count"] == 3
    assert project["task_counts"] == {"total": 2, "todo": 1, "in_progress": 0, "blocked": 0, "done": 1}
    bob = ok(team.bob.get(f"/api/projects/{team.project_id}"))
    assert (bob["my_role"], bob["can_edit"], bob["can_manage"]) == ("member", True, False)


def test_get_for_an_admin_who_is_not_a_member(team: Team) -> None:
    project = ok(team.admin.get(f"/api/projects/{team.project_id}"))
    assert (project["my_role"], project["can_edit"], project["can_manage"]) == (None, True, True)


def test_get_is_404_for_outsiders_and_unknown_ids(team: Team) -> None:
    assert error(team.dave.get(f"/api/projects/{team.project_id}"), 404)["code"] == "project_not_found"
    assert error(team.dave.get("/api/projects/999"), 404)["code"] == "project_not_found"


# Edit


def test_patch_changes_only_the_fields_sent(team: Team) -> None:
    project = ok(team.alice.patch(f"/api/projects/{team.project_id}", json={"status": "blocked"}))
    assert (project["status"], project["name"], project["description"]) == ("blocked", "Apollo", "The *moon* shot.")
    assert project["updated_at"] > project["created_at"]


def test_patch_null_description_clears_it(team: Team) -> None:
    assert ok(team.alice.patch(f"/api/projects/{team.project_id}", json={"description": None}))["description"] == ""


@pytest.mark.parametrize("field", ["name", "status", "archived"])
def test_patch_refuses_null_for_fields_that_cannot_be_empty(team: Team, field: str) -> None:
    assert fields(team.alice.patch(f"/api/projects/{team.project_id}", json={field: None})) == {field}


def test_patch_refuses_a_taken_name(team: Team) -> None:
    new_project(team.alice, "Gemini")
    response = team.alice.patch(f"/api/projects/{team.project_id}", json={"name": "gemini"})
    assert error(response, 409)["code"] == "project_name_taken"


def test_patch_needs_the_owner_role(team: Team) -> None:
    response = team.bob.patch(f"/api/projects/{team.project_id}", json={"name": "Mine now"})
    body = error(response, 403)
    assert (body["code"], body["detail"]) == ("project_role_required", {"need": "owner", "have": "member"})


def test_archive_hides_the_project_from_the_default_list(team: Team) -> None:
    ok(team.alice.patch(f"/api/projects/{team.project_id}", json={"archived": True}))
    assert names(team.bob) == []
    assert ok(team.bob.get(f"/api/projects/{team.project_id}"))["archived"] is True


# Delete


def test_delete_requires_an_explicit_choice_for_the_tasks(team: Team) -> None:
    assert fields(team.alice.delete(f"/api/projects/{team.project_id}")) == {"query.tasks"}
    assert fields(team.alice.delete(f"/api/projects/{team.project_id}?tasks=keep")) == {"query.tasks"}
    ok(team.alice.get(f"/api/projects/{team.project_id}"))


def test_delete_with_archive_keeps_tasks_as_archived_personal_tasks(team: Team) -> None:
    ok(team.alice.patch(f"/api/projects/{team.project_id}/members/carol", json={"role": "member"}))
    body = {"title": "Keep me", "project_id": team.project_id, "assignee_id": team.uid(team.carol)}
    task = ok(team.bob.post("/api/tasks", json=body), 201)
    ok(team.alice.delete(f"/api/projects/{team.project_id}?tasks=archive"), 204)
    for actor in (team.bob, team.carol, team.admin):  # creator, assignee, admin
        kept = ok(actor.get(f"/api/tasks/{task['id']}"))
        assert (kept["project"], kept["archived"], kept["can_edit"]) == (None, True, True)
    assert error(team.alice.get(f"/api/tasks/{task['id']}"), 404)["code"] == "task_not_found"
    actions = [a["action"] for a in ok(team.bob.get(f"/api/tasks/{task['id']}/activity"))["items"]]
    assert actions[:2] == ["archived", "moved"] or actions[:2] == ["moved", "archived"]


def test_delete_with_delete_removes_the_tasks(team: Team) -> None:
    task = ok(team.bob.post("/api/tasks", json={"title": "Go", "project_id": team.project_id}), 201)
    ok(team.alice.delete(f"/api/projects/{team.project_id}?tasks=delete"), 204)
    assert error(team.admin.get(f"/api/tasks/{task['id']}"), 404)["code"] == "task_not_found"
    assert error(team.alice.get(f"/api/projects/{team.project_id}"), 404)["code"] == "project_not_found"


def test_delete_needs_the_owner_role(team: Team) -> None:
    assert error(team.bob.delete(f"/api/projects/{team.project_id}?tasks=delete"), 403)["code"] == (
        "project_role_required"
    )
    assert error(team.dave.delete(f"/api/projects/{team.project_id}?tasks=delete"), 404)["code"] == (
        "project_not_found"
    )


# Deleting users who own projects


def test_deleting_a_project_creator_is_refused_until_reassigned(team: Team) -> None:
    alice = team.uid(team.alice)
    refused = error(team.admin.delete(f"/api/users/{alice}"), 409)
    assert (refused["code"], refused["detail"]["projects"]) == ("user_owns_data", 1)
    ok(team.admin.delete(f"/api/users/{alice}?reassign_to={team.uid(team.bob)}"), 204)
    project = ok(team.bob.get(f"/api/projects/{team.project_id}"))
    assert (project["created_by"]["username"], project["my_role"]) == ("bob", "owner")


def test_deleting_the_sole_owner_is_refused_even_if_someone_else_created_it(team: Team) -> None:
    add_member(team.alice, team.project_id, team.dave, "owner")
    ok(team.alice.patch(f"/api/projects/{team.project_id}/members/alice", json={"role": "member"}))
    ok(team.admin.delete(f"/api/users/{team.uid(team.alice)}?reassign_to={team.uid(team.bob)}"), 204)
    assert error(team.admin.delete(f"/api/users/{team.uid(team.dave)}"), 409)["detail"] == {"projects": 1}
