"""The notifications tests use the projects tests' team (alice owns Apollo, bob member, carol viewer, dave
outsider) and read each person's inbox over HTTP."""

from __future__ import annotations

from typing import Any

from tests.conftest import Actor
from tests.projects.conftest import Team, ok, team

__all__ = ["Team", "inbox", "team", "unread"]


def inbox(actor: Actor, **query: object) -> list[dict[str, Any]]:
    return list(ok(actor.get("/api/notifications", params=query))["items"])


def unread(actor: Actor) -> int:
    return int(ok(actor.get("/api/notifications/unread"))["unread"])
