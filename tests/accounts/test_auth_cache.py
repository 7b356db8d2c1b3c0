"""The authentication cache: used while nothing changes, emptied by any write, so changes apply on the next request.

Each test warms the cache with a request and then changes the credential; both requests run on one event loop
(one thread, one database connection), as in the real server, so the second one would see a stale entry if
invalidation failed.
"""

from __future__ import annotations

import contextlib
import sqlite3
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from starlette.applications import Starlette
from starlette.testclient import TestClient

from devcell.accounts._secrets import token_hash
from devcell.accounts.sessions import Activity, AuthCache, Authenticator, Credentials, _Found
from devcell.core.db import close_database, database, init_database, transaction
from devcell.core.migrations.runner import migrate
from tests.accounts.conftest import Sql, bearer, session_cookie, with_cookie
from tests.conftest import USER_PASSWORD, Actor, sign_in


def same_loop(client: TestClient, other: TestClient) -> TestClient:
    """Make `other` send its requests through the event loop of `client` (the app's running lifespan)."""
    other.portal = client.portal
    return other


@pytest.fixture
def user_token(admin: Actor, user: Actor) -> str:
    response = user.post("/api/auth/tokens", json={"name": "ci"})
    assert response.status_code == 201, response.text
    return str(response.json()["token"])


@pytest.fixture
def user_api(app: Starlette, client: TestClient, user_token: str) -> TestClient:
    """The ordinary user's Bearer client on the app's own event loop, with its credential already cached."""
    api = same_loop(client, bearer(app, user_token))
    assert api.get("/api/auth/me").status_code == 200
    return api


@pytest.fixture
def user_browser(app: Starlette, client: TestClient, user: Actor) -> TestClient:
    """The ordinary user's session cookie replayed on the app's own event loop, already cached."""
    browser = same_loop(client, with_cookie(app, session_cookie(user)))
    assert browser.get("/api/auth/me").status_code == 200
    return browser


def user_id(actor: Actor) -> object:
    return actor.user["id"]


def test_cache_revoked_token_fails_on_the_next_request(user: Actor, user_api: TestClient) -> None:
    [token] = user.get("/api/auth/tokens").json()["items"]
    assert user.delete(f"/api/auth/tokens/{token['id']}").status_code == 204
    assert user_api.get("/api/auth/me").status_code == 401


def test_cache_logout_ends_the_session_on_the_next_request(app: Starlette, client: TestClient, user: Actor) -> None:
    actor = sign_in(app, "user", USER_PASSWORD)
    browser = same_loop(client, with_cookie(app, session_cookie(actor)))
    assert browser.get("/api/auth/me").status_code == 200
    assert actor.post("/api/auth/logout").status_code == 204
    assert browser.get("/api/auth/me").status_code == 401


def test_cache_revoked_session_fails_on_the_next_request(user: Actor, user_browser: TestClient) -> None:
    other = sign_in(user.client.app, "user", USER_PASSWORD)  # type: ignore[arg-type]
    [mine] = [s for s in other.get("/api/auth/sessions").json()["items"] if not s["current"]][:1]
    assert other.delete(f"/api/auth/sessions/{mine['id']}").status_code == 204
    assert user_browser.get("/api/auth/me").status_code == 401


def test_cache_password_change_signs_out_other_sessions_at_once(app: Starlette, user_browser: TestClient) -> None:
    other = sign_in(app, "user", USER_PASSWORD)
    body = {"current_password": USER_PASSWORD, "new_password": "another-pass-9876"}
    assert other.post("/api/auth/password", json=body).status_code == 204
    assert user_browser.get("/api/auth/me").status_code == 401


def test_cache_admin_password_reset_signs_the_user_out_at_once(
    admin: Actor, user: Actor, user_browser: TestClient
) -> None:
    response = admin.post(f"/api/users/{user_id(user)}/password", json={"new_password": "another-pass-9876"})
    assert response.status_code == 204
    assert user_browser.get("/api/auth/me").status_code == 401


def test_cache_deactivated_user_token_fails_on_the_next_request(
    admin: Actor, user: Actor, user_api: TestClient
) -> None:
    assert admin.patch(f"/api/users/{user_id(user)}", json={"active": False}).status_code == 200
    assert user_api.get("/api/auth/me").status_code == 401


def test_cache_own_password_change_revokes_a_cached_token_at_once(user: Actor, user_api: TestClient) -> None:
    body = {"current_password": USER_PASSWORD, "new_password": "another-pass-9876"}
    assert user.post("/api/auth/password", json=body).status_code == 204
    assert user_api.get("/api/auth/me").status_code == 401


def test_cache_logout_all_revokes_a_cached_token_at_once(user: Actor, user_api: TestClient) -> None:
    assert user.post("/api/auth/logout-all", json={}).status_code == 204
    assert user_api.get("/api/auth/me").status_code == 401


def test_cache_admin_password_reset_revokes_a_cached_token_at_once(
    admin: Actor, user: Actor, user_api: TestClient
) -> None:
    response = admin.post(f"/api/users/{user_id(user)}/password", json={"new_password": "another-pass-9876"})
    assert response.status_code == 204
    assert user_api.get("/api/auth/me").status_code == 401


def test_cache_reactivation_does_not_revive_a_cached_token(admin: Actor, user: Actor, user_api: TestClient) -> None:
    assert admin.patch(f"/api/users/{user_id(user)}", json={"active": False}).status_code == 200
    assert admin.patch(f"/api/users/{user_id(user)}", json={"active": True}).status_code == 200
    assert user_api.get("/api/auth/me").status_code == 401


def test_cache_promotion_applies_on_the_next_request(admin: Actor, user: Actor, user_api: TestClient) -> None:
    assert user_api.get("/api/users").status_code == 403
    assert admin.patch(f"/api/users/{user_id(user)}", json={"role": "admin"}).status_code == 200
    assert user_api.get("/api/users").status_code == 200


def test_cache_demotion_applies_on_the_next_request(admin: Actor, user: Actor, user_api: TestClient) -> None:
    assert admin.patch(f"/api/users/{user_id(user)}", json={"role": "admin"}).status_code == 200
    assert user_api.get("/api/users").status_code == 200
    assert admin.patch(f"/api/users/{user_id(user)}", json={"role": "user"}).status_code == 200
    assert user_api.get("/api/users").status_code == 403


def test_cache_deleted_user_fails_on_the_next_request(admin: Actor, user: Actor, user_api: TestClient) -> None:
    assert admin.delete(f"/api/users/{user_id(user)}").status_code == 204
    assert user_api.get("/api/auth/me").status_code == 401


def test_cache_sees_a_write_by_another_process(user: Actor, user_api: TestClient, sql: Sql) -> None:
    """`devcell user deactivate` runs in its own process; the service must not keep trusting the old row."""
    sql("UPDATE \"user\" SET active = FALSE WHERE username = 'user'")
    assert user_api.get("/api/auth/me").status_code == 401


def test_cache_sees_another_process_revoking_a_token(user_api: TestClient, sql: Sql) -> None:
    sql("DELETE FROM api_token")
    assert user_api.get("/api/auth/me").status_code == 401


def test_cache_sees_another_process_ending_a_session(user_browser: TestClient, sql: Sql) -> None:
    sql("DELETE FROM session WHERE user_id = (SELECT id FROM \"user\" WHERE username = 'user')")
    assert user_browser.get("/api/auth/me").status_code == 401


def test_cache_sees_another_process_expiring_a_token(user_api: TestClient, sql: Sql) -> None:
    sql("UPDATE api_token SET expires_at = '2000-01-01 00:00:00'")
    assert user_api.get("/api/auth/me").status_code == 401


# The cache on its own: a migrated database, no app.


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Path]:
    path = tmp_path / "devcell.db"
    init_database(path)
    migrate(path, tmp_path / "snapshots")
    yield path
    close_database()


@pytest.fixture
def cache(db: Path) -> AuthCache:
    return AuthCache()


def found(cached_at: float | None = None) -> _Found:
    at = time.monotonic() if cached_at is None else cached_at
    return _Found(id=1, user_id=2, username="u", role="user", expires_at=None, last_seen=None, cached_at=at)


class Loads:
    """A stand-in for the database read: counts its calls and hands out `entry`."""

    def __init__(self, entry: _Found | None) -> None:
        self.entry = entry
        self.calls = 0

    def __call__(self) -> _Found | None:
        self.calls += 1
        return self.entry


def test_auth_cache_answers_while_the_database_is_unchanged(cache: AuthCache) -> None:
    load = Loads(found())
    assert cache.lookup("digest", load) is load.entry
    assert cache.lookup("digest", load) is load.entry
    assert load.calls == 1


def test_auth_cache_does_not_remember_unknown_credentials(cache: AuthCache) -> None:
    load = Loads(None)
    cache.lookup("digest", load)
    cache.lookup("digest", load)
    assert load.calls == 2


def insert_setting(db: Path) -> None:
    with contextlib.closing(sqlite3.connect(db)) as other, other:
        other.execute("INSERT INTO setting (key, value, updated_at) VALUES ('x', '1', '2020-01-01 00:00:00')")


def test_auth_cache_is_emptied_by_a_commit_of_another_connection(cache: AuthCache, db: Path) -> None:
    load = Loads(found())
    cache.lookup("digest", load)
    insert_setting(db)
    cache.lookup("digest", load)
    assert load.calls == 2


def test_auth_cache_is_emptied_by_a_write_on_its_own_connection(cache: AuthCache) -> None:
    load = Loads(found())
    cache.lookup("digest", load)
    with transaction(write=True):
        database.execute_sql("INSERT INTO setting (key, value, updated_at) VALUES ('x', '1', '2020-01-01 00:00:00')")
    cache.lookup("digest", load)
    assert load.calls == 2


def test_auth_cache_keeps_no_row_read_before_a_write(cache: AuthCache, db: Path) -> None:
    """A write that commits while the row is being read: the row may be the old one, so it is not kept."""
    load = Loads(found())

    def read_then_someone_writes() -> _Found | None:
        entry = load()
        insert_setting(db)
        return entry

    cache.lookup("digest", read_then_someone_writes)
    cache.lookup("digest", load)
    assert load.calls == 2


def test_auth_cache_entries_expire_after_the_ttl(cache: AuthCache) -> None:
    load = Loads(found(cached_at=time.monotonic() - AuthCache.TTL_SECONDS - 1))
    cache.lookup("digest", load)
    cache.lookup("digest", load)
    assert load.calls == 2


def test_auth_cache_holds_at_most_max_entries(cache: AuthCache, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(AuthCache, "MAX_ENTRIES", 2)
    load = Loads(found())
    for key in ("a", "b", "c"):
        cache.lookup(key, load)
    cache.lookup("c", load)
    assert load.calls == 3
    cache.lookup("a", load)
    assert load.calls == 4


def test_auth_cached_token_past_its_expiry_is_refused(db: Path) -> None:
    """Expiry is checked on every request, also when the row comes from the cache."""
    auth = Authenticator(Credentials("secret"), None, Activity())  # type: ignore[arg-type]  # tokens need none
    expired = found()
    expired.expires_at = datetime.now(UTC) - timedelta(seconds=1)
    auth._tokens.lookup(token_hash("dct_token"), Loads(expired))
    assert auth("dct_token", None) is None
    still_valid = found()
    still_valid.expires_at = datetime.now(UTC) + timedelta(hours=1)
    auth._tokens.lookup(token_hash("dct_other"), Loads(still_valid))
    assert auth("dct_other", None) is not None
