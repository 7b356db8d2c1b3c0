"""Browser sessions: the cookie, CSRF, logout, listing and revoking, idle expiry, password change, login limits."""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta

import httpx2
import pytest
from starlette.applications import Starlette
from starlette.testclient import TestClient

from tests.accounts.conftest import LONG_AGO, Sql, error_code, session_cookie, set_setting, with_cookie
from tests.conftest import ADMIN_PASSWORD, USER_PASSWORD, Actor, new_client, sign_in

NEW_PASSWORD = "brand-new-pass-42"


def login(client: TestClient, username: str, password: str) -> httpx2.Response:
    return client.post("/api/auth/login", json={"username": username, "password": password})


def cookie_flags(response: httpx2.Response) -> set[str]:
    cookie = response.headers["set-cookie"]
    assert cookie.startswith("devcell_session=")
    return {part.strip().lower() for part in cookie.split(";")[1:]}


def my_session_id(actor: Actor) -> int:
    return next(int(s["id"]) for s in actor.get("/api/auth/sessions").json()["items"] if s["current"])


# Sign-in and the cookie


def test_login_answers_the_user_and_a_csrf_token(anon: TestClient, admin: Actor) -> None:
    body = login(anon, "admin", ADMIN_PASSWORD).json()
    assert body["user"]["username"] == "admin"
    assert len(body["csrf_token"]) == 64


def test_login_user_name_is_case_insensitive(anon: TestClient, admin: Actor) -> None:
    assert login(anon, " Admin ", ADMIN_PASSWORD).status_code == 200


@pytest.mark.parametrize(("username", "password"), [("admin", "wrong-password-1"), ("nobody", ADMIN_PASSWORD)])
def test_login_failure_is_one_generic_error(anon: TestClient, admin: Actor, username: str, password: str) -> None:
    response = login(anon, username, password)
    assert response.status_code == 401
    assert response.json()["error"] == {"code": "invalid_credentials", "message": "Wrong user name or password."}


def test_login_cookie_is_http_only_lax_and_site_wide(anon: TestClient, admin: Actor) -> None:
    flags = cookie_flags(login(anon, "admin", ADMIN_PASSWORD))
    assert {"httponly", "samesite=lax", "path=/"} <= flags


def test_login_cookie_is_not_secure_over_http(anon: TestClient, admin: Actor) -> None:
    assert "secure" not in cookie_flags(login(anon, "admin", ADMIN_PASSWORD))


def test_login_cookie_is_secure_over_https(app: Starlette, admin: Actor) -> None:
    browser = new_client(app, base_url="https://testserver")
    assert "secure" in cookie_flags(login(browser, "admin", ADMIN_PASSWORD))


def test_session_row_stores_only_a_hash_of_the_cookie_token(admin: Actor, sql: Sql) -> None:
    token = session_cookie(admin).rsplit(".", 1)[0]
    stored = sql("SELECT token_hash FROM session WHERE id = ?", my_session_id(admin))[0][0]
    assert stored == hashlib.sha256(token.encode()).hexdigest()
    assert token not in str(sql("SELECT * FROM session"))


def test_session_cookie_with_a_forged_signature_is_anonymous(app: Starlette, admin: Actor) -> None:
    forged = session_cookie(admin).rsplit(".", 1)[0] + ".forged"
    assert with_cookie(app, forged).get("/api/auth/me").status_code == 401


# CSRF


@pytest.mark.parametrize(
    ("method", "url"),
    [("PATCH", "/api/auth/me"), ("POST", "/api/auth/tokens"), ("DELETE", "/api/auth/sessions/1")],
)
def test_csrf_cookie_write_without_token_is_refused(admin: Actor, method: str, url: str) -> None:
    response = admin.client.request(method, url, json={"name": "x"} if method == "POST" else None)
    assert response.status_code == 403
    assert error_code(response) == "csrf_failed"


def test_csrf_cookie_write_with_wrong_token_is_refused(admin: Actor) -> None:
    response = admin.client.patch("/api/auth/me", json={"team": "red"}, headers={"X-CSRF-Token": "0" * 64})
    assert response.status_code == 403
    assert error_code(response) == "csrf_failed"


def test_csrf_token_of_another_session_is_refused(admin: Actor, user: Actor) -> None:
    response = user.client.patch("/api/auth/me", json={"team": "red"}, headers=admin.headers)
    assert response.status_code == 403


def test_csrf_cookie_write_with_right_token_works(admin: Actor) -> None:
    response = admin.patch("/api/auth/me", json={"team": "red"})
    assert response.status_code == 200
    assert response.json()["user"]["team"] == "red"


def test_csrf_not_needed_for_reads(admin: Actor) -> None:
    assert admin.client.get("/api/auth/sessions").status_code == 200


def test_me_returns_this_sessions_csrf_token(admin: Actor) -> None:
    assert admin.get("/api/auth/me").json()["csrf_token"] == admin.csrf


# Logout


def test_logout_ends_this_session(app: Starlette, admin: Actor) -> None:
    cookie = session_cookie(admin)
    assert admin.post("/api/auth/logout").status_code == 204
    assert with_cookie(app, cookie).get("/api/auth/me").status_code == 401


def test_logout_keeps_other_sessions(app: Starlette, admin: Actor) -> None:
    other = sign_in(app, "admin", ADMIN_PASSWORD)
    admin.post("/api/auth/logout")
    assert other.get("/api/auth/me").status_code == 200


def test_logout_clears_the_cookie(admin: Actor) -> None:
    admin.post("/api/auth/logout")
    assert "devcell_session" not in admin.client.cookies
    assert admin.get("/api/auth/me").status_code == 401


def test_logout_all_ends_every_session(app: Starlette, admin: Actor) -> None:
    other = sign_in(app, "admin", ADMIN_PASSWORD)
    cookie = session_cookie(admin)
    assert admin.post("/api/auth/logout-all").status_code == 204
    assert with_cookie(app, cookie).get("/api/auth/me").status_code == 401
    assert other.get("/api/auth/me").status_code == 401


def test_logout_all_keeps_other_users_sessions(admin: Actor, user: Actor) -> None:
    user.post("/api/auth/logout-all")
    assert admin.get("/api/auth/me").status_code == 200


# Listing and revoking sessions


def test_sessions_lists_own_sessions_and_marks_this_one(app: Starlette, admin: Actor) -> None:
    other = sign_in(app, "admin", ADMIN_PASSWORD)
    items = admin.get("/api/auth/sessions").json()["items"]
    assert [s["current"] for s in items].count(True) == 1
    assert {my_session_id(admin), my_session_id(other)} <= {s["id"] for s in items}
    assert my_session_id(admin) != my_session_id(other)


def test_sessions_list_has_no_other_users_sessions(admin: Actor, user: Actor, sql: Sql) -> None:
    ids = {s["id"] for s in user.get("/api/auth/sessions").json()["items"]}
    user_id = user.user["id"]
    assert ids == {row[0] for row in sql("SELECT id FROM session WHERE user_id = ?", user_id)}


def test_sessions_revoke_another_own_session(app: Starlette, admin: Actor) -> None:
    other = sign_in(app, "admin", ADMIN_PASSWORD)
    assert admin.delete(f"/api/auth/sessions/{my_session_id(other)}").status_code == 204
    assert other.get("/api/auth/me").status_code == 401
    assert admin.get("/api/auth/me").status_code == 200


def test_sessions_revoke_someone_elses_session_is_not_found(admin: Actor, user: Actor) -> None:
    response = user.delete(f"/api/auth/sessions/{my_session_id(admin)}")
    assert response.status_code == 404
    assert error_code(response) == "session_not_found"
    assert admin.get("/api/auth/me").status_code == 200


# Expiry


def idle_for(sql: Sql, actor: Actor, minutes: int) -> None:
    [(seen,)] = sql("SELECT last_seen_at FROM session WHERE id = ?", my_session_id(actor))
    if isinstance(seen, str):  # SQLite hands the stored text back
        seen = datetime.fromisoformat(seen)
    assert isinstance(seen, datetime)
    earlier = str(seen - timedelta(minutes=minutes))
    sql("UPDATE session SET last_seen_at = ? WHERE id = ?", earlier, my_session_id(actor))


def test_session_idle_longer_than_the_setting_is_signed_out(admin: Actor, sql: Sql) -> None:
    set_setting(admin, "session_idle_minutes", 5)
    idle_for(sql, admin, 6)
    response = admin.get("/api/auth/me")
    assert response.status_code == 401
    assert error_code(response) == "unauthorized"


def test_session_idle_shorter_than_the_setting_stays(admin: Actor, sql: Sql) -> None:
    set_setting(admin, "session_idle_minutes", 5)
    idle_for(sql, admin, 4)
    assert admin.get("/api/auth/me").status_code == 200


def test_sessions_list_leaves_out_sessions_ended_by_inactivity(app: Starlette, admin: Actor, sql: Sql) -> None:
    other = sign_in(app, "admin", ADMIN_PASSWORD)
    other_id = my_session_id(other)
    set_setting(admin, "session_idle_minutes", 5)
    idle_for(sql, other, 6)
    ids = {s["id"] for s in admin.get("/api/auth/sessions").json()["items"]}
    assert my_session_id(admin) in ids
    assert other_id not in ids


def test_session_past_its_absolute_expiry_is_signed_out(admin: Actor, sql: Sql) -> None:
    sql("UPDATE session SET expires_at = ? WHERE id = ?", LONG_AGO, my_session_id(admin))
    assert admin.get("/api/auth/me").status_code == 401


# Password change


def change_password(actor: Actor, current: str, new: str = NEW_PASSWORD) -> httpx2.Response:
    return actor.post("/api/auth/password", json={"current_password": current, "new_password": new})


def test_password_change_with_wrong_current_password_is_refused(admin: Actor) -> None:
    response = change_password(admin, "not-my-password")
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["error"]["detail"]] == ["current_password"]


def test_password_change_to_a_weak_password_is_refused(admin: Actor) -> None:
    response = change_password(admin, ADMIN_PASSWORD, new="password")
    assert response.status_code == 422
    assert response.json()["error"]["detail"][0]["field"] == "new_password"


def test_password_change_signs_out_other_sessions_and_keeps_this_one(app: Starlette, admin: Actor) -> None:
    other = sign_in(app, "admin", ADMIN_PASSWORD)
    assert change_password(admin, ADMIN_PASSWORD).status_code == 204
    assert other.get("/api/auth/me").status_code == 401
    assert admin.get("/api/auth/me").status_code == 200


def test_password_change_replaces_the_password(anon: TestClient, admin: Actor) -> None:
    change_password(admin, ADMIN_PASSWORD)
    assert login(anon, "admin", ADMIN_PASSWORD).status_code == 401
    assert login(anon, "admin", NEW_PASSWORD).status_code == 200


def test_password_change_stores_a_new_scrypt_hash(admin: Actor, sql: Sql) -> None:
    change_password(admin, ADMIN_PASSWORD)
    stored = sql("SELECT password_hash FROM \"user\" WHERE username = 'admin'")[0][0]
    assert str(stored).startswith("scrypt$")
    assert NEW_PASSWORD not in str(stored)


# Login rate limiting


def fail_logins(client: TestClient, username: str, times: int) -> None:
    for _ in range(times):
        assert login(client, username, "wrong-password-1").status_code == 401


def test_login_after_too_many_failures_is_rate_limited(anon: TestClient, admin: Actor) -> None:
    fail_logins(anon, "admin", 5)
    response = login(anon, "admin", ADMIN_PASSWORD)
    assert response.status_code == 429
    assert error_code(response) == "rate_limited"
    assert int(response.headers["retry-after"]) > 0


def test_login_below_the_failure_limit_still_works(anon: TestClient, admin: Actor) -> None:
    fail_logins(anon, "admin", 4)
    assert login(anon, "admin", ADMIN_PASSWORD).status_code == 200


def test_login_failure_limit_ignores_case_and_padding_of_the_user_name(anon: TestClient, admin: Actor) -> None:
    for variant in ("admin", "ADMIN", " admin", "admin ", "\tAdmin"):
        fail_logins(anon, variant, 1)
    assert login(anon, "admin", ADMIN_PASSWORD).status_code == 429


def test_login_failures_for_other_names_count_per_client(anon: TestClient, admin: Actor) -> None:
    set_setting(admin, "login_max_failures", 3)  # 4 x 3 = 12 failures per client address
    for n in range(6):
        fail_logins(anon, f"guess{n}", 2)
    response = login(anon, "admin", ADMIN_PASSWORD)
    assert response.status_code == 429
    assert error_code(response) == "rate_limited"


def test_login_success_clears_the_users_failure_count(app: Starlette, anon: TestClient, admin: Actor) -> None:
    set_setting(admin, "login_max_failures", 3)
    fail_logins(anon, "admin", 2)
    assert login(new_client(app), "admin", ADMIN_PASSWORD).status_code == 200
    fail_logins(anon, "admin", 2)
    assert login(new_client(app), "admin", ADMIN_PASSWORD).status_code == 200


def elsewhere(app: Starlette, address: str = "10.0.0.2") -> TestClient:
    """A browser at another client address than the `testclient` of the other clients."""
    return new_client(app, client=(address, 50000))


def test_login_failures_from_another_address_do_not_block_a_correct_sign_in(
    app: Starlette, anon: TestClient, admin: Actor
) -> None:
    fail_logins(anon, "admin", 5)  # enough to refuse this address
    assert login(elsewhere(app), "admin", ADMIN_PASSWORD).status_code == 200


def test_login_failures_from_many_addresses_do_not_lock_the_account(app: Starlette, admin: Actor) -> None:
    for n in range(2, 6):
        fail_logins(elsewhere(app, f"10.0.0.{n}"), "admin", 5)
    assert login(elsewhere(app, "10.0.1.1"), "admin", ADMIN_PASSWORD).status_code == 200


def test_login_failures_for_a_name_do_not_refuse_other_names_from_that_address(
    anon: TestClient, admin: Actor, user: Actor
) -> None:
    fail_logins(anon, "admin", 5)
    assert login(anon, "user", USER_PASSWORD).status_code == 200


def test_login_refused_address_is_refused_before_the_password_is_checked(anon: TestClient, admin: Actor) -> None:
    fail_logins(anon, "admin", 5)
    response = login(anon, "admin", "wrong-password-1")
    assert response.status_code == 429
    assert "retry-after" in response.headers


def test_login_success_does_not_clear_the_address_count(app: Starlette, anon: TestClient, admin: Actor) -> None:
    set_setting(admin, "login_max_failures", 3)  # 12 failures per client address
    for n in range(5):
        fail_logins(anon, f"guess{n}", 2)
    fail_logins(anon, "admin", 1)
    assert login(new_client(app), "admin", ADMIN_PASSWORD).status_code == 200  # 11 failures: still allowed
    fail_logins(anon, "admin", 1)
    assert login(new_client(app), "admin", ADMIN_PASSWORD).status_code == 429


def test_password_change_wrong_current_password_is_rate_limited(admin: Actor) -> None:
    for _ in range(5):
        assert change_password(admin, "not-my-password").status_code == 422
    response = change_password(admin, ADMIN_PASSWORD)
    assert response.status_code == 429
    assert error_code(response) == "rate_limited"
    assert int(response.headers["retry-after"]) > 0


def test_password_change_limit_counts_per_user_across_sessions(app: Starlette, admin: Actor) -> None:
    other = sign_in(app, "admin", ADMIN_PASSWORD)
    for _ in range(5):
        change_password(other, "not-my-password")
    assert change_password(admin, ADMIN_PASSWORD).status_code == 429


def test_password_change_limit_is_not_shared_between_users(admin: Actor, user: Actor) -> None:
    for _ in range(5):
        change_password(user, "not-my-password")
    assert change_password(admin, ADMIN_PASSWORD).status_code == 204


def test_password_change_right_password_clears_the_count(admin: Actor) -> None:
    for _ in range(4):
        change_password(admin, "not-my-password")
    assert change_password(admin, ADMIN_PASSWORD).status_code == 204
    for _ in range(4):
        change_password(admin, "not-my-password")
    assert change_password(admin, NEW_PASSWORD, new="third-pass-4321").status_code == 204
