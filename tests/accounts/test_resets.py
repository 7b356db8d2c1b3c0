"""Password reset links (issue #19, item 7): an administrator makes a one-time link for a user who forgot their
password; it works once, expires, can be revoked, and ends the user's other sessions and tokens. Without an
administrator there is no way to reset."""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.testclient import TestClient

from tests.accounts.conftest import LONG_AGO, Sql, error_code
from tests.conftest import USER_PASSWORD, Actor, create_user, new_client, sign_in

NEW_PASSWORD = "a-new-password-42"


def make_link(admin: Actor, user_id: int, **body: object) -> dict[str, object]:
    response = admin.post(f"/api/users/{user_id}/reset-link", json=body or None)
    assert response.status_code == 201, response.text
    return dict(response.json())


def reset(client: TestClient, token: object, password: str = NEW_PASSWORD) -> int:
    return client.post("/api/auth/reset", json={"token": token, "password": password}).status_code


def check(client: TestClient, token: object) -> dict[str, object]:
    response = client.post("/api/auth/reset-check", json={"token": token})
    assert response.status_code == 200, response.text
    return dict(response.json())


def login_status(client: TestClient, password: str) -> int:
    return client.post("/api/auth/login", json={"username": "ada", "password": password}).status_code


def test_a_link_sets_a_new_password_once_and_signs_the_user_in(
    app: Starlette, anon: TestClient, admin: Actor, sql: Sql
) -> None:
    ada = create_user(admin, "ada")
    link = make_link(admin, int(ada["id"]))  # type: ignore[call-overload]
    assert link["path"] == f"/reset?token={link['token']}"
    assert link["status"] == "open"
    assert str(link["token"]) not in str(sql("SELECT * FROM password_reset"))  # only the hash is stored
    assert check(anon, link["token"]) == {"status": "valid", "username": "ada"}
    answer = anon.post("/api/auth/reset", json={"token": link["token"], "password": NEW_PASSWORD})
    assert answer.status_code == 200, answer.text
    assert answer.json()["user"]["username"] == "ada"
    assert answer.json()["csrf_token"]
    assert anon.get("/api/auth/me").status_code == 200  # signed in with the new session cookie
    other = new_client(app)
    assert login_status(other, USER_PASSWORD) == 401
    assert login_status(other, NEW_PASSWORD) == 200
    assert check(new_client(app), link["token"]) == {"status": "used", "username": None}
    again = new_client(app).post("/api/auth/reset", json={"token": link["token"], "password": "yet-another-pass-7"})
    assert (again.status_code, error_code(again)) == (403, "reset_link_invalid")


def test_using_a_link_ends_the_users_other_sessions_and_tokens(app: Starlette, anon: TestClient, admin: Actor) -> None:
    ada_id = int(create_user(admin, "ada")["id"])  # type: ignore[call-overload]
    ada = sign_in(app, "ada", USER_PASSWORD)
    token = ada.post("/api/auth/tokens", json={"name": "script"}).json()["token"]
    assert reset(anon, make_link(admin, ada_id)["token"]) == 200
    assert ada.get("/api/auth/me").status_code == 401
    assert new_client(app).get("/api/auth/me", headers={"Authorization": f"Bearer {token}"}).status_code == 401


def test_an_expired_link_does_not_work(anon: TestClient, admin: Actor, sql: Sql) -> None:
    link = make_link(admin, int(create_user(admin, "ada")["id"]))  # type: ignore[call-overload]
    sql("UPDATE password_reset SET expires_at = ? WHERE id = ?", LONG_AGO, link["id"])
    assert check(anon, link["token"])["status"] == "expired"
    assert reset(anon, link["token"]) == 403
    assert login_status(anon, USER_PASSWORD) == 200


def test_a_revoked_link_and_an_older_link_do_not_work(anon: TestClient, admin: Actor) -> None:
    ada_id = int(create_user(admin, "ada")["id"])  # type: ignore[call-overload]
    first = make_link(admin, ada_id)
    second = make_link(admin, ada_id, expires_in_hours=2)  # a new link replaces the open one
    assert check(anon, first["token"])["status"] == "invalid"
    assert admin.delete(f"/api/password-resets/{second['id']}").status_code == 204
    assert check(anon, second["token"])["status"] == "invalid"
    assert reset(anon, second["token"]) == 403
    listed = {item["id"]: item["status"] for item in admin.get("/api/password-resets").json()["items"]}
    assert listed == {first["id"]: "revoked", second["id"]: "revoked"}
    assert login_status(anon, USER_PASSWORD) == 200


def test_only_an_administrator_makes_links(app: Starlette, anon: TestClient, admin: Actor) -> None:
    ada_id = int(create_user(admin, "ada")["id"])  # type: ignore[call-overload]
    create_user(admin, "bob")
    bob = sign_in(app, "bob", USER_PASSWORD)
    assert bob.post(f"/api/users/{ada_id}/reset-link").status_code == 403
    assert anon.post(f"/api/users/{ada_id}/reset-link").status_code == 401
    assert check(anon, "dcr_guessed-token")["status"] == "invalid"
    assert reset(anon, "dcr_guessed-token") == 403


def test_links_are_for_active_users_and_passwords_are_checked(anon: TestClient, admin: Actor) -> None:
    ada_id = int(create_user(admin, "ada")["id"])  # type: ignore[call-overload]
    link = make_link(admin, ada_id)
    short = anon.post("/api/auth/reset", json={"token": link["token"], "password": "short"})
    assert short.status_code == 422
    assert check(anon, link["token"])["status"] == "valid"  # a refused password does not use the link up
    assert admin.patch(f"/api/users/{ada_id}", json={"active": False}).status_code == 200
    assert check(anon, link["token"])["status"] == "invalid"
    assert reset(anon, link["token"]) == 403
    assert admin.post(f"/api/users/{ada_id}/reset-link").status_code == 404
    assert admin.post("/api/users/999/reset-link").status_code == 404
