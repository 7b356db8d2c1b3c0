"""One passage by its chunk id (what a citation's own link opens): only from documents the caller may see."""

from __future__ import annotations

from starlette.applications import Starlette

from tests.conftest import Actor, create_user, new_client, sign_in
from tests.documents.conftest import note

TEXT = "# Access\n\nThe lab is reached over WireGuard.\n\n# Printers\n\nThe printer on floor two needs toner.\n"


def chunk_of(actor: Actor, question: str, document_id: int) -> dict[str, object]:
    found = actor.get("/api/search", params={"q": question}).json()["items"]
    [passage] = [p for p in found if p["document_id"] == document_id]
    return passage


def test_a_passage_is_shown_as_it_was_cited(admin: Actor) -> None:
    document = note(admin, "Lab", TEXT)
    cited = chunk_of(admin, "printer toner", int(document["id"]))
    response = admin.get(f"/api/knowledge/passages/{cited['chunk_id']}")
    assert response.status_code == 200, response.text
    assert response.json() == {
        "chunk_id": cited["chunk_id"],
        "document_id": document["id"],
        "document_title": "Lab",
        "kind": "md",
        "heading": "Printers",
        "page": None,
        "text": "The printer on floor two needs toner.",
    }


def test_a_passage_of_a_document_i_cannot_see_is_404(app: Starlette, admin: Actor, user: Actor) -> None:
    secret = admin.post("/api/projects", json={"name": "Secret"}).json()["id"]
    hidden = note(admin, "Hidden", "The codeword is marmalade.", project_id=secret)
    shared = note(admin, "Shared", "Everyone may know about toner.")
    hidden_chunk = chunk_of(admin, "codeword marmalade", int(hidden["id"]))["chunk_id"]
    shared_chunk = chunk_of(admin, "toner", int(shared["id"]))["chunk_id"]

    refused = user.get(f"/api/knowledge/passages/{hidden_chunk}")
    assert refused.status_code == 404
    assert refused.json()["error"]["code"] == "passage_not_found"
    assert "marmalade" not in refused.text
    assert user.get(f"/api/knowledge/passages/{shared_chunk}").status_code == 200
    assert user.get("/api/knowledge/passages/999999").status_code == 404  # the same answer as for a hidden one

    create_user(admin, "member")
    member = sign_in(app, "member", "user-pass-5678")
    body = {"username": "member", "role": "viewer"}
    assert admin.post(f"/api/projects/{secret}/members", json=body).status_code in (200, 201)
    assert member.get(f"/api/knowledge/passages/{hidden_chunk}").json()["text"] == "The codeword is marmalade."


def test_a_passage_needs_a_session(app: Starlette, admin: Actor) -> None:
    document = note(admin, "Lab", TEXT)
    cited = chunk_of(admin, "printer toner", int(document["id"]))
    assert new_client(app).get(f"/api/knowledge/passages/{cited['chunk_id']}").status_code == 401
