"""Re-scoping a document (PATCH /api/documents/{id}): who may, and that retrieval follows at once — SQLite and
the vectors' scope metadata alike."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from starlette.applications import Starlette

from devcell.search.runtime import KNOWLEDGE, Knowledge
from tests.conftest import Actor, create_user, sign_in
from tests.documents.conftest import chroma_collection, note, uploaded


@dataclass
class Team:
    alice: Actor  # owns project A
    bob: Actor  # owns project B, and is a member of A
    carol: Actor  # member of B only
    a: int
    b: int


def _people(app: Starlette, admin: Actor) -> dict[str, Actor]:
    for name in ("alice", "bob", "carol"):
        create_user(admin, name)
    return {name: sign_in(app, name, "user-pass-5678") for name in ("alice", "bob", "carol")}


def _add(owner: Actor, project: int, who: Actor, role: str) -> None:
    body = {"username": who.user["username"], "role": role}
    assert owner.post(f"/api/projects/{project}/members", json=body).status_code in (200, 201)


@pytest.fixture
def team(app: Starlette, admin: Actor) -> Team:
    people = _people(app, admin)
    a = people["alice"].post("/api/projects", json={"name": "A"}).json()["id"]
    b = people["bob"].post("/api/projects", json={"name": "B"}).json()["id"]
    _add(people["alice"], a, people["bob"], "member")
    _add(people["bob"], b, people["carol"], "member")
    return Team(people["alice"], people["bob"], people["carol"], a, b)


def found(actor: Actor, question: str) -> list[int]:
    return [p["document_id"] for p in actor.get("/api/search", params={"q": question}).json()["items"]]


def scope_metadata(app: Starlette, document_id: int) -> set[object]:
    with chroma_collection(app) as collection:
        got = collection.get(where={"document_id": document_id}, include=["metadatas"])
    return {m["project_id"] for m in got["metadatas"]}


def test_moving_to_another_project_moves_retrieval_with_it(app: Starlette, team: Team) -> None:
    doc = note(team.bob, "Runbook", "The failover switch is labelled tangerine.", team.b)
    assert doc["id"] in found(team.carol, "failover switch tangerine")
    response = team.bob.patch(f"/api/documents/{doc['id']}", json={"project_id": team.a})
    assert response.status_code == 200, response.text
    assert response.json()["project"] == {"id": team.a, "name": "A"}
    assert doc["id"] not in found(team.carol, "failover switch tangerine")  # a member of the old project
    assert team.carol.get(f"/api/documents/{doc['id']}").status_code == 404
    asked = team.carol.post("/api/ask", json={"question": "What is the failover switch labelled?"}).json()
    assert doc["id"] not in [c["document_id"] for c in asked["citations"]]
    assert doc["id"] in found(team.alice, "failover switch tangerine")  # a member of the new one
    assert scope_metadata(app, int(doc["id"])) == {team.a}


def test_the_index_scope_filter_follows_too(app: Starlette, team: Team) -> None:
    """The slow path (chroma's own metadata filter) must agree with SQLite after a move."""
    doc = note(team.bob, "Runbook", "The failover switch is labelled tangerine.", team.b)
    team.bob.patch(f"/api/documents/{doc['id']}", json={"project_id": team.a})
    kn: Knowledge = app.state.need(KNOWLEDGE)
    vector = kn.embedder().embed(["failover switch tangerine"])[0]
    index = kn.index()
    chunk_ids = {f"c{c}" for c in _chunks(kn, int(doc["id"]))}
    assert chunk_ids & {i for i, _ in index.query(vector, 10, {team.a})}
    assert not chunk_ids & {i for i, _ in index.query(vector, 10, {team.b})}


def _chunks(kn: Knowledge, document_id: int) -> list[int]:
    from devcell.core.db import run_sql, transaction

    with transaction():
        rows = run_sql("SELECT id FROM chunk WHERE document_id = ?", (document_id,)).fetchall()
    return [int(r[0]) for r in rows]


def test_moving_to_everyone_and_back(app: Starlette, admin: Actor, team: Team) -> None:
    doc = note(team.carol, "Shared tip", "Restart the kiln controller with the blue button.", team.b)
    assert doc["id"] not in found(team.alice, "kiln controller blue button")
    moved = team.bob.patch(f"/api/documents/{doc['id']}", json={"project_id": None})  # bob owns project B
    assert moved.status_code == 200
    assert moved.json()["project"] is None
    assert doc["id"] in found(team.alice, "kiln controller blue button")
    assert scope_metadata(app, int(doc["id"])) == {-1}
    back = admin.patch(f"/api/documents/{doc['id']}", json={"project_id": team.b})
    assert back.status_code == 200
    assert doc["id"] not in found(team.alice, "kiln controller blue button")


def test_an_uploaded_file_can_be_renamed_and_moved(team: Team) -> None:
    doc = uploaded(team.bob, "plan.md", b"# Plan\n\nThe quarterly plan mentions zeppelins.\n", project_id=team.b)
    response = team.bob.patch(f"/api/documents/{doc['id']}", json={"title": "Q3 plan", "project_id": team.a})
    assert response.status_code == 200
    assert (response.json()["title"], response.json()["project"]["id"]) == ("Q3 plan", team.a)
    assert response.json()["status"] == "indexed"  # nothing is embedded again


def test_who_may_move_a_document(app: Starlette, admin: Actor, team: Team) -> None:
    doc = note(team.bob, "Bob's", "Owned by bob in project B.", team.b)
    url = f"/api/documents/{doc['id']}"
    assert team.carol.patch(url, json={"project_id": None}).status_code == 403  # a member, not its uploader
    assert team.carol.patch(url, json={"title": "Mine now"}).status_code == 403
    assert team.alice.patch(url, json={"project_id": team.a}).status_code == 404  # cannot see project B
    theirs = note(team.carol, "Carol's", "Written by carol in project B.", team.b)
    # Bob owns project B, but may only move its documents where he is a member.
    unseen = team.alice.post("/api/projects", json={"name": "C"}).json()["id"]
    refused = team.bob.patch(f"/api/documents/{theirs['id']}", json={"project_id": unseen})
    assert refused.status_code == 404
    _add(team.alice, unseen, team.bob, "viewer")
    refused = team.bob.patch(f"/api/documents/{theirs['id']}", json={"project_id": unseen})
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "project_role_required"
    moved = team.bob.patch(f"/api/documents/{theirs['id']}", json={"project_id": team.a})
    assert moved.status_code == 200  # bob owns project B and is a member of A
    assert admin.patch(url, json={"project_id": None}).status_code == 200


def test_the_uploader_cannot_publish_a_project_document_to_everyone(team: Team) -> None:
    """Issue #13: moving a document out of its project is the project's call (its owner or an administrator)."""
    doc = note(team.carol, "Carol's", "The vault code is kept by the duty officer.", team.b)
    refused = team.carol.patch(f"/api/documents/{doc['id']}", json={"project_id": None})
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "document_not_allowed"
    assert "owner of the document's project or an administrator" in refused.json()["error"]["message"]
    assert team.alice.get(f"/api/documents/{doc['id']}").status_code == 404  # still only project B's


def test_an_uploader_demoted_to_viewer_cannot_publish_it_either(team: Team) -> None:
    doc = note(team.carol, "Carol's", "The vault code is kept by the duty officer.", team.b)
    body = {"role": "viewer"}
    assert team.bob.patch(f"/api/projects/{team.b}/members/carol", json=body).status_code == 200
    assert team.carol.patch(f"/api/documents/{doc['id']}", json={"project_id": None}).status_code == 403
    assert team.alice.get(f"/api/documents/{doc['id']}").status_code == 404


def test_the_uploader_cannot_move_a_project_document_to_another_of_their_projects(team: Team) -> None:
    _add(team.alice, team.a, team.carol, "member")
    doc = note(team.carol, "Carol's", "The vault code is kept by the duty officer.", team.b)
    refused = team.carol.patch(f"/api/documents/{doc['id']}", json={"project_id": team.a})
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "document_not_allowed"
    assert team.bob.get(f"/api/documents/{doc['id']}").json()["project"]["id"] == team.b


def test_the_uploader_may_move_an_everyone_document_into_their_project(team: Team) -> None:
    doc = note(team.carol, "Carol's", "Everyone may read this tip.")
    moved = team.carol.patch(f"/api/documents/{doc['id']}", json={"project_id": team.b})
    assert moved.status_code == 200
    assert moved.json()["project"]["id"] == team.b


def test_patch_input_is_validated(admin: Actor) -> None:
    doc = note(admin, "Valid", "Some text.")
    url = f"/api/documents/{doc['id']}"
    for body in ({"title": None}, {"title": ""}, {"title": "x" * 201}, {"text": "notes only"}, {"project_id": "A"}):
        assert admin.patch(url, json=body).status_code == 422, body
    assert admin.patch(url, json={"project_id": 999999}).status_code == 404
    assert admin.patch("/api/documents/999999", json={"title": "Nope"}).status_code == 404
    unchanged = admin.patch(url, json={}).json()
    assert unchanged["title"] == "Valid"
    assert unchanged["project"] is None
