"""Cited answers are checked before they are delivered: only the sources an answer cites are listed, an answer
that cites nothing or cites sources that do not exist says so, a cut-off answer is marked, every request is
bounded by max_tokens, and a passage that shares nothing with the question never reaches the model."""

from __future__ import annotations

import re
from pathlib import Path

import orjson
import pytest

from devcell.core.config import DEFAULT_EMBEDDING_MODEL, Config, load_config
from devcell.core.prompts import prompt_tokens
from tests.conftest import Actor
from tests.documents.conftest import note, set_llm
from tests.fakes.llm_server import FakeLLM

BACKUP = "# Operations\n\n## Backups\n\nThe backup runs every night at 02:00 and keeps seven copies.\n"
RESTORE = "# Restore\n\n## Drill\n\nA restore drill restores the backup on a spare machine every month.\n"
LUNCH = "# Canteen\n\n## Menu\n\nSoup on Mondays, curry on Fridays.\n"
QUESTION = "When does the backup run and what does a restore drill do?"


@pytest.fixture
def config(tmp_path: Path, database_env: dict[str, str]) -> Config:
    """The real embedding model: the relevance floor is measured for it."""
    return load_config({"DEVCELL_EMBEDDING_MODEL": DEFAULT_EMBEDDING_MODEL, **database_env}, data_dir=tmp_path / "data")


def number_of(body: dict[str, object], title: str) -> str:
    """The number the prompt gave the source `title`."""
    found = re.search(rf"\[(\d+)\] {title}", str(body["messages"][1]["content"]))  # type: ignore[index]
    assert found, f"{title} was not in the prompt"
    return found.group(1)


@pytest.fixture
def docs(admin: Actor) -> None:
    note(admin, "Operations", BACKUP)
    note(admin, "Restore", RESTORE)
    note(admin, "Canteen", LUNCH)


def ask(actor: Actor, **body: object) -> dict[str, object]:
    response = actor.post("/api/ask", json={"question": QUESTION, **body})
    assert response.status_code == 200, response.text
    return dict(response.json())


def streamed(actor: Actor) -> list[tuple[str, dict[str, object]]]:
    raw = actor.post("/api/ask", json={"question": QUESTION, "stream": True}).text
    out = []
    for block in raw.strip().split("\n\n"):
        lines = dict(line.split(": ", 1) for line in block.split("\n") if not line.startswith(":"))
        out.append((lines["event"], orjson.loads(lines["data"])))
    return out


def titles(citations: object) -> list[str]:
    assert isinstance(citations, list)
    return [str(c["document_title"]) for c in citations]


def test_only_cited_sources_are_listed(admin: Actor, docs: None, fake_llm: FakeLLM) -> None:
    sent: list[str] = []

    def script(body: dict[str, object]) -> str:
        sent.append(str(body["messages"][1]["content"]))  # type: ignore[index]
        return f"It runs at 02:00 [{number_of(body, 'Operations')}]."

    fake_llm.script = script
    body = ask(admin)
    assert "[2]" in sent[0]  # two sources were given ...
    assert titles(body["citations"]) == ["Operations"]  # ... one is cited
    assert body["warnings"] == []
    assert body["truncated"] is False
    done = streamed(admin)[-1]
    assert done[0] == "done"
    assert titles(done[1]["citations"]) == ["Operations"]


def test_an_answer_citing_nothing_or_unknown_sources_is_flagged(admin: Actor, docs: None, fake_llm: FakeLLM) -> None:
    fake_llm.script = lambda body: "It runs at night."
    body = ask(admin)
    assert body["citations"] == []
    assert "cites none of its sources" in str(body["warnings"])
    fake_llm.script = lambda body: f"It runs at 02:00 [{number_of(body, 'Operations')}] and is checked [6][77]."
    body = ask(admin)
    assert titles(body["citations"]) == ["Operations"]
    assert "[6], [77]" in str(body["warnings"])
    assert "do not exist" in str(streamed(admin)[-1][1]["warnings"])


def test_a_cut_answer_is_marked_truncated(admin: Actor, docs: None, fake_llm: FakeLLM) -> None:
    fake_llm.finish_reason = "length"
    body = ask(admin)
    assert body["truncated"] is True
    assert "cut off" in str(body["warnings"])
    done = streamed(admin)[-1][1]
    assert done["truncated"] is True


def test_every_request_is_bounded_within_the_context(admin: Actor, docs: None, fake_llm: FakeLLM) -> None:
    set_llm(admin, fake_llm.url, "fake", llm_context_tokens=600)
    ask(admin)
    streamed(admin)
    for request in fake_llm.requests:
        assert 0 < request["max_tokens"] <= 600 - prompt_tokens(request["messages"])


def test_passages_sharing_nothing_with_the_question_are_not_sent(admin: Actor, docs: None, fake_llm: FakeLLM) -> None:
    """The search still shows every document; the prompt and the citations only relevant ones."""
    shown = admin.get("/api/search", params={"q": QUESTION}).json()["items"]
    assert "Canteen" in [p["document_title"] for p in shown]
    ask(admin)
    assert "Soup" not in fake_llm.requests[-1]["messages"][1]["content"]


def test_nothing_relevant_is_said_without_calling_the_model(admin: Actor, docs: None, fake_llm: FakeLLM) -> None:
    body = admin.post("/api/ask", json={"question": "xylophone quartet"}).json()
    assert body["mode"] == "extracts"
    assert body["citations"] == []
    assert "Nothing in the knowledgebase" in body["note"]
    assert fake_llm.requests == []


def test_an_empty_stream_ends_with_an_error_event_not_done(admin: Actor, docs: None, fake_llm: FakeLLM) -> None:
    """llama-cpp-python answers a prompt that overflows its context with an empty 200 stream."""
    fake_llm.script = lambda body: ""
    events = streamed(admin)
    assert events[-1][0] == "error"
    assert events[-1][1]["status"] == 502
    assert "done" not in [name for name, _ in events]


def test_a_question_on_two_topics_keeps_both_sources(admin: Actor, fake_llm: FakeLLM) -> None:
    """Each topic's passage scores lower against a two-part question; the floor must not drop either."""
    note(admin, "Visitors", "Visitors must sign the logbook at reception and wear a visitor badge at all times.")
    note(admin, "Coffee", "The coffee machine on floor two is cleaned every Monday morning.")
    fake_llm.script = lambda body: "They sign the logbook [1]; it is cleaned on Mondays [2]."
    body = admin.post("/api/ask", json={"question": "What do visitors do, and when is the coffee machine cleaned?"})
    assert sorted(titles(body.json()["citations"])) == ["Coffee", "Visitors"]
