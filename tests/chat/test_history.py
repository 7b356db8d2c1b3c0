"""Chat history: kept for 30 days by default, nothing stored at retention 0; with a retention, per-user
conversations that can be continued, listed, opened and deleted, and that expire."""

from __future__ import annotations

import shutil
from datetime import timedelta
from pathlib import Path
from typing import Any

import orjson
import pytest
from starlette.applications import Starlette
from starlette.testclient import TestClient

from devcell.app import create_app
from devcell.chat import service
from devcell.core.config import Config
from devcell.core.db import run_sql, transaction, utcnow
from tests.chat.test_routes import events, say
from tests.conftest import ADMIN_PASSWORD, Actor, create_user, setup_code, sign_in
from tests.documents.conftest import note, set_llm
from tests.fakes.llm_server import ANSWER, FakeLLM, running
from tests.waiting import wait_until

REPLY = "".join(ANSWER)


def keep_history(admin: Actor, days: int = 30) -> None:
    response = admin.patch("/api/settings", json={"values": {"chat_retention_days": days}})
    assert response.status_code == 200, response.text


def chat(actor: Actor, text: str, **more: object) -> dict[str, object]:
    response = actor.post("/api/chat", json={"messages": say(text), "stream": False, **more})
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


def conversations(actor: Actor) -> list[dict[str, object]]:
    response = actor.get("/api/chat/conversations")
    assert response.status_code == 200, response.text
    return response.json()["items"]  # type: ignore[no-any-return]


@pytest.fixture
def other(app: Starlette, admin: Actor) -> Actor:
    create_user(admin, "other")
    return sign_in(app, "other", "user-pass-5678")


def test_conversations_are_kept_by_default_and_survive_a_restart(config: Config, template_database: Path) -> None:
    """No setting changed: the default retention keeps the conversation; a new server on the same data (the app
    built again, its lifespan run again) opens it."""
    config.data_dir.mkdir(mode=0o750, parents=True)
    if not config.uses_postgresql:  # PostgreSQL: config's database is already at HEAD
        shutil.copyfile(template_database, config.database_path)
    with running() as fake:
        first_app = create_app(config)
        with TestClient(first_app) as first:
            ok = first.post("/api/setup", json={"setup_code": setup_code(config), "username": "admin",
                                                "password": ADMIN_PASSWORD})  # fmt: skip
            assert ok.status_code == 201, ok.text
            admin = sign_in(first_app, "admin", ADMIN_PASSWORD)
            set_llm(admin, fake.url)
            started = chat(admin, "where is the relay runbook?")
            listed = admin.get("/api/chat/conversations").json()
            assert listed["retention_days"] == 30
            assert [c["id"] for c in listed["items"]] == [started["conversation_id"]]
        second_app = create_app(config)
        with TestClient(second_app):
            again = sign_in(second_app, "admin", ADMIN_PASSWORD)
            opened = again.get(f"/api/chat/conversations/{started['conversation_id']}")
            assert opened.status_code == 200, opened.text
            assert [m["content"] for m in opened.json()["messages"]] == ["where is the relay runbook?", REPLY]


def test_retention_0_stores_nothing_even_with_a_conversation_id(
    admin: Actor, user: Actor, fake_llm: FakeLLM, config: Config
) -> None:
    keep_history(admin, 0)
    body = chat(user, "a distinctive sentence 5519", conversation_id=1)
    assert body["conversation_id"] is None
    listed = user.get("/api/chat/conversations").json()
    assert listed["items"] == []
    assert listed["retention_days"] == 0
    with transaction():
        assert run_sql("SELECT COUNT(*) FROM chat_message").fetchone()[0] == 0
    for name in ("devcell.db", "devcell.db-wal"):
        path = config.database_path.with_name(name)
        assert not path.exists() or b"5519" not in path.read_bytes()


def test_streamed_exchange_is_stored_with_its_id_in_the_events(admin: Actor, user: Actor, fake_llm: FakeLLM) -> None:
    keep_history(admin)
    found = events(user.post("/api/chat", json={"messages": say("When is the backup?")}).text)
    conversation_id = found[0][1]["conversation_id"]
    assert isinstance(conversation_id, int)
    done = {"reply": REPLY, "conversation_id": conversation_id, "truncated": False, "sources": []}
    assert found[-1] == ("done", done)
    [listed] = conversations(user)
    assert listed["id"] == conversation_id
    assert listed["title"] == "When is the backup?"
    assert listed["message_count"] == 2
    detail = user.get(f"/api/chat/conversations/{conversation_id}").json()
    assert [(m["role"], m["content"], m["stopped"]) for m in detail["messages"]] == [
        ("user", "When is the backup?", False),
        ("assistant", REPLY, False),
    ]


def test_a_continued_conversation_gets_the_new_exchange_appended(admin: Actor, user: Actor, fake_llm: FakeLLM) -> None:
    keep_history(admin)
    first = chat(user, "First question")
    history = [*say("First question"), {"role": "assistant", "content": REPLY}, *say("Second question")]
    second = user.post(
        "/api/chat", json={"messages": history, "stream": False, "conversation_id": first["conversation_id"]}
    ).json()
    assert second["conversation_id"] == first["conversation_id"]
    detail = user.get(f"/api/chat/conversations/{first['conversation_id']}").json()
    assert [m["content"] for m in detail["messages"]] == ["First question", REPLY, "Second question", REPLY]
    assert detail["message_count"] == 4


def test_a_new_conversation_stores_the_whole_history_sent(admin: Actor, user: Actor, fake_llm: FakeLLM) -> None:
    keep_history(admin)
    history = [*say("Earlier"), {"role": "assistant", "content": "Earlier reply"}, *say("Now")]
    body = user.post("/api/chat", json={"messages": history, "stream": False}).json()
    detail = user.get(f"/api/chat/conversations/{body['conversation_id']}").json()
    assert [m["content"] for m in detail["messages"]] == ["Earlier", "Earlier reply", "Now", REPLY]


def test_sources_of_a_reply_are_stored(admin: Actor, fake_llm: FakeLLM) -> None:
    keep_history(admin)
    note(admin, "Operations", "# Backups\n\nThe backup runs every night at 02:00.")
    body = chat(admin, "When does the backup run?", use_knowledge=True)
    detail = admin.get(f"/api/chat/conversations/{body['conversation_id']}").json()
    assert detail["messages"][-1]["sources"][0]["document_title"] == "Operations"


def test_someone_elses_conversation_is_404_everywhere(
    admin: Actor, user: Actor, other: Actor, fake_llm: FakeLLM
) -> None:
    keep_history(admin)
    mine = chat(user, "Private question")["conversation_id"]
    follow = {"messages": say("More"), "stream": False, "conversation_id": mine}
    assert other.post("/api/chat", json=follow).status_code == 404
    assert other.get(f"/api/chat/conversations/{mine}").status_code == 404
    response = other.delete(f"/api/chat/conversations/{mine}")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "conversation_not_found"
    assert conversations(other) == []
    assert admin.get(f"/api/chat/conversations/{mine}").status_code == 404  # admins do not read others' chats
    assert len(fake_llm.requests) == 1  # the refused continuation spent no completion


def test_delete_one_and_delete_all_of_mine(admin: Actor, user: Actor, other: Actor, fake_llm: FakeLLM) -> None:
    keep_history(admin)
    first, second = chat(user, "One")["conversation_id"], chat(user, "Two")["conversation_id"]
    chat(other, "Theirs")
    assert user.delete(f"/api/chat/conversations/{first}").status_code == 204
    assert [c["id"] for c in conversations(user)] == [second]
    assert user.get(f"/api/chat/conversations/{first}").status_code == 404
    assert user.delete("/api/chat/conversations").status_code == 204
    assert conversations(user) == []
    assert len(conversations(other)) == 1
    with transaction():  # the messages went with their conversations
        assert run_sql("SELECT COUNT(*) FROM chat_message").fetchone()[0] == 2


def test_expired_conversations_are_pruned(admin: Actor, user: Actor, fake_llm: FakeLLM) -> None:
    keep_history(admin, days=7)
    chat(user, "Soon gone")
    [listed] = conversations(user)
    assert listed["expires_at"] > listed["updated_at"]
    assert service.prune_expired(now=utcnow() + timedelta(days=6)) == 0
    assert service.prune_expired(now=utcnow() + timedelta(days=7, minutes=1)) == 1
    assert conversations(user) == []


def test_the_nightly_maintenance_prunes_chats(admin: Actor, user: Actor, fake_llm: FakeLLM) -> None:
    keep_history(admin, days=1)
    chat(user, "Old news")
    with transaction(write=True):
        run_sql("UPDATE chat_conversation SET expires_at = '2000-01-01 00:00:00'")
    started = admin.post("/api/system/schedule/maintenance/run")
    assert started.status_code == 202, started.text
    job_id = started.json()["id"]

    def ended() -> dict[str, Any] | None:
        job: dict[str, Any] = admin.get(f"/api/jobs/{job_id}").json()
        return job if job["status"] in ("succeeded", "failed") else None

    job = wait_until(ended, 30, "the maintenance job ended")
    assert job["status"] == "succeeded", job
    assert job["result"]["chats_pruned"] == 1


def test_lowering_the_retention_applies_at_the_next_use(admin: Actor, user: Actor, fake_llm: FakeLLM) -> None:
    keep_history(admin, days=30)
    chat(user, "Three days old")
    chat(user, "Fresh")
    stamp = (utcnow() - timedelta(days=3)).replace(tzinfo=None).isoformat(" ")
    with transaction(write=True):
        run_sql("UPDATE chat_conversation SET updated_at = ? WHERE title = ?", (stamp, "Three days old"))
    keep_history(admin, days=2)
    assert [c["title"] for c in conversations(user)] == ["Fresh"]
    keep_history(admin, days=0)
    listed = user.get("/api/chat/conversations").json()
    assert listed == {"items": [], "total": 0, "limit": 50, "offset": 0, "retention_days": 0}
    with transaction():
        assert run_sql("SELECT COUNT(*) FROM chat_message").fetchone()[0] == 0


def test_a_failed_reply_keeps_only_the_question(admin: Actor, fake_llm: FakeLLM) -> None:
    keep_history(admin)
    set_llm(admin, fake_llm.url, "error500")
    found = events(admin.post("/api/chat", json={"messages": say("Will this fail?")}).text)
    assert found[-1][0] == "error"
    detail = admin.get(f"/api/chat/conversations/{found[0][1]['conversation_id']}").json()
    assert [m["role"] for m in detail["messages"]] == ["user"]


def test_stored_sources_survive_as_json(admin: Actor, fake_llm: FakeLLM) -> None:
    keep_history(admin)
    chat(admin, "Plain question")
    with transaction():
        raw = run_sql("SELECT sources FROM chat_message WHERE role = 'assistant'").fetchone()[0]
    assert orjson.loads(raw) == []


def test_retention_is_validated(admin: Actor) -> None:
    for bad in (-1, 3651, "week"):
        response = admin.patch("/api/settings", json={"values": {"chat_retention_days": bad}})
        assert response.status_code == 422, bad
