"""Finder tests: notes are indexed by the hashing embedder (instant, no model to load)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from devcell.core.config import Config, load_config
from tests.conftest import Actor
from tests.documents.conftest import FAKE_MODEL, wait_done


@pytest.fixture
def config(tmp_path: Path, backend_env: dict[str, str]) -> Config:
    return load_config({"DEVCELL_EMBEDDING_MODEL": FAKE_MODEL, **backend_env}, data_dir=tmp_path / "data")


def find(actor: Actor, q: str, **params: object) -> dict[str, list[dict[str, Any]]]:
    """The hits of each kind (an empty list for a kind without any)."""
    response = actor.get("/api/find", params={"q": q, **params})
    assert response.status_code == 200, response.text
    found: dict[str, list[dict[str, Any]]] = {"task": [], "project": [], "document": [], "person": []}
    for group in response.json()["groups"]:
        assert group["items"], "empty groups are left out"
        found[group["kind"]] = group["items"]
    return found


def titles(hits: list[dict[str, Any]]) -> list[str]:
    return [hit["title"] for hit in hits]


def new_task(actor: Actor, title: str, **fields: object) -> int:
    response = actor.post("/api/tasks", json={"title": title, **fields})
    assert response.status_code == 201, response.text
    return int(response.json()["id"])


def new_project(owner: Actor, name: str, **roles: Actor) -> int:
    response = owner.post("/api/projects", json={"name": name})
    assert response.status_code == 201, response.text
    project_id = int(response.json()["id"])
    for role, actor in roles.items():
        body = {"username": actor.user["username"], "role": role}
        assert owner.post(f"/api/projects/{project_id}/members", json=body).status_code == 201
    return project_id


def new_note(actor: Actor, title: str, project_id: int | None = None) -> int:
    body = {"title": title, "text": f"# {title}\n\nSome text.", "project_id": project_id}
    response = actor.post("/api/documents/notes", json=body)
    assert response.status_code == 201, response.text
    document_id = int(response.json()["id"])
    wait_done(actor, document_id)  # nothing left indexing when the app stops
    return document_id
