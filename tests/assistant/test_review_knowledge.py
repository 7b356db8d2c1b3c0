"""Code review with knowledgebase passages: the ones the caller may see, numbered, in the prompt and the answer."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from starlette.applications import Starlette

from devcell.core.config import Config, load_config
from tests.conftest import USER_PASSWORD, Actor, create_user, sign_in
from tests.documents.conftest import FAKE_MODEL, note
from tests.fakes.llm_server import FakeLLM

GUIDE = "# Coding guide\n\n## Database access\n\nNever build SQL with string concatenation; use parameters.\n"
SECRET = "# Project Falcon\n\n## Database access\n\nFalcon keeps its SQL credentials in the vault.\n"
CODE = 'def find(db, name):\n    return db.execute("SELECT * FROM t WHERE name = \'" + name + "\'")\n'
ANSWER = {"summary": "Builds SQL by hand [1].", "issues": [], "suggestions": []}


@pytest.fixture
def config(tmp_path: Path, backend_env: dict[str, str]) -> Config:
    """The hashing embedder: instant and deterministic (the real model has its own tests)."""
    return load_config({"DEVCELL_EMBEDDING_MODEL": FAKE_MODEL, **backend_env}, data_dir=tmp_path / "data")


def test_review_cites_visible_passages_only(app: Starlette, admin: Actor, fake_llm: FakeLLM) -> None:
    project = admin.post("/api/projects", json={"name": "Falcon"}).json()
    note(admin, "Coding guide", GUIDE)
    note(admin, "Falcon notes", SECRET, project_id=int(project["id"]))
    create_user(admin, "dev")
    dev = sign_in(app, "dev", USER_PASSWORD)
    fake_llm.script = lambda body: json.dumps(ANSWER)
    body = {"code": CODE, "description": "SQL database access", "use_knowledge": True}
    response = dev.post("/api/review", json=body)
    assert response.status_code == 200, response.text
    sources = response.json()["sources"]
    assert [(s["number"], s["document_title"]) for s in sources] == [(1, "Coding guide")]
    prompt = fake_llm.requests[-1]["messages"][1]["content"]
    assert "[1] Coding guide" in prompt
    assert "use parameters" in prompt
    assert "vault" not in prompt
    fake_llm.script = lambda body: json.dumps({**ANSWER, "summary": "Builds SQL by hand [1][2]."})
    seen_by_admin = {s["document_title"] for s in admin.post("/api/review", json=body).json()["sources"]}
    assert seen_by_admin == {"Coding guide", "Falcon notes"}


def test_review_sources_are_only_the_passages_it_cites(app: Starlette, admin: Actor, fake_llm: FakeLLM) -> None:
    note(admin, "Coding guide", GUIDE)
    fake_llm.script = lambda body: json.dumps({**ANSWER, "summary": "Builds SQL by hand."})
    body = {"code": CODE, "description": "SQL database access", "use_knowledge": True}
    response = admin.post("/api/review", json=body)
    assert response.status_code == 200, response.text
    assert "[1] Coding guide" in fake_llm.requests[-1]["messages"][1]["content"]  # given to the model ...
    assert response.json()["sources"] == []  # ... but not cited, so not listed


def test_review_without_knowledge_searches_nothing(admin: Actor, fake_llm: FakeLLM) -> None:
    note(admin, "Coding guide", GUIDE)
    fake_llm.script = lambda body: json.dumps(ANSWER)
    body = admin.post("/api/review", json={"code": CODE}).json()
    assert body["sources"] == []
    assert "knowledgebase:" not in fake_llm.requests[-1]["messages"][1]["content"]
