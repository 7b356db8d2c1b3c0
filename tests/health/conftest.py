"""Health test fixtures: the injectable disk reading (the backup tests' own), and the health report by check."""

from __future__ import annotations

from typing import Any

from tests.backups.conftest import disk as disk
from tests.conftest import Actor


def findings(actor: Actor) -> dict[str, dict[str, Any]]:
    report = actor.get("/api/system/health?fresh=true").json()
    return {item["name"]: item for item in report["items"]}


def checked(actor: Actor, name: str, unless: str = "skipped") -> dict[str, Any] | None:
    """The health finding `name`, or None while its severity is still `unless`."""
    found = findings(actor)[name]
    return None if found["severity"] == unless else found
