"""The training tests use the projects tests' team (alice owns Apollo, bob member, carol viewer, dave outsider)
and a few ready-made units."""

from __future__ import annotations

import json
from typing import Any

from tests.conftest import Actor
from tests.projects.conftest import Team, ok, team

__all__ = ["UNITS", "Team", "llm_units", "new_plan", "team"]

UNITS: list[dict[str, Any]] = [
    {"title": "Install the package", "description": "apt install ./devcell.deb", "week": 1, "priority": "high"},
    {"title": "Create the first admin", "description": "Use the setup code.", "week": 1, "priority": "normal"},
    {"title": "Back up to a USB disk", "description": "Set backup_dir.", "week": 2, "priority": "high"},
    {"title": "Restore drill", "description": "Restore on a spare machine.", "week": 3, "priority": "urgent"},
]


def llm_units(units: list[dict[str, Any]] | None = None) -> str:
    """What a well-behaved model answers."""
    return json.dumps({"units": UNITS if units is None else units})


def new_plan(actor: Actor, project_id: int, title: str = "Ops basics", **body: object) -> dict[str, Any]:
    payload = {"project_id": project_id, "title": title, "units": UNITS, **body}
    return dict(ok(actor.post("/api/training/plans", json=payload), 201))
