"""GET /api/people/{username}: an active colleague's page (what an @mention links to): names and away days."""

from __future__ import annotations

from tests.conftest import Actor, create_user


def test_a_person_by_user_name(admin: Actor, user: Actor) -> None:
    alice = create_user(admin, "alice", display_name="Alice Smith", team="Red", job_title="Analyst")
    assert user.get("/api/people/alice").json() == {
        "id": alice["id"],
        "username": "alice",
        "display_name": "Alice Smith",
        "away_from": None,
        "away_until": None,
    }
    assert user.get("/api/people/ALICE").json()["username"] == "alice"  # user names are stored lower-case


def test_away_days_are_shown(admin: Actor, user: Actor) -> None:
    response = user.patch("/api/auth/me", json={"away_from": "2026-12-07", "away_until": "2026-12-09"})
    assert response.status_code == 200, response.text
    body = admin.get("/api/people/user").json()
    assert (body["away_from"], body["away_until"]) == ("2026-12-07", "2026-12-09")


def test_unknown_and_deactivated_people_are_404(admin: Actor, user: Actor) -> None:
    gone = create_user(admin, "gone")
    assert admin.patch(f"/api/users/{gone['id']}", json={"active": False}).status_code == 200
    for name in ("nobody", "gone"):
        response = user.get(f"/api/people/{name}")
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "person_not_found"


def test_a_string_that_cannot_be_a_user_name_is_422(user: Actor) -> None:
    for name in ("ab", "a%20b", "-dash", "x" * 33):
        response = user.get(f"/api/people/{name}")
        assert response.status_code == 422, name
        [detail] = response.json()["error"]["detail"]
        assert detail["field"] == "username"
        assert "3-32 characters" in detail["message"]


def test_signed_out_callers_are_refused(admin: Actor, user: Actor) -> None:
    assert user.client.post("/api/auth/logout", headers=user.headers).status_code == 204
    assert user.get("/api/people/admin").status_code == 401
