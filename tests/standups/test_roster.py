"""Who filed today, who has not, who is away: the day's roster for everyone or one project."""

from __future__ import annotations

from datetime import date, timedelta

from starlette.applications import Starlette

from tests.conftest import USER_PASSWORD, Actor, create_user, sign_in


def names(refs: list[dict[str, object]]) -> list[object]:
    return [r["username"] for r in refs]


def roster(actor: Actor, **params: object) -> dict[str, list[dict[str, object]]]:
    response = actor.get("/api/standups/roster", params=params)
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


def test_the_roster_splits_filed_missing_and_away(app: Starlette, admin: Actor, user: Actor) -> None:
    create_user(admin, "zed")
    zed = sign_in(app, "zed", USER_PASSWORD)
    today = date.fromisoformat(user.get("/api/standups/today").json()["day"])
    away = {"away_from": (today - timedelta(days=1)).isoformat(), "away_until": (today + timedelta(days=2)).isoformat()}
    assert zed.patch("/api/auth/me", json=away).status_code == 200
    assert user.post("/api/standups", json={"today": "Relay work"}).status_code == 201
    got = roster(user)
    assert got["day"] == today.isoformat()
    assert (names(got["filed"]), names(got["missing"]), names(got["away"])) == (["user"], ["admin"], ["zed"])


def test_a_projects_roster_is_its_members_and_needs_a_role(app: Starlette, admin: Actor, user: Actor) -> None:
    create_user(admin, "outsider")
    outsider = sign_in(app, "outsider", USER_PASSWORD)
    project = admin.post("/api/projects", json={"name": "Relay"}).json()["id"]
    assert (
        admin.post(f"/api/projects/{project}/members", json={"username": "user", "role": "viewer"}).status_code == 201
    )
    got = roster(user, project=project)
    assert (names(got["filed"]), names(got["missing"]), names(got["away"])) == ([], ["admin", "user"], [])
    assert outsider.get("/api/standups/roster", params={"project": project}).status_code == 404


def test_private_standups_show_only_my_own_line(admin: Actor, user: Actor) -> None:
    assert admin.patch("/api/settings", json={"values": {"standup_visibility": "private"}}).status_code == 200
    got = roster(user)
    assert names(got["missing"]) == ["user"]
    assert names(roster(admin)["missing"]) == ["admin", "user"]


def test_away_dates_are_checked(user: Actor) -> None:
    backwards = user.patch("/api/auth/me", json={"away_from": "2026-12-10", "away_until": "2026-12-09"})
    assert backwards.status_code == 422
    assert backwards.json()["error"]["detail"][0]["field"] == "away_until"
    half = user.patch("/api/auth/me", json={"away_from": "2026-12-10"})
    assert half.status_code == 422
    cleared = user.patch("/api/auth/me", json={"away_from": None, "away_until": None})
    assert cleared.status_code == 200
    assert cleared.json()["user"]["away_from"] is None
