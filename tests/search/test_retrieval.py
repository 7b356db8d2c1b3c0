"""Search and cited answers: scope, de-duplication, neighbours, extracts without an LLM, the fake LLM, rag.log."""

from __future__ import annotations

import orjson
import pytest
from starlette.applications import Starlette

from devcell.core.config import Config
from tests.conftest import Actor, create_user, sign_in
from tests.documents.conftest import note, set_llm, uploaded
from tests.documents.pdfs import pdf
from tests.fakes.llm_server import FakeLLM, closed_port

BACKUP = "# Operations\n\n## Backups\n\nThe backup runs every night at 02:00 and keeps seven copies.\n"
ONCALL = "# People\n\n## On-call\n\nDana is on call this week; call her mobile for outages.\n"


@pytest.fixture
def corpus(admin: Actor) -> dict[str, int]:
    return {
        "backup": int(note(admin, "Operations", BACKUP)["id"]),
        "oncall": int(note(admin, "People", ONCALL)["id"]),
        "manual": int(
            uploaded(admin, "lab.pdf", pdf(["Welcome to the lab.", "The lab door code is 4711 since March."]))["id"]
        ),
    }


def test_search_finds_the_passage_with_heading_and_similarity(admin: Actor, corpus: dict[str, int]) -> None:
    body = admin.get("/api/search?q=when does the backup run").json()
    best = body["items"][0]
    assert best["document_id"] == corpus["backup"]
    assert best["heading"] == "Operations > Backups"
    assert "02:00" in best["text"]
    assert 0 < best["similarity"] <= 1
    assert body["items"] == sorted(body["items"], key=lambda p: -p["similarity"]) or len(body["items"]) >= 1


def test_search_cites_the_pdf_page(admin: Actor, corpus: dict[str, int]) -> None:
    best = admin.get("/api/search?q=lab door code").json()["items"][0]
    assert (best["document_id"], best["page"]) == (corpus["manual"], 2)


def test_one_passage_per_document(admin: Actor) -> None:
    text = "\n\n".join(f"# Part {i}\n\nThe backup window is at night, part {i}." for i in range(6))
    note(admin, "Many parts", text)
    items = admin.get("/api/search?q=backup window night").json()["items"]
    assert len({i["document_id"] for i in items}) == len(items)


def test_neighbours_give_context(admin: Actor) -> None:
    text = "# A\n\nFirst part about apples.\n\n# B\n\nSecond part about bananas.\n\n# C\n\nThird part about cherries."
    note(admin, "Fruit", text)
    best = admin.get("/api/search?q=bananas").json()["items"][0]
    assert best["text"] == "Second part about bananas."
    assert "apples" in best["context"]
    assert "cherries" in best["context"]


def test_search_needs_a_question(admin: Actor) -> None:
    assert admin.get("/api/search").status_code == 422
    assert admin.get("/api/search?q=").status_code == 422


def test_project_documents_stay_in_the_project(app: Starlette, admin: Actor) -> None:
    """A member of project A cannot find, open or retrieve a document scoped to project B."""
    create_user(admin, "alice")
    create_user(admin, "bob")
    alice, bob = sign_in(app, "alice", "user-pass-5678"), sign_in(app, "bob", "user-pass-5678")
    project_a = alice.post("/api/projects", json={"name": "A"}).json()["id"]
    project_b = bob.post("/api/projects", json={"name": "B"}).json()["id"]
    secret = note(bob, "Secret plan", "The launch codeword is heliotrope.", project_b)
    mine = note(alice, "A plan", "Our codeword is marigold.", project_a)
    assert alice.get(f"/api/documents/{secret['id']}").status_code == 404
    assert alice.get(f"/api/documents/{secret['id']}/content").status_code == 404
    assert alice.delete(f"/api/documents/{secret['id']}").status_code == 404
    assert secret["id"] not in [d["id"] for d in alice.get("/api/documents").json()["items"]]
    found = alice.get("/api/search?q=launch codeword heliotrope").json()["items"]
    assert secret["id"] not in [p["document_id"] for p in found]
    assert mine["id"] in [p["document_id"] for p in found]
    asked = alice.post("/api/ask", json={"question": "What is the launch codeword?"}).json()
    assert secret["id"] not in [c["document_id"] for c in asked["citations"]]
    assert alice.get(f"/api/search?q=codeword&project={project_b}").status_code == 404
    assert secret["id"] in [p["document_id"] for p in bob.get("/api/search?q=heliotrope").json()["items"]]
    assert secret["id"] in [p["document_id"] for p in admin.get("/api/search?q=heliotrope").json()["items"]]


def test_deleting_a_project_deletes_its_documents(app: Starlette, admin: Actor, config: Config) -> None:
    project = admin.post("/api/projects", json={"name": "Gone"}).json()["id"]
    document = note(admin, "Project note", "Only for the project.", project)
    assert admin.delete(f"/api/projects/{project}?tasks=delete").status_code == 204
    assert admin.get(f"/api/documents/{document['id']}").status_code == 404
    assert list((config.kb_dir / "notes").iterdir()) == []
    assert admin.get("/api/search?q=only for the project").json()["items"] == []


def test_ask_without_llm_returns_labelled_extracts(admin: Actor, corpus: dict[str, int]) -> None:
    body = admin.post("/api/ask", json={"question": "When does the backup run?"}).json()
    assert body["mode"] == "extracts"
    assert body["answer"] is None
    assert "No LLM is configured" in body["note"]
    assert body["citations"][0]["number"] == 1
    assert body["citations"][0]["document_id"] == corpus["backup"]


def test_ask_with_nothing_to_find(admin: Actor) -> None:
    body = admin.post("/api/ask", json={"question": "Anything?"}).json()
    assert (body["mode"], body["citations"]) == ("extracts", [])
    assert "Nothing in the knowledgebase" in body["note"]


def test_ask_with_llm_cites_numbered_sources(admin: Actor, corpus: dict[str, int], fake_llm: FakeLLM) -> None:
    body = admin.post("/api/ask", json={"question": "When does the backup run?"}).json()
    assert body["mode"] == "llm"
    assert "[1]" in body["answer"]
    assert body["citations"][0]["document_id"] == corpus["backup"]
    sent = fake_llm.requests[-1]["messages"]
    assert sent[0]["role"] == "system"
    assert "[1] Operations" in sent[1]["content"]
    assert "02:00" in sent[1]["content"]


def test_ask_use_llm_false_gives_extracts(admin: Actor, corpus: dict[str, int], fake_llm: FakeLLM) -> None:
    body = admin.post("/api/ask", json={"question": "backup", "use_llm": False}).json()
    assert body["mode"] == "extracts"
    assert fake_llm.requests == []


def _events(raw: str) -> list[tuple[str, dict[str, object]]]:
    out = []
    for block in raw.strip().split("\n\n"):
        lines = dict(line.split(": ", 1) for line in block.split("\n") if not line.startswith(":"))
        out.append((lines["event"], orjson.loads(lines["data"])))
    return out


def test_ask_streams_citations_then_tokens(admin: Actor, corpus: dict[str, int], fake_llm: FakeLLM) -> None:
    response = admin.post("/api/ask", json={"question": "When does the backup run?", "stream": True})
    assert response.headers["content-type"].startswith("text/event-stream")
    events = _events(response.text)
    assert events[0][0] == "citations"
    assert [e for e, _ in events[1:-1]] == ["token"] * (len(events) - 2)
    assert events[-1][0] == "done"
    assert "[1]" in str(events[-1][1]["answer"])


@pytest.mark.parametrize(("model", "status"), [("error500", 502), ("malformed", 502)])
def test_llm_failures_are_errors_not_answers(
    admin: Actor, corpus: dict[str, int], fake_llm: FakeLLM, model: str, status: int
) -> None:
    """Upstream B10: failures came back as 200 with the error text as the answer."""
    set_llm(admin, fake_llm.url, model)
    response = admin.post("/api/ask", json={"question": "When does the backup run?"})
    assert response.status_code == status
    assert response.json()["error"]["code"] == "llm_bad_answer"


def test_llm_down_is_503(admin: Actor, corpus: dict[str, int]) -> None:
    set_llm(admin, f"http://127.0.0.1:{closed_port()}")
    response = admin.post("/api/ask", json={"question": "When does the backup run?"})
    assert response.status_code == 503
    assert "cannot be reached" in response.json()["error"]["message"]
    streamed = _events(admin.post("/api/ask", json={"question": "backup", "stream": True}).text)
    assert streamed[-1][0] == "error"
    assert streamed[-1][1]["code"] == "llm_unavailable"


def test_llm_slow_is_504(admin: Actor, corpus: dict[str, int], fake_llm: FakeLLM) -> None:
    fake_llm.slow_seconds = 7
    set_llm(admin, fake_llm.url, "slow", llm_read_timeout_seconds=5)
    response = admin.post("/api/ask", json={"question": "When does the backup run?"})
    assert response.status_code == 504


def test_llm_test_connection(admin: Actor, fake_llm: FakeLLM) -> None:
    body = admin.post("/api/settings/llm/test", json={}).json()
    assert body["ok"] is True
    assert body["model_available"] is True
    assert fake_llm.requests == []  # no completion spent
    set_llm(admin, f"http://127.0.0.1:{closed_port()}")
    down = admin.post("/api/settings/llm/test", json={}).json()
    assert down["ok"] is False
    assert down["error"]["code"] == "llm_unavailable"
    assert admin.get("/api/llm/status").json()["reachable"] is False


def test_rag_log_traces_questions_without_secrets(
    admin: Actor, config: Config, corpus: dict[str, int], fake_llm: FakeLLM
) -> None:
    set_llm(admin, fake_llm.url, "fake", llm_api_key="sk-very-secret")
    admin.post("/api/ask", json={"question": "When does the backup run?"})
    log = (config.logs_dir / "rag.log").read_text()
    assert "When does the backup run?" in log
    assert '"chunks"' in log
    assert '"ms"' in log
    assert "sk-very-secret" not in log
    assert fake_llm.headers[-1]["Authorization"] == "Bearer sk-very-secret"
