"""Issue #13, finding 7: /api/knowledge/status counts only what the caller may see; administrators get totals."""

from __future__ import annotations

from typing import Any

from tests.conftest import Actor
from tests.documents.conftest import note


def status(actor: Actor) -> dict[str, Any]:
    response = actor.get("/api/knowledge/status")
    assert response.status_code == 200, response.text
    return dict(response.json())


def private_note(admin: Actor) -> int:
    """A note in a project the plain user is not a member of; returns the project id."""
    project = int(admin.post("/api/projects", json={"name": "Private"}).json()["id"])
    note(admin, "Secret plan", "The private project's plan is kept here.", project_id=project)
    return project


def test_an_outsider_does_not_count_a_private_projects_document(admin: Actor, user: Actor) -> None:
    private_note(admin)
    seen = status(user)
    assert seen["documents"] == {"queued": 0, "indexing": 0, "indexed": 0, "failed": 0}
    assert seen["chunks"] == 0
    assert seen["vectors"] is None  # the index holds every project's passages


def test_an_administrator_sees_the_totals(admin: Actor) -> None:
    private_note(admin)
    totals = status(admin)
    assert totals["documents"]["indexed"] == 1
    assert totals["vectors"] == totals["chunks"] > 0


def test_a_member_counts_the_projects_documents_and_everyones(admin: Actor, user: Actor) -> None:
    project = private_note(admin)
    body = {"username": user.user["username"], "role": "viewer"}
    assert admin.post(f"/api/projects/{project}/members", json=body).status_code == 201
    note(admin, "Lunch", "Lunch is at noon for everyone.")
    seen = status(user)
    assert seen["documents"]["indexed"] == 2
    assert seen["chunks"] == status(admin)["chunks"]
