"""Helpers for the accounts tests: read and edit the real database file, anonymous and Bearer clients."""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Callable

import httpx2
import psycopg2
import pytest
from starlette.applications import Starlette
from starlette.testclient import TestClient

from devcell.core.config import Config
from tests.conftest import ADMIN_PASSWORD, Actor, new_client, setup_code

# A time long past, in the form the database stores datetimes; used to age sessions, tokens and invites.
LONG_AGO = "2000-01-01 00:00:00"

Sql = Callable[..., list[tuple[object, ...]]]


def run_elsewhere(config: Config, statement: str, *params: object) -> list[tuple[object, ...]]:
    """Run one statement (`?` marks; SQL both databases read) on a connection of its own, committed, as another
    DevCell process would (the CLI), and return its rows. On PostgreSQL a write also moves the change counter, as
    every writing unit of work of core.db does: that is how the app's caches learn of another process's write."""
    if config.database_url is None:
        with contextlib.closing(sqlite3.connect(config.database_path)) as connection, connection:
            return connection.execute(statement, params).fetchall()
    # psycopg2's connection, as a context, commits on leaving (closing() closes it after).
    with contextlib.closing(psycopg2.connect(config.database_url)) as connection, connection, connection.cursor() as c:
        c.execute(statement.replace("?", "%s"), params)
        rows = list(c.fetchall()) if c.description else []
        if not statement.lstrip().upper().startswith("SELECT"):
            c.execute("UPDATE change_counter SET changes = changes + 1")
        return rows


@pytest.fixture
def sql(config: Config) -> Sql:
    """Run one statement against the app's database from outside the app (see run_elsewhere)."""

    def run(statement: str, *params: object) -> list[tuple[object, ...]]:
        return run_elsewhere(config, statement, *params)

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
