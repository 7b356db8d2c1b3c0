"""The Knowledge page's search (GET /api/documents?q=) finds documents by their text as well as their title, under
the same visibility rule as the list, and no query text is ever read as full-text syntax."""

from __future__ import annotations

import pytest

from tests.conftest import Actor
from tests.documents.conftest import note, uploaded


def titles(actor: Actor, q: str, **more: object) -> list[str]:
    response = actor.get("/api/documents", params={"q": q, **more})
    assert response.status_code == 200, response.text
    return [d["title"] for d in response.json()["items"]]


def test_a_word_only_in_the_body_finds_the_document(admin: Actor) -> None:
    note(admin, "Remote access", "# Remote access\n\nThe lab is reached over WireGuard on port 51820.\n")
    note(admin, "Printers", "The printer on floor 2 needs toner.\n")
    assert titles(admin, "wireguard") == ["Remote access"]
    assert titles(admin, "WireGuard port") == ["Remote access"]  # every word, in any passage
    assert titles(admin, "wiregu") == ["Remote access"]  # the start of a word
    assert titles(admin, "wireguard toner") == []


def test_title_matches_are_kept_and_terms_mix_title_and_text(admin: Actor) -> None:
    note(admin, "Zeppelin hangar", "Opening hours are from eight to five.")
    note(admin, "Other", "Nothing about airships.")
    assert titles(admin, "pelin han") == ["Zeppelin hangar"]  # inside title words, as before
    assert titles(admin, "zeppelin hours") == ["Zeppelin hangar"]  # one term in the title, one in the text


def test_text_search_pages_with_the_right_total(admin: Actor) -> None:
    for n in range(5):
        note(admin, f"Runbook {n}", f"Step {n}: restart the quokka service.")
    note(admin, "Unrelated", "Nothing here.")
    first = admin.get("/api/documents", params={"q": "quokka", "limit": 2}).json()
    last = admin.get("/api/documents", params={"q": "quokka", "limit": 2, "offset": 4}).json()
    assert (first["total"], len(first["items"])) == (5, 2)
    assert (last["total"], len(last["items"])) == (5, 1)


def test_text_of_a_project_i_cannot_see_is_not_found(admin: Actor, user: Actor) -> None:
    secret = admin.post("/api/projects", json={"name": "Secret"}).json()["id"]
    note(admin, "Hidden plan", "The codeword is marmalade.", project_id=secret)
    note(admin, "Shared", "Everyone may read about marmalade too.")
    assert titles(user, "marmalade") == ["Shared"]
    assert titles(user, "codeword") == []
    assert sorted(titles(admin, "marmalade")) == ["Hidden plan", "Shared"]


@pytest.mark.parametrize(
    "q",
    ['"', '"wireguard', "wire*", "*", "OR", "wireguard OR", "-wireguard", "NOT", "text:wireguard", "(", ")",
     "NEAR(a b)", "^wireguard", "a AND", "'", "\\", "{text}: x", "wire\u00a0guard", "\u2603"],
)  # fmt: skip
def test_full_text_syntax_in_the_query_is_only_text(admin: Actor, q: str) -> None:
    note(admin, "Remote access", "The lab is reached over WireGuard.")
    response = admin.get("/api/documents", params={"q": q})
    assert response.status_code == 200, response.text
    assert response.json()["total"] in (0, 1)


def test_an_uploaded_files_text_is_searched(admin: Actor) -> None:
    uploaded(admin, "notes.txt", b"Shopping list\n\nRemember the pomegranate.\n")
    assert titles(admin, "pomegranate") == ["notes.txt"]


def test_short_words_match_whole_words_only(admin: Actor) -> None:
    note(admin, "Network", "Use the vpn gateway.")
    assert titles(admin, "vp") == []  # "vp"* would walk most of the index's words
    assert titles(admin, "vpn") == ["Network"]
    assert titles(admin, "gat") == ["Network"]
