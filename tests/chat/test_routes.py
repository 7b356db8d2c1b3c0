"""Chat against the fake LLM: personas, history trimmed to the budget, optional sources, errors, nothing stored."""

from __future__ import annotations

import orjson

from devcell.core.config import Config
from devcell.core.db import run_sql, transaction
from tests.conftest import Actor
from tests.documents.conftest import note, set_llm
from tests.fakes.llm_server import ANSWER, FakeLLM


def events(raw: str) -> list[tuple[str, dict[str, object]]]:
    out = []
    for block in raw.strip().split("\n\n"):
        lines = dict(line.split(": ", 1) for line in block.split("\n") if not line.startswith(":"))
        out.append((lines["event"], orjson.loads(lines["data"])))
    return out


def say(text: str) -> list[dict[str, str]]:
    return [{"role": "user", "content": text}]


def test_personas_are_listed(user: Actor) -> None:
    ids = [p["id"] for p in user.get("/api/chat/personas").json()["items"]]
    assert ids == ["assistant", "developer", "analyst", "docs"]


def test_chat_streams_with_the_persona_prompt(user: Actor, fake_llm: FakeLLM) -> None:
    response = user.post("/api/chat", json={"messages": say("Review this function"), "persona": "developer"})
    found = events(response.text)
    assert [e for e, _ in found] == ["sources", "token", "token", "token", "done"]
    assert found[-1][1]["reply"] == "".join(ANSWER)
    sent = fake_llm.requests[-1]["messages"]
    assert sent[0]["role"] == "system"
    assert "senior software engineer" in sent[0]["content"]
    assert sent[-1] == {"role": "user", "content": "Review this function"}


def test_chat_without_stream_answers_json(user: Actor, fake_llm: FakeLLM) -> None:
    body = user.post("/api/chat", json={"messages": say("Hi"), "stream": False}).json()
    assert body["reply"] == "".join(ANSWER)
    assert body["persona"] == "assistant"


def test_history_is_trimmed_to_the_budget_newest_kept(admin: Actor, fake_llm: FakeLLM) -> None:
    set_llm(admin, fake_llm.url, "fake", llm_context_tokens=1000)
    history = []
    for n in range(20):
        history += [{"role": "user", "content": f"question {n} " + "x" * 300}, {"role": "assistant", "content": "ok"}]
    history.append({"role": "user", "content": "the newest question"})
    body = admin.post("/api/chat", json={"messages": history, "stream": False}).json()
    assert body["trimmed"] > 0
    sent = fake_llm.requests[-1]["messages"]
    assert sent[-1]["content"] == "the newest question"
    assert sum(len(m["content"]) for m in sent) < 1000 * 3


def test_chat_with_knowledge_cites_sources(admin: Actor, fake_llm: FakeLLM) -> None:
    note(admin, "Operations", "# Backups\n\nThe backup runs every night at 02:00.")
    body = admin.post(
        "/api/chat", json={"messages": say("When does the backup run?"), "use_knowledge": True, "stream": False}
    ).json()
    assert body["sources"][0]["document_title"] == "Operations"
    assert "[1] Operations" in fake_llm.requests[-1]["messages"][0]["content"]


def test_empty_message_is_422_not_500(user: Actor) -> None:
    """Upstream B11: an empty chat message was a 500."""
    for messages in (say(""), say("   "), [{"role": "assistant", "content": "hi"}], []):
        assert user.post("/api/chat", json={"messages": messages}).status_code == 422


def test_no_llm_is_503(user: Actor) -> None:
    response = user.post("/api/chat", json={"messages": say("Hi")})
    assert response.status_code == 503
    assert response.json()["error"]["code"] == "llm_not_configured"


def test_llm_error_mid_stream_is_an_error_event(admin: Actor, fake_llm: FakeLLM) -> None:
    set_llm(admin, fake_llm.url, "error500")
    found = events(admin.post("/api/chat", json={"messages": say("Hi")}).text)
    assert found[-1][0] == "error"
    assert found[-1][1]["status"] == 502


def test_nothing_is_stored_at_retention_0(admin: Actor, user: Actor, fake_llm: FakeLLM, config: Config) -> None:
    assert admin.patch("/api/settings", json={"values": {"chat_retention_days": 0}}).status_code == 200
    user.post("/api/chat", json={"messages": say("a very distinctive sentence 8472"), "stream": False})
    with transaction():
        assert run_sql("SELECT COUNT(*) FROM chat_message").fetchone()[0] == 0
        assert run_sql("SELECT COUNT(*) FROM chat_conversation").fetchone()[0] == 0
    # On the appliance's own file, not even a freed page or the WAL holds it. Looked for by its words: four digits
    # alone can occur by chance in the file's random tokens and hashes (a CI run found "8472" with no message stored).
    if not config.uses_postgresql:
        assert b"distinctive sentence" not in config.database_path.read_bytes()
        wal = config.database_path.with_name("devcell.db-wal")
        assert not wal.exists() or b"distinctive sentence" not in wal.read_bytes()
