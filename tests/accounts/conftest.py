"""Helpers for the accounts tests: read and edit the real database file, anonymous and Bearer clients."""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Callable

import httpx2
import pytest
from starlette.applications import Starlette
from starlette.testclient import TestClient

from devcell.core.config import Config
from tests.conftest import ADMIN_PASSWORD, Actor, new_client, setup_code

# A time long past, in the form the database stores datetimes; used to age sessions, tokens and invites.
LONG_AGO = "2000-01-01 00:00:00"

Sql = Callable[..., list[tuple[object, ...]]]


@pytest.fixture
def sql(config: Config) -> Sql:
    """Run one statement against the database file through the sqlite3 module (committed) and return its rows."""

    def run(statement: str, *params: object) -> list[tuple[object, ...]]:
        with contextlib.closing(sqlite3.connect(config.database_path)) as connection, connection:
            return connection.execute(statement, params).fetchall()

    return run


@pytest.fixture
def admin(client: TestClient, config: Config) -> Actor:
    """Overrides the shared `admin` for speed: the setup page already signs the first admin in, so this keeps
    that session instead of signing in again (one scrypt hash less in nearly every accounts test)."""
    response = client.post(
        "/api/setup",
        json={"setup_code": setup_code(config), "username": "admin", "password": ADMIN_PASSWORD},
    )
    assert response.status_code == 201, response.text
    body = response.json()
    return Actor(client, body["user"], body["csrf_token"])


@pytest.fixture
def anon(app: Starlette, client: TestClient) -> TestClient:
    """A browser without a session (`client` is the admin's browser once `admin` is used)."""
    return new_client(app)


def bearer(app: Starlette, token: str) -> TestClient:
    """A client that authenticates only with `Authorization: Bearer <token>`."""
    return new_client(app, headers={"Authorization": f"Bearer {token}"})


def session_cookie(actor: Actor) -> str:
    return str(actor.client.cookies["devcell_session"])


def with_cookie(app: Starlette, cookie: str) -> TestClient:
    """A fresh browser that replays a saved session cookie."""
    return new_client(app, headers={"Cookie": f"devcell_session={cookie}"})


def set_setting(admin: Actor, key: str, value: object) -> None:
    response = admin.patch("/api/settings", json={"values": {key: value}})
    assert response.status_code == 200, response.text


def error_code(response: httpx2.Response) -> str:
    return str(response.json()["error"]["code"])
