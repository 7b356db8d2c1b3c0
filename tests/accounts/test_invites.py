"""Self-registration: the policy setting (closed, open, invite) and single-use invite links."""

from __future__ import annotations

import httpx2
import pytest
from starlette.applications import Starlette
from starlette.testclient import TestClient

from tests.accounts.conftest import LONG_AGO, Sql, error_code, set_setting
from tests.conftest import Actor, new_client

PASSWORD = "new-member-pass-9"


def register(client: TestClient, username: str = "newbie", **extra: object) -> httpx2.Response:
    return client.post("/api/auth/register", json={"username": username, "password": PASSWORD, **extra})


def make_invite(admin: Actor, **fields: object) -> dict[str, object]:
    response = admin.post("/api/invites", json=fields)
    assert response.status_code == 201, response.text
    return dict(response.json())


@pytest.fixture
def invite_only(admin: Actor) -> Actor:
    set_setting(admin, "registration", "invite")
    return admin


def test_register_is_closed_by_default(anon: TestClient, admin: Actor, sql: Sql) -> None:
    response = register(anon)
    assert response.status_code == 403
    assert error_code(response) == "registration_closed"
    assert sql("SELECT count(*) FROM \"user\" WHERE username = 'newbie'") == [(0,)]


def test_invites_cannot_be_created_while_registration_is_closed(admin: Actor, sql: Sql) -> None:
    response = admin.post("/api/invites", json={})
    assert response.status_code == 409
    assert error_code(response) == "invites_disabled"
    assert "registration setting" in response.json()["error"]["message"]
    assert sql("SELECT count(*) FROM invite") == [(0,)]


def test_closing_registration_disables_invites_already_handed_out(anon: TestClient, invite_only: Actor) -> None:
    token = make_invite(invite_only)["token"]
    set_setting(invite_only, "registration", "closed")
    response = register(anon, invite=token)
    assert response.status_code == 403
    assert error_code(response) == "registration_closed"


def test_register_open_creates_an_ordinary_user(anon: TestClient, admin: Actor) -> None:
    set_setting(admin, "registration", "open")
    response = register(anon)
    assert response.status_code == 201
    assert response.json()["user"]["role"] == "user"


def test_register_signs_the_new_user_in(anon: TestClient, admin: Actor) -> None:
    set_setting(admin, "registration", "open")
    register(anon)
    assert anon.get("/api/auth/me").json()["user"]["username"] == "newbie"


def test_register_taken_name_is_a_conflict(anon: TestClient, admin: Actor) -> None:
    set_setting(admin, "registration", "open")
    response = register(anon, username="Admin")
    assert response.status_code == 409
    assert error_code(response) == "username_taken"


def test_register_status_shows_the_policy(anon: TestClient, invite_only: Actor) -> None:
    assert anon.get("/api/setup").json()["registration"] == "invite"


def test_register_invite_policy_needs_an_invite(anon: TestClient, invite_only: Actor) -> None:
    response = register(anon)
    assert response.status_code == 403
    assert error_code(response) == "registration_closed"


def test_invite_create_returns_token_and_registration_path(invite_only: Actor, sql: Sql) -> None:
    invite = make_invite(invite_only, note="for newbie")
    assert str(invite["token"]).startswith("dci_")
    assert invite["path"] == f"/register?invite={invite['token']}"
    assert invite["status"] == "open"
    assert str(invite["token"]) not in str(sql("SELECT * FROM invite"))


def test_register_with_an_invite_creates_the_user(anon: TestClient, invite_only: Actor) -> None:
    response = register(anon, invite=make_invite(invite_only)["token"])
    assert response.status_code == 201
    assert response.json()["user"]["role"] == "user"


def test_register_invite_works_only_once(app: Starlette, anon: TestClient, invite_only: Actor) -> None:
    token = make_invite(invite_only)["token"]
    register(anon, invite=token)
    response = register(new_client(app), username="second", invite=token)
    assert response.status_code == 403
    assert error_code(response) == "invite_invalid"


def test_register_with_a_revoked_invite_is_refused(anon: TestClient, invite_only: Actor) -> None:
    invite = make_invite(invite_only)
    assert invite_only.delete(f"/api/invites/{invite['id']}").status_code == 204
    response = register(anon, invite=invite["token"])
    assert response.status_code == 403
    assert error_code(response) == "invite_invalid"


def test_register_with_an_expired_invite_is_refused(anon: TestClient, invite_only: Actor, sql: Sql) -> None:
    invite = make_invite(invite_only)
    sql("UPDATE invite SET expires_at = ? WHERE id = ?", LONG_AGO, invite["id"])
    assert error_code(register(anon, invite=invite["token"])) == "invite_invalid"


def test_register_with_an_unknown_invite_is_refused(anon: TestClient, invite_only: Actor) -> None:
    assert error_code(register(anon, invite="dci_made-up")) == "invite_invalid"


def test_register_with_an_admin_invite_creates_an_admin(anon: TestClient, invite_only: Actor) -> None:
    response = register(anon, invite=make_invite(invite_only, role="admin")["token"])
    assert response.status_code == 201
    assert response.json()["user"]["role"] == "admin"


def test_invite_list_shows_each_status(anon: TestClient, invite_only: Actor, sql: Sql) -> None:
    used, revoked, expired, _ = (make_invite(invite_only, note=n) for n in ("used", "revoked", "expired", "open"))
    register(anon, invite=used["token"])
    invite_only.delete(f"/api/invites/{revoked['id']}")
    sql("UPDATE invite SET expires_at = ? WHERE id = ?", LONG_AGO, expired["id"])
    items = invite_only.get("/api/invites").json()["items"]
    assert {i["note"]: i["status"] for i in items} == {n: n for n in ("used", "revoked", "expired", "open")}
    assert all("token" not in i for i in items)


def test_invite_list_records_who_used_it(anon: TestClient, invite_only: Actor) -> None:
    invite = make_invite(invite_only)
    new_user = register(anon, invite=invite["token"]).json()["user"]
    [item] = invite_only.get("/api/invites").json()["items"]
    assert (item["used_by_id"], item["created_by_id"]) == (new_user["id"], invite_only.user["id"])


def test_invite_revoke_unknown_is_not_found(invite_only: Actor) -> None:
    response = invite_only.delete("/api/invites/999")
    assert response.status_code == 404
    assert error_code(response) == "invite_not_found"


def test_an_invite_link_can_be_checked_before_registering(anon: TestClient, invite_only: Actor, sql: Sql) -> None:
    def check(token: object) -> object:
        response = anon.post("/api/auth/invite-check", json={"invite": token})
        assert response.status_code == 200, response.text
        return response.json()

    used, expired, revoked = (make_invite(invite_only) for _ in range(3))
    assert check(used["token"]) == {"status": "valid"}  # nothing beyond the state: no role, creator or dates
    assert register(anon, invite=used["token"]).status_code == 201
    anon.cookies.clear()  # registering signed this client in; the check is for visitors
    assert check(used["token"]) == {"status": "used"}
    sql("UPDATE invite SET expires_at = ? WHERE id = ?", LONG_AGO, expired["id"])
    assert check(expired["token"]) == {"status": "expired"}
    assert invite_only.delete(f"/api/invites/{revoked['id']}").status_code == 204
    assert check(revoked["token"]) == {"status": "invalid"}
    assert check("dci_not-a-real-token") == {"status": "invalid"}
    assert anon.post("/api/auth/invite-check", json={"invite": "x" * 129}).status_code == 422
