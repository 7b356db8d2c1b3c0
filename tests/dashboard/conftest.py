"""Helpers for the dashboard tests: tasks, projects and the database file."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from devcell.core.config import Config
from tests.accounts.conftest import run_elsewhere
from tests.conftest import Actor

Sql = Callable[..., list[tuple[Any, ...]]]


@pytest.fixture
def sql(config: Config) -> Sql:
    """Run one statement against the app's database from outside the app (committed) and return its rows."""

    def run(statement: str, *params: object) -> list[tuple[Any, ...]]:
        return run_elsewhere(config, statement, *params)

    return run


def new_task(actor: Actor, title: str = "Task", **fields: Any) -> dict[str, Any]:
    response = actor.post("/api/tasks", json={"title": title, **fields})
    assert response.status_code == 201, response.text
    return dict(response.json())


def new_project(owner: Actor, name: str, **roles: Actor) -> int:
    response = owner.post("/api/projects", json={"name": name})
    assert response.status_code == 201, response.text
    project_id = int(response.json()["id"])
    for role, actor in roles.items():
        body = {"username": actor.user["username"], "role": role}
        assert owner.post(f"/api/projects/{project_id}/members", json=body).status_code == 201
    return project_id


def dashboard(actor: Actor) -> dict[str, Any]:
    response = actor.get("/api/dashboard")
    assert response.status_code == 200, response.text
    return dict(response.json())
