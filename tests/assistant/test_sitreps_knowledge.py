"""SITREPs with knowledgebase passages (on the hashing test embedder): scope-filtered, numbered after the team's
inputs, linked to the document."""

from __future__ import annotations

from pathlib import Path

import pytest
from starlette.applications import Starlette

from devcell.core.config import Config, load_config
from tests.assistant.briefs import person, project, sitrep, standup, user_message
from tests.conftest import Actor
from tests.documents.conftest import FAKE_MODEL, note
from tests.fakes.llm_server import FakeLLM


@pytest.fixture
def config(tmp_path: Path, backend_env: dict[str, str]) -> Config:
    return load_config({"DEVCELL_EMBEDDING_MODEL": FAKE_MODEL, **backend_env}, data_dir=tmp_path / "data")


def test_knowledge_passages_are_sources(user: Actor, fake_llm: FakeLLM) -> None:
    standup(user, today="Rotate the backup disks")
    doc = note(user, "Backup runbook", "# Rotation\n\nRotate the backup disks every Friday and label them.")
    fake_llm.script = lambda body: "Disks are rotated [1], per the runbook [2]."
    done = sitrep(user, instructions="backup disks rotation", use_knowledge=True)
    assert done["use_knowledge"] is True
    sent = user_message(fake_llm)
    assert "## Knowledgebase passages" in sent
    assert "Rotate the backup disks every Friday" in sent
    document = next(s for s in done["sources"] if s["kind"] == "document")
    assert document == {
        "number": 2,
        "kind": "document",
        "id": doc["id"],
        "title": "Backup runbook",
        "url": f"/knowledge?doc={doc['id']}",
    }


def test_knowledge_from_unseen_projects_stays_out(app: Starlette, admin: Actor, user: Actor, fake_llm: FakeLLM) -> None:
    ann = person(app, admin, "ann")
    secret = project(ann, "Secret")
    note(ann, "Secret runbook", "Rotate the backup disks with the vault code 5521.", project_id=secret)
    standup(user, today="Rotate the backup disks")
    sitrep(user, instructions="backup disks rotation", use_knowledge=True)
    assert "5521" not in user_message(fake_llm)


def test_without_use_knowledge_no_passages_are_sent(user: Actor, fake_llm: FakeLLM) -> None:
    note(user, "Backup runbook", "Rotate the backup disks every Friday.")
    standup(user, today="Rotate the backup disks")
    sitrep(user, instructions="backup disks rotation")
    assert "Knowledgebase" not in user_message(fake_llm)
