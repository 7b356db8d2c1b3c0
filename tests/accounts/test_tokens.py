"""Personal API tokens: shown once, stored hashed, used as Bearer, revocable, expiring."""

from __future__ import annotations

import hashlib

import pytest
from starlette.applications import Starlette
from starlette.testclient import TestClient

from tests.accounts.conftest import LONG_AGO, Sql, bearer, error_code
from tests.conftest import USER_PASSWORD, Actor


def make_token(actor: Actor, **fields: object) -> dict[str, object]:
    response = actor.post("/api/auth/tokens", json={"name": "ci", **fields})
    assert response.status_code == 201, response.text
    return dict(response.json())


def test_token_create_returns_the_secret_once(admin: Actor) -> None:
    response = admin.post("/api/auth/tokens", json={"name": "ci"})
    assert response.status_code == 201
    assert str(response.json()["token"]).startswith("dct_")
    assert response.json()["name"] == "ci"


def test_token_list_never_shows_the_secret(admin: Actor) -> None:
    created = make_token(admin)
    response = admin.get("/api/auth/tokens")
    assert [t["id"] for t in response.json()["items"]] == [created["id"]]
    assert "token" not in response.json()["items"][0]
    assert str(created["token"]) not in response.text


def test_token_row_stores_only_its_sha256(admin: Actor, sql: Sql) -> None:
    secret = str(make_token(admin)["token"])
    [(stored,)] = sql("SELECT token_hash FROM api_token")
    assert stored == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in str(sql("SELECT * FROM api_token"))


def test_token_authenticates_as_its_owner(app: Starlette, user: Actor) -> None:
    response = bearer(app, str(make_token(user)["token"])).get("/api/auth/me")
    assert response.status_code == 200
    assert response.json()["user"]["username"] == "user"
    assert response.json()["csrf_token"] is None


def test_token_writes_need_no_csrf_header(app: Starlette, admin: Actor) -> None:
    response = bearer(app, str(make_token(admin)["token"])).patch("/api/auth/me", json={"team": "blue"})
    assert response.status_code == 200
    assert response.json()["user"]["team"] == "blue"


def test_token_revoked_no_longer_authenticates(app: Starlette, admin: Actor) -> None:
    created = make_token(admin)
    assert admin.delete(f"/api/auth/tokens/{created['id']}").status_code == 204
    assert bearer(app, str(created["token"])).get("/api/auth/me").status_code == 401


def test_token_revoke_of_someone_elses_token_is_not_found(app: Starlette, admin: Actor, user: Actor) -> None:
    created = make_token(admin)
    response = user.delete(f"/api/auth/tokens/{created['id']}")
    assert response.status_code == 404
    assert error_code(response) == "token_not_found"
    assert bearer(app, str(created["token"])).get("/api/auth/me").status_code == 200


def test_token_with_expiry_works_before_it(app: Starlette, admin: Actor) -> None:
    created = make_token(admin, expires_in_days=1)
    assert created["expires_at"] is not None
    assert bearer(app, str(created["token"])).get("/api/auth/me").status_code == 200


def test_token_past_its_expiry_is_refused(app: Starlette, admin: Actor, sql: Sql) -> None:
    created = make_token(admin, expires_in_days=1)
    sql("UPDATE api_token SET expires_at = ? WHERE id = ?", LONG_AGO, created["id"])
    assert bearer(app, str(created["token"])).get("/api/auth/me").status_code == 401


def test_token_of_a_deactivated_user_is_refused(app: Starlette, admin: Actor, user: Actor) -> None:
    secret = str(make_token(user)["token"])
    admin.patch(f"/api/users/{user.user['id']}", json={"active": False})
    assert bearer(app, secret).get("/api/auth/me").status_code == 401


def test_token_of_a_deleted_user_is_removed(admin: Actor, user: Actor, sql: Sql) -> None:
    make_token(user)
    admin.delete(f"/api/users/{user.user['id']}")
    assert sql("SELECT count(*) FROM api_token") == [(0,)]


@pytest.mark.parametrize(
    "headers", [{}, {"Authorization": "Bearer dct_not-a-real-token"}, {"Authorization": "Bearer "}]
)
def test_token_missing_or_invalid_is_a_401_envelope(anon: TestClient, headers: dict[str, str]) -> None:
    response = anon.get("/api/auth/me", headers=headers)
    assert response.status_code == 401
    assert response.headers["content-type"].startswith("application/json")
    assert error_code(response) == "unauthorized"
    assert response.json()["error"]["message"]


def test_token_invalid_bearer_wins_over_a_valid_cookie(admin: Actor) -> None:
    response = admin.client.get("/api/auth/me", headers={"Authorization": "Bearer dct_not-a-real-token"})
    assert response.status_code == 401


@pytest.mark.parametrize("body", [{"name": ""}, {"name": "x", "expires_in_days": 0}, {"name": "x", "scope": "all"}])
def test_token_create_validates_its_body(admin: Actor, body: dict[str, object]) -> None:
    assert admin.post("/api/auth/tokens", json=body).status_code == 422


# Credential changes and API tokens: an admin reset and deactivation always revoke them; the user's own password
# change and "sign out everywhere" do unless `revoke_tokens` is false.

OTHER_PASSWORD = "another-pass-9876"


def token_works(app: Starlette, secret: str) -> bool:
    return bearer(app, secret).get("/api/auth/me").status_code == 200


def change_own_password(actor: Actor, **more: object) -> int:
    body = {"current_password": USER_PASSWORD, "new_password": OTHER_PASSWORD, **more}
    return actor.post("/api/auth/password", json=body).status_code


def test_token_revoked_by_own_password_change(app: Starlette, user: Actor) -> None:
    secret = str(make_token(user)["token"])
    assert change_own_password(user) == 204
    assert not token_works(app, secret)


def test_token_kept_by_own_password_change_without_revoke_tokens(app: Starlette, user: Actor) -> None:
    secret = str(make_token(user)["token"])
    assert change_own_password(user, revoke_tokens=False) == 204
    assert token_works(app, secret)


def test_token_revoked_by_admin_password_reset(app: Starlette, admin: Actor, user: Actor) -> None:
    secret = str(make_token(user)["token"])
    response = admin.post(f"/api/users/{user.user['id']}/password", json={"new_password": OTHER_PASSWORD})
    assert response.status_code == 204
    assert not token_works(app, secret)


def test_token_revoked_by_logout_all(app: Starlette, user: Actor) -> None:
    secret = str(make_token(user)["token"])
    assert user.post("/api/auth/logout-all", json={}).status_code == 204
    assert not token_works(app, secret)


def test_token_revoked_by_logout_all_without_a_body(app: Starlette, user: Actor) -> None:
    secret = str(make_token(user)["token"])
    assert user.post("/api/auth/logout-all").status_code == 204
    assert not token_works(app, secret)


def test_token_kept_by_logout_all_without_revoke_tokens(app: Starlette, user: Actor) -> None:
    secret = str(make_token(user)["token"])
    assert user.post("/api/auth/logout-all", json={"revoke_tokens": False}).status_code == 204
    assert token_works(app, secret)


def test_token_of_a_reactivated_user_stays_revoked(app: Starlette, admin: Actor, user: Actor) -> None:
    secret = str(make_token(user)["token"])
    assert admin.patch(f"/api/users/{user.user['id']}", json={"active": False}).status_code == 200
    assert admin.patch(f"/api/users/{user.user['id']}", json={"active": True}).status_code == 200
    assert not token_works(app, secret)


def test_token_of_a_user_deactivated_elsewhere_is_not_revived_by_reactivation(
    app: Starlette, admin: Actor, user: Actor, sql: Sql
) -> None:
    """A user deactivated before this rule, or by a direct database edit, kept their token rows."""
    secret = str(make_token(user)["token"])
    sql('UPDATE "user" SET active = FALSE WHERE id = ?', user.user["id"])
    assert admin.patch(f"/api/users/{user.user['id']}", json={"active": True}).status_code == 200
    assert not token_works(app, secret)


def test_token_credential_changes_leave_other_users_tokens(app: Starlette, admin: Actor, user: Actor) -> None:
    secret = str(make_token(admin)["token"])
    admin.patch(f"/api/users/{user.user['id']}", json={"active": False})
    admin.post(f"/api/users/{user.user['id']}/password", json={"new_password": OTHER_PASSWORD})
    assert token_works(app, secret)


def test_token_cannot_create_tokens(app: Starlette, user: Actor) -> None:
    response = bearer(app, str(make_token(user)["token"])).post("/api/auth/tokens", json={"name": "more"})
    assert response.status_code == 403
    assert error_code(response) == "session_required"


def test_token_refused_token_creation_creates_nothing(app: Starlette, user: Actor, sql: Sql) -> None:
    bearer(app, str(make_token(user)["token"])).post("/api/auth/tokens", json={"name": "more"})
    assert sql("SELECT name FROM api_token") == [("ci",)]
