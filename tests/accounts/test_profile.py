"""Editing your own profile with PATCH /api/auth/me: only sent fields change; null or "" clears."""

from __future__ import annotations

import httpx2
import pytest

from tests.accounts.conftest import Sql, error_code
from tests.conftest import Actor

FILLED = {
    "display_name": "Ada Lovelace",
    "job_title": "Analyst",
    "team": "Red",
    "rank": "Sgt",
    "skills": "python, sql",
    "time_zone": "Europe/Berlin",
}


def patch_me(actor: Actor, body: dict[str, object]) -> httpx2.Response:
    return actor.patch("/api/auth/me", json=body)


@pytest.fixture
def filled(admin: Actor) -> Actor:
    assert patch_me(admin, FILLED).status_code == 200
    return admin


def test_profile_patch_changes_the_sent_fields(admin: Actor) -> None:
    user = patch_me(admin, FILLED).json()["user"]
    assert {key: user[key] for key in FILLED} == FILLED


def test_profile_patch_is_stored(filled: Actor, sql: Sql) -> None:
    assert sql("SELECT team, time_zone FROM \"user\" WHERE username = 'admin'") == [("Red", "Europe/Berlin")]


def test_profile_patch_keeps_fields_not_sent(filled: Actor) -> None:
    user = patch_me(filled, {"team": "Blue"}).json()["user"]
    assert user["team"] == "Blue"
    assert {key: user[key] for key in FILLED if key != "team"} == {k: v for k, v in FILLED.items() if k != "team"}


@pytest.mark.parametrize("empty", [None, ""])
def test_profile_patch_clears_fields_with_null_or_empty(filled: Actor, empty: str | None) -> None:
    response = patch_me(filled, dict.fromkeys(FILLED, empty))
    assert response.status_code == 200
    assert {key: response.json()["user"][key] for key in FILLED} == dict.fromkeys(FILLED, "")


def test_profile_patch_clear_is_stored(filled: Actor, sql: Sql) -> None:
    patch_me(filled, {"team": None, "time_zone": ""})
    assert sql("SELECT team, time_zone, job_title FROM \"user\" WHERE username = 'admin'") == [("", "", "Analyst")]


def test_profile_patch_trims_whitespace(admin: Actor) -> None:
    assert patch_me(admin, {"team": "  Red  "}).json()["user"]["team"] == "Red"


@pytest.mark.parametrize("field", ["role", "active", "username", "password_hash", "nickname"])
def test_profile_patch_refuses_fields_it_does_not_own(admin: Actor, field: str) -> None:
    response = patch_me(admin, {field: "x"})
    assert response.status_code == 422
    assert response.json()["error"]["detail"][0]["field"] == field
    assert admin.get("/api/auth/me").json()["user"]["role"] == "admin"


@pytest.mark.parametrize("zone", ["Mars/Olympus", "Europe/Berlinn", "+02:00"])
def test_profile_patch_refuses_an_unknown_time_zone(admin: Actor, zone: str) -> None:
    response = patch_me(admin, {"time_zone": zone})
    assert response.status_code == 422
    assert error_code(response) == "validation_failed"
    assert response.json()["error"]["detail"][0]["field"] == "time_zone"


def test_profile_patch_accepts_utc(admin: Actor) -> None:
    assert patch_me(admin, {"time_zone": "UTC"}).json()["user"]["time_zone"] == "UTC"


def test_profile_patch_refuses_an_overlong_field(admin: Actor) -> None:
    response = patch_me(admin, {"display_name": "x" * 121})
    assert response.status_code == 422
    assert response.json()["error"]["detail"][0]["field"] == "display_name"


def test_profile_patch_changes_only_your_own_profile(admin: Actor, user: Actor) -> None:
    patch_me(user, {"team": "Blue"})
    assert admin.get("/api/auth/me").json()["user"]["team"] == ""
