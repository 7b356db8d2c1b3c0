"""@mentions in knowledgebase notes: the people mentioned who can see the note are told once; someone who cannot
see it (a project's note, they are not in the project) is told nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from devcell.core.config import Config, load_config
from tests.conftest import Actor
from tests.notifications.conftest import Team, inbox, unread
from tests.projects.conftest import ok


@pytest.fixture
def config(tmp_path: Path, backend_env: dict[str, str]) -> Config:
    """The hashing embedder: a note's indexing job is instant and needs no model files."""
    return load_config({"DEVCELL_EMBEDDING_MODEL": "hashing-test", **backend_env}, data_dir=tmp_path / "data")


def note(actor: Actor, text: str, project_id: int | None = None, title: str = "Relay runbook") -> int:
    body = {"title": title, "text": text, "project_id": project_id}
    return int(ok(actor.post("/api/documents/notes", json=body), 201)["id"])


def test_a_mention_in_a_project_note_tells_who_can_see_it(team: Team) -> None:
    document_id = note(team.alice, "Ask @bob, or @dave.", project_id=team.project_id)
    [told] = inbox(team.bob)
    assert (told["kind"], told["title"]) == ("mention", "Alice mentioned you in the note “Relay runbook”")
    assert told["link"] == f"/knowledge?doc={document_id}"
    assert told["excerpt"] == "Ask @bob, or @dave."
    assert unread(team.dave) == 0  # dave is not in the project: he cannot open the note


def test_a_note_for_everyone_tells_anyone_mentioned_once(team: Team) -> None:
    document_id = note(team.bob, "Thanks @dave and `@carol` in code")
    assert [n["kind"] for n in inbox(team.dave)] == ["mention"]
    assert unread(team.carol) == 0
    ok(team.bob.patch(f"/api/documents/notes/{document_id}", json={"text": "Thanks @dave, again"}))
    assert unread(team.dave) == 1  # the same mention again is no news


def test_an_edit_tells_only_the_newly_mentioned(team: Team) -> None:
    document_id = note(team.alice, "Owner: @bob", project_id=team.project_id)
    ok(team.alice.patch(f"/api/documents/notes/{document_id}", json={"text": "Owner: @bob, reviewer @carol"}))
    assert unread(team.bob) == 1
    assert [n["title"] for n in inbox(team.carol)] == ["Alice mentioned you in the note “Relay runbook”"]


def test_the_author_and_renames_without_text_tell_nobody(team: Team) -> None:
    document_id = note(team.alice, "Note to self, @alice")
    ok(team.alice.patch(f"/api/documents/notes/{document_id}", json={"title": "Renamed"}))
    assert [n["kind"] for n in inbox(team.alice) if n["kind"] != "job"] == []  # her indexing job tells her only
