"""The role matrix of every documents route, on documents scoped to the matrix project."""

from __future__ import annotations

import itertools

import httpx2
import pytest
from starlette.applications import Starlette

from tests.conftest import Actor
from tests.rolematrix import EDITORS, MANAGERS, READERS, ROLES, Request, RoleCase, World, build_world, check_case

DOC = "/api/documents/{document_id:int}"
NOTE = "/api/documents/notes/{document_id:int}"
_names = itertools.count()


def _note(world: World) -> int:
    """A fresh note in the project, written by the admin (so only owners and admins manage it)."""
    body = {"title": f"Matrix note {next(_names)}", "text": "Project knowledge.", "project_id": world.project_id}
    response = world.admin.post("/api/documents/notes", json=body)
    assert response.status_code == 201, response.text
    return int(response.json()["id"])


def _members_note(world: World) -> int:
    """A fresh note in the project, written by the member: having written it does not make it theirs to move."""
    body = {"title": f"Member's note {next(_names)}", "text": "Project knowledge.", "project_id": world.project_id}
    response = world.member.post("/api/documents/notes", json=body)
    assert response.status_code == 201, response.text
    return int(response.json()["id"])


def _callers_everyone_note(world: World) -> int:
    """A fresh note for everyone, written by the role about to call (so it may move it, as its author)."""
    body = {"title": f"Everyone's note {next(_names)}", "text": "Shared knowledge.", "project_id": None}
    response = world.actor(world.caller).post("/api/documents/notes", json=body)
    assert response.status_code == 201, response.text
    return int(response.json()["id"])


def _move(document_id: int, project_id: int | None) -> Request:
    return Request(f"/api/documents/{document_id}", {"project_id": project_id})


def _shared_note(world: World) -> int:
    if "note" not in world.extra:
        world.extra["note"] = _note(world)
    return int(world.extra["note"])


UPLOAD = RoleCase("POST", "/api/documents", lambda w: Request("/api/documents"), EDITORS)

CASES: list[RoleCase] = [
    RoleCase("GET", "/api/documents", lambda w: Request(f"/api/documents?project={w.project_id}"), READERS),
    UPLOAD,
    RoleCase(
        "POST",
        "/api/documents/notes",
        lambda w: Request("/api/documents/notes", {"title": "Mine", "text": "Hi.", "project_id": w.project_id}),
        EDITORS,
    ),
    RoleCase("PATCH", NOTE, lambda w: Request(f"/api/documents/notes/{_note(w)}", {"text": "Changed."}), MANAGERS),
    RoleCase("GET", DOC, lambda w: Request(f"/api/documents/{_shared_note(w)}"), READERS),
    RoleCase("GET", DOC + "/content", lambda w: Request(f"/api/documents/{_shared_note(w)}/content"), READERS),
    RoleCase("PATCH", DOC, lambda w: Request(f"/api/documents/{_note(w)}", {"title": "Renamed"}), MANAGERS),
    # Re-scoping into a second project where owner, member and viewer keep their roles: still only managers.
    RoleCase("PATCH", DOC, lambda w: Request(f"/api/documents/{_note(w)}", {"project_id": w.new_project()}), MANAGERS),
    RoleCase("PATCH", DOC, lambda w: Request(f"/api/documents/{_note(w)}", {"project_id": None}), MANAGERS),
    # Issue #13: out of a project is the project's call even for the document's author; into one needs member.
    RoleCase("PATCH", DOC, lambda w: _move(_members_note(w), None), MANAGERS),
    RoleCase("PATCH", DOC, lambda w: _move(_members_note(w), w.new_project()), MANAGERS),
    RoleCase("PATCH", DOC, lambda w: _move(_callers_everyone_note(w), w.project_id), EDITORS),
    RoleCase("DELETE", DOC, lambda w: Request(f"/api/documents/{_note(w)}"), MANAGERS),
    RoleCase("POST", DOC + "/reindex", lambda w: Request(f"/api/documents/{_note(w)}/reindex"), MANAGERS),
]


def _upload(actor: Actor, project_id: int) -> httpx2.Response:
    files = {"file": ("matrix.md", b"# Matrix\n\nUploaded into the project.\n", "text/markdown")}
    return actor.client.post("/api/documents", headers=actor.headers, files=files, data={"project_id": str(project_id)})


def check_upload(world: World) -> None:
    """Like check_case, with a multipart body (the matrix helper sends JSON)."""
    failures = []
    for role in ROLES:
        response = _upload(world.actor(role), world.project_id)
        expected = 201 if role in UPLOAD.allowed else UPLOAD.expected_denial(role)
        if response.status_code != expected:
            failures.append(f"{role}: expected {expected}, got {response.status_code} {response.text[:200]}")
    assert failures == []


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_role_matrix(app: Starlette, admin: Actor, case: RoleCase) -> None:
    world = build_world(app, admin)
    if case is UPLOAD:
        check_upload(world)
    else:
        check_case(world, case)
