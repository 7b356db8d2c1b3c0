"""Project members: list, add by user name, change roles and hand over ownership, remove and leave."""

from __future__ import annotations

from tests.conftest import Actor, create_user
from tests.projects.conftest import Team, error, fields, ok


def members(team: Team, actor: Actor | None = None) -> list[tuple[str, str]]:
    items = ok((actor or team.alice).get(f"/api/projects/{team.project_id}/members"))["items"]
    return [(m["user"]["username"], m["role"]) for m in items]


def url(team: Team, username: str = "") -> str:
    return f"/api/projects/{team.project_id}/members" + (f"/{username}" if username else "")


def test_members_are_listed_owners_first(team: Team) -> None:
    assert members(team, team.carol) == [("alice", "owner"), ("bob", "member"), ("carol", "viewer")]


def test_member_out_has_user_ref_role_and_time(team: Team) -> None:
    first = ok(team.alice.get(url(team)))["items"][0]
    assert first["user"] == {"id": team.uid(team.alice), "username": "alice", "display_name": "Alice"}
    assert first["added_at"].endswith("Z")


def test_add_member_by_user_name_in_any_case(team: Team) -> None:
    added = ok(team.alice.post(url(team), json={"username": "DAVE", "role": "viewer"}), 201)
    assert (added["user"]["username"], added["role"]) == ("dave", "viewer")
    ok(team.dave.get(f"/api/projects/{team.project_id}"))


def test_add_member_defaults_to_member_role(team: Team) -> None:
    assert ok(team.alice.post(url(team), json={"username": "dave"}), 201)["role"] == "member"


def test_add_member_refuses_unknown_and_inactive_users(team: Team) -> None:
    assert fields(team.alice.post(url(team), json={"username": "nobody"})) == {"username"}
    ghost = create_user(team.admin, "ghost")
    ok(team.admin.patch(f"/api/users/{ghost['id']}", json={"active": False}))
    assert fields(team.alice.post(url(team), json={"username": "ghost"})) == {"username"}


def test_add_member_refuses_an_invalid_role(team: Team) -> None:
    assert fields(team.alice.post(url(team), json={"username": "dave", "role": "admin"})) == {"role"}


def test_add_member_twice_is_a_conflict(team: Team) -> None:
    assert error(team.alice.post(url(team), json={"username": "bob"}), 409)["code"] == "already_member"


def test_add_member_needs_the_owner_role(team: Team) -> None:
    assert error(team.bob.post(url(team), json={"username": "dave"}), 403)["code"] == "project_role_required"


def test_change_role(team: Team) -> None:
    changed = ok(team.alice.patch(url(team, "carol"), json={"role": "member"}))
    assert changed["role"] == "member"
    ok(team.carol.post("/api/tasks", json={"title": "Now I can", "project_id": team.project_id}), 201)


def test_change_role_of_a_non_member_is_404(team: Team) -> None:
    assert error(team.alice.patch(url(team, "dave"), json={"role": "member"}), 404)["code"] == "member_not_found"


def test_demoting_the_last_owner_is_refused(team: Team) -> None:
    assert error(team.alice.patch(url(team, "alice"), json={"role": "member"}), 409)["code"] == "last_owner"


def test_ownership_is_transferred_by_promoting_then_stepping_down(team: Team) -> None:
    ok(team.alice.patch(url(team, "bob"), json={"role": "owner"}))
    ok(team.alice.patch(url(team, "alice"), json={"role": "member"}))
    assert members(team, team.bob) == [("bob", "owner"), ("alice", "member"), ("carol", "viewer")]
    assert error(team.alice.patch(url(team, "carol"), json={"role": "member"}), 403)["code"] == (
        "project_role_required"
    )


def test_owner_removes_a_member_who_then_loses_access(team: Team) -> None:
    ok(team.alice.delete(url(team, "bob")), 204)
    assert error(team.bob.get(f"/api/projects/{team.project_id}"), 404)["code"] == "project_not_found"


def test_any_member_may_leave(team: Team) -> None:
    ok(team.carol.delete(url(team, "carol")), 204)
    assert ("carol", "viewer") not in members(team)


def test_the_last_owner_cannot_leave_or_be_removed(team: Team) -> None:
    assert error(team.alice.delete(url(team, "alice")), 409)["code"] == "last_owner"
    assert error(team.admin.delete(url(team, "alice")), 409)["code"] == "last_owner"


def test_a_co_owner_may_leave(team: Team) -> None:
    ok(team.alice.patch(url(team, "bob"), json={"role": "owner"}))
    ok(team.alice.delete(url(team, "alice")), 204)


def test_removing_someone_else_needs_the_owner_role(team: Team) -> None:
    assert error(team.carol.delete(url(team, "bob")), 403)["code"] == "project_role_required"
    assert error(team.dave.delete(url(team, "bob")), 404)["code"] == "project_not_found"


def test_removing_a_non_member_is_404(team: Team) -> None:
    assert error(team.alice.delete(url(team, "dave")), 404)["code"] == "member_not_found"


def test_admin_manages_members_without_being_one(team: Team) -> None:
    ok(team.admin.post(url(team), json={"username": "dave", "role": "owner"}), 201)
    ok(team.admin.delete(url(team, "alice")), 204)
    assert members(team, team.dave) == [("dave", "owner"), ("bob", "member"), ("carol", "viewer")]
