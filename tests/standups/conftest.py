"""Helpers for the standups tests: a second user, a project with roles, a fixed clock, settings."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

import httpx2
import pytest
from starlette.applications import Starlette

from devcell.standups import _days
from tests.conftest import USER_PASSWORD, Actor, create_user, sign_in

# A Friday 23:30 in UTC: already Saturday east of +00:30, still Friday west of Greenwich.
FRIDAY_LATE_UTC = datetime(2024, 3, 8, 23, 30, tzinfo=UTC)
FRIDAY = date(2024, 3, 8)
SATURDAY = date(2024, 3, 9)
MONDAY = date(2024, 3, 11)

SetClock = Callable[[datetime], None]


@pytest.fixture
def set_clock(monkeypatch: pytest.MonkeyPatch) -> SetClock:
    """Stand the standups clock at a given instant (the rest of the app keeps real time)."""

    def stand_at(instant: datetime) -> None:
        monkeypatch.setattr(_days, "clock", lambda: instant)

    return stand_at


@pytest.fixture
def other(app: Starlette, admin: Actor) -> Actor:
    """A second ordinary user."""
    create_user(admin, "other")
    return sign_in(app, "other", USER_PASSWORD)


def person(app: Starlette, admin: Actor, username: str, **fields: object) -> Actor:
    create_user(admin, username, **fields)
    return sign_in(app, username, USER_PASSWORD)


def set_setting(admin: Actor, key: str, value: object) -> None:
    response = admin.patch("/api/settings", json={"values": {key: value}})
    assert response.status_code == 200, response.text


def file(actor: Actor, **fields: Any) -> httpx2.Response:
    body = {"today": "Write the standups slice", **fields}
    return actor.post("/api/standups", json=body)


def filed(actor: Actor, **fields: Any) -> dict[str, Any]:
    response = file(actor, **fields)
    assert response.status_code == 201, response.text
    return dict(response.json())


def make_project(owner: Actor, name: str = "Apollo", **roles: Actor) -> int:
    """A project owned by `owner`, with `roles` as {role: actor} members."""
    response = owner.post("/api/projects", json={"name": name})
    assert response.status_code == 201, response.text
    project_id = int(response.json()["id"])
    for role, actor in roles.items():
        added = owner.post(
            f"/api/projects/{project_id}/members", json={"username": actor.user["username"], "role": role}
        )
        assert added.status_code == 201, added.text
    return project_id


def error(response: httpx2.Response) -> dict[str, Any]:
    return dict(response.json()["error"])
