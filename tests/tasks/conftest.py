"""The tasks tests use the projects tests' team (alice owns Apollo, bob member, carol viewer, dave outsider)."""

from __future__ import annotations

from typing import Any

from tests.conftest import Actor
from tests.projects.conftest import Team, ok, team

__all__ = ["Team", "new_task", "team"]


def new_task(actor: Actor, title: str = "Task", **body: object) -> dict[str, Any]:
    return dict(ok(actor.post("/api/tasks", json={"title": title, **body}), 201))
