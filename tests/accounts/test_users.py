"""Administering users: list and search, create, edit, deactivate, reset passwords, delete, last-admin guard."""

from __future__ import annotations

import httpx2
import pytest
from starlette.testclient import TestClient

from devcell.accounts import routes, service
from devcell.accounts.errors import LastAdmin
from devcell.accounts.models import User
from devcell.accounts.schemas import UserOut, UserQuery
from devcell.accounts.service import OwnedData
from devcell.core.auth import Access
from devcell.core.db import close_database, transaction
from tests.accounts.conftest import Sql, error_code
from tests.conftest import USER_PASSWORD, Actor, create_user

NEW_PASSWORD = "reset-by-admin-77"


def login(client: TestClient, username: str, password: str = USER_PASSWORD) -> httpx2.Response:
    return client.post("/api/auth/login", json={"username": username, "password": password})


def names(response: httpx2.Response) -> list[str]:
    assert response.status_code == 200, response.text
    return [u["username"] for u in response.json()["items"]]


@pytest.fixture
def crew(admin: Actor) -> Actor:
    """Three more users to search: alice (red), bob (blue, admin), carol (red, deactivated)."""
    create_user(admin, "alice", team="Red", display_name="Alice Smith")
    create_user(admin, "bob", team="Blue", role="admin")
    carol = create_user(admin, "carol", team="Red")
    admin.patch(f"/api/users/{carol['id']}", json={"active": False})
    return admin


# Listing


def test_users_list_searches_user_name_display_name_and_team(crew: Actor) -> None:
    assert names(crew.get("/api/users", params={"q": "red"})) == ["alice", "carol"]
    assert names(crew.get("/api/users", params={"q": "SMITH"})) == ["alice"]


def test_users_list_filters_by_role(crew: Actor) -> None:
    assert names(crew.get("/api/users", params={"role": "admin"})) == ["admin", "bob"]


def test_users_list_filters_by_active(crew: Actor) -> None:
    assert names(crew.get("/api/users", params={"active": "false"})) == ["carol"]
    assert names(crew.get("/api/users", params={"active": "true", "q": "red"})) == ["alice"]


def test_users_list_paginates_with_total(crew: Actor) -> None:
    page = crew.get("/api/users", params={"limit": 2, "offset": 1}).json()
    assert [u["username"] for u in page["items"]] == ["alice", "bob"]
    assert (page["total"], page["limit"], page["offset"]) == (4, 2, 1)


def _model_page(filters: dict[str, object]) -> list[dict[str, object]]:
    """The page as the validated models would render it (the fast path hands plain dicts to the encoder)."""
    page = service.list_users(UserQuery.model_validate(filters))
    close_database()  # this test thread's connection
    return [user.model_dump(mode="json") for user in page.items]


@pytest.mark.parametrize("filters", [{}, {"q": "red"}, {"active": "false"}, {"role": "admin", "limit": 1}])
def test_users_list_answers_exactly_what_the_user_model_renders(crew: Actor, filters: dict[str, object]) -> None:
    response = crew.get("/api/users", params=filters)
    assert response.json()["items"] == _model_page(filters)


def test_users_list_rows_equal_the_orm_models(crew: Actor) -> None:
    with transaction():
        expected = [UserOut.model_validate(u).model_dump(mode="json") for u in User.select().order_by(User.username)]
    close_database()
    assert crew.get("/api/users").json()["items"] == expected


def test_users_list_timestamps_are_utc_with_z(crew: Actor) -> None:
    created = crew.get("/api/users").json()["items"][0]["created_at"]
    assert str(created).endswith("Z")


def test_users_list_never_shows_password_hashes(crew: Actor) -> None:
    response = crew.get("/api/users")
    assert "password" not in response.text
    assert "scrypt$" not in response.text


@pytest.mark.parametrize("params", [{"limit": 0}, {"role": "owner"}, {"sort": "name"}])
def test_users_list_refuses_bad_query_parameters(admin: Actor, params: dict[str, object]) -> None:
    response = admin.get("/api/users", params=params)
    assert response.status_code == 422
    assert response.json()["error"]["detail"][0]["field"].startswith("query.")


# Creating


def test_users_create_answers_the_new_user(admin: Actor) -> None:
    response = admin.post("/api/users", json={"username": "Dave", "password": USER_PASSWORD, "team": "Ops"})
    assert response.status_code == 201
    assert {k: response.json()[k] for k in ("username", "team", "role", "active")} == {
        "username": "dave",
        "team": "Ops",
        "role": "user",
        "active": True,
    }


def test_users_create_stores_a_salted_scrypt_hash_not_the_password(admin: Actor, sql: Sql) -> None:
    create_user(admin, "dave")
    create_user(admin, "erin")
    hashes = [str(h) for (h,) in sql("SELECT password_hash FROM \"user\" WHERE username IN ('dave', 'erin')")]
    assert all(h.startswith("scrypt$") and USER_PASSWORD not in h for h in hashes)
    assert hashes[0] != hashes[1]


def test_users_create_duplicate_name_in_any_case_is_a_conflict(admin: Actor, sql: Sql) -> None:
    create_user(admin, "dave")
    response = admin.post("/api/users", json={"username": "DAVE", "password": USER_PASSWORD})
    assert response.status_code == 409
    assert error_code(response) == "username_taken"
    assert sql("SELECT count(*) FROM \"user\" WHERE username = 'dave'") == [(1,)]


def test_users_create_refuses_a_weak_password(admin: Actor) -> None:
    response = admin.post("/api/users", json={"username": "dave", "password": "password123"})
    assert response.status_code == 422
    assert response.json()["error"]["detail"][0]["field"] == "password"


# Editing


def test_users_patch_changes_role_and_profile(admin: Actor, user: Actor) -> None:
    response = admin.patch(f"/api/users/{user.user['id']}", json={"role": "admin", "team": "Blue"})
    assert response.status_code == 200
    assert (response.json()["role"], response.json()["team"]) == ("admin", "Blue")


def test_users_promotion_applies_to_existing_sessions(admin: Actor, user: Actor) -> None:
    admin.patch(f"/api/users/{user.user['id']}", json={"role": "admin"})
    assert user.get("/api/users").status_code == 200


def test_users_patch_unknown_user_is_not_found(admin: Actor) -> None:
    response = admin.patch("/api/users/999", json={"team": "x"})
    assert response.status_code == 404
    assert error_code(response) == "user_not_found"


def test_users_deactivate_ends_the_users_sessions(admin: Actor, user: Actor, sql: Sql) -> None:
    assert admin.patch(f"/api/users/{user.user['id']}", json={"active": False}).json()["active"] is False
    assert user.get("/api/auth/me").status_code == 401
    assert sql("SELECT count(*) FROM session WHERE user_id = ?", user.user["id"]) == [(0,)]


def test_users_deactivated_user_cannot_sign_in(admin: Actor, user: Actor, anon: TestClient) -> None:
    admin.patch(f"/api/users/{user.user['id']}", json={"active": False})
    response = login(anon, "user")
    assert response.status_code == 401
    assert error_code(response) == "invalid_credentials"


def test_users_reactivated_user_can_sign_in(admin: Actor, user: Actor, anon: TestClient) -> None:
    admin.patch(f"/api/users/{user.user['id']}", json={"active": False})
    admin.patch(f"/api/users/{user.user['id']}", json={"active": True})
    assert login(anon, "user").status_code == 200


def test_users_reset_password_ends_the_users_sessions(admin: Actor, user: Actor) -> None:
    response = admin.post(f"/api/users/{user.user['id']}/password", json={"new_password": NEW_PASSWORD})
    assert response.status_code == 204
    assert user.get("/api/auth/me").status_code == 401


def test_users_reset_password_replaces_the_password(admin: Actor, user: Actor, anon: TestClient) -> None:
    admin.post(f"/api/users/{user.user['id']}/password", json={"new_password": NEW_PASSWORD})
    assert login(anon, "user").status_code == 401
    assert login(anon, "user", NEW_PASSWORD).status_code == 200


# The last administrator


@pytest.mark.parametrize("change", [{"role": "user"}, {"active": False}])
def test_users_last_admin_cannot_lose_admin_rights(admin: Actor, change: dict[str, object]) -> None:
    response = admin.patch(f"/api/users/{admin.user['id']}", json=change)
    assert response.status_code == 409
    assert error_code(response) == "last_admin"
    assert admin.get("/api/auth/me").json()["user"]["role"] == "admin"


def test_users_admin_can_be_demoted_while_another_admin_is_active(admin: Actor, user: Actor) -> None:
    admin.patch(f"/api/users/{user.user['id']}", json={"role": "admin"})
    response = admin.patch(f"/api/users/{admin.user['id']}", json={"role": "user"})
    assert response.status_code == 200
    assert response.json()["role"] == "user"


def test_users_last_admin_cannot_be_deleted(admin: Actor, user: Actor) -> None:
    # Over HTTP the caller is always another active admin, so this guard is reached by other callers (the CLI).
    try:
        with pytest.raises(LastAdmin):
            service.delete_user(int(admin.user["id"]), int(user.user["id"]), None)
    finally:
        close_database()  # this test thread's connection
    assert admin.get("/api/auth/me").status_code == 200


def test_users_delete_self_is_refused(admin: Actor) -> None:
    response = admin.delete(f"/api/users/{admin.user['id']}")
    assert response.status_code == 409
    assert error_code(response) == "delete_self"


# Deleting


def test_users_delete_removes_the_user(admin: Actor, user: Actor) -> None:
    assert admin.delete(f"/api/users/{user.user['id']}").status_code == 204
    assert admin.get(f"/api/users/{user.user['id']}").status_code == 404


def test_users_delete_ends_the_users_sessions(admin: Actor, user: Actor, sql: Sql) -> None:
    admin.delete(f"/api/users/{user.user['id']}")
    assert user.get("/api/auth/me").status_code == 401
    assert sql("SELECT count(*) FROM session WHERE user_id = ?", user.user["id"]) == [(0,)]


def test_users_delete_unknown_user_is_not_found(admin: Actor) -> None:
    assert admin.delete("/api/users/999").status_code == 404


class Notes:
    """Another slice's per-user data, registered through the accounts extension point."""

    def __init__(self) -> None:
        self.owners: dict[int, int] = {}
        self.moves: list[tuple[int, int]] = []

    def count(self, user_id: int) -> int:
        return self.owners.get(user_id, 0)

    def reassign(self, from_id: int, to_id: int) -> None:
        self.moves.append((from_id, to_id))
        self.owners[to_id] = self.owners.get(to_id, 0) + self.owners.pop(from_id, 0)


@pytest.fixture
def notes(monkeypatch: pytest.MonkeyPatch, user: Actor) -> Notes:
    """The user owns 3 notes."""
    monkeypatch.setattr(service, "OWNED_DATA", [])
    provider = Notes()
    provider.owners[int(user.user["id"])] = 3
    service.register_owned_data(OwnedData("notes", provider.count, provider.reassign))
    return provider


def test_users_delete_owner_of_data_is_refused_naming_it(admin: Actor, user: Actor, notes: Notes) -> None:
    response = admin.delete(f"/api/users/{user.user['id']}")
    assert response.status_code == 409
    assert error_code(response) == "user_owns_data"
    assert "3 notes" in response.json()["error"]["message"]
    assert response.json()["error"]["detail"] == {"notes": 3}
    assert admin.get(f"/api/users/{user.user['id']}").status_code == 200


def test_users_delete_with_reassign_moves_the_data_first(admin: Actor, user: Actor, notes: Notes) -> None:
    response = admin.delete(f"/api/users/{user.user['id']}", params={"reassign_to": admin.user["id"]})
    assert response.status_code == 204
    assert notes.moves == [(user.user["id"], admin.user["id"])]
    assert admin.get(f"/api/users/{user.user['id']}").status_code == 404


def test_users_delete_reassign_to_the_same_user_is_refused(admin: Actor, user: Actor, notes: Notes) -> None:
    response = admin.delete(f"/api/users/{user.user['id']}", params={"reassign_to": user.user["id"]})
    assert response.status_code == 422
    assert notes.moves == []


def test_users_delete_without_owned_data_needs_no_reassign(admin: Actor, user: Actor, notes: Notes) -> None:
    notes.owners.clear()
    assert admin.delete(f"/api/users/{user.user['id']}").status_code == 204


# Only administrators


ADMIN_ROUTES = [r for r in routes.ROUTES if r.access is Access.ADMIN]


def test_users_admin_routes_refuse_ordinary_users(user: Actor) -> None:
    assert ADMIN_ROUTES
    for route in ADMIN_ROUTES:
        path = route.path.replace("{user_id:int}", "1").replace("{invite_id:int}", "1").replace("{reset_id:int}", "1")
        response = user.client.request(route.method, path, headers=user.headers, json={})
        assert (route.path, response.status_code, error_code(response)) == (route.path, 403, "admin_required")


def test_users_list_shows_a_change_made_right_after_it_was_served(admin: Actor) -> None:
    # The list is served from core.cache.ReadCache while nothing is written; an edit must show at once.
    created = create_user(admin, "erin", display_name="Erin")
    assert [u["display_name"] for u in admin.get("/api/users", params={"q": "erin"}).json()["items"]] == ["Erin"]
    assert admin.patch(f"/api/users/{created['id']}", json={"display_name": "Erin B."}).status_code == 200
    assert [u["display_name"] for u in admin.get("/api/users", params={"q": "erin"}).json()["items"]] == ["Erin B."]
