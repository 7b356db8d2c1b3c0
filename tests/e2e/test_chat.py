"""Chat in a real browser against the fake LLM: the reply streams, Stop keeps what arrived, and with a retention
the conversation is in the history, reopens, and can be deleted."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import Browsers, StartServer, expect, set_up_through_api
from tests.e2e.work_helpers import api
from tests.fakes.llm_server import running

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

REPLY = "Backups run every night at two. They are verified right after. Seven daily copies are kept."


def test_chat_streams_stops_and_keeps_a_history(start_server: StartServer, browsers: Browsers) -> None:
    with running() as fake:
        fake.script = lambda body: REPLY
        fake.piece_delay = 0.6
        server = start_server(DEVCELL_EMBEDDING_MODEL="hashing-e2e")
        page = browsers.new_page(server)
        page.goto("/")
        set_up_through_api(page, server)
        values = {"llm_base_url": fake.url, "llm_model": "fake", "chat_retention_days": 30}
        api(page, "PATCH", "/api/settings", {"values": values}, expect_status=200)
        page.goto("/chat")
        expect(page.get_by_text("Your conversations are kept for 30 day(s)")).to_be_visible()
        history = page.get_by_role("complementary", name="History")
        expect(history).to_contain_text("No stored conversations yet.")

        page.get_by_label("Message").fill("When do backups run?")
        page.get_by_role("button", name="Send").click()
        reply = page.locator(".chat-message--assistant").last
        expect(reply).to_contain_text("Backups run every night")
        assert "Seven daily copies" not in reply.inner_text()  # streamed, piece by piece
        expect(reply).to_contain_text("Seven daily copies are kept.")
        expect(history.get_by_role("button", name="When do backups run?", exact=True)).to_be_visible()

        page.get_by_label("Message").fill("And how long are they kept?")
        page.get_by_role("button", name="Send").click()
        second = page.locator(".chat-message--assistant").nth(1)
        expect(second).to_contain_text("Backups run every night")
        page.get_by_role("button", name="Stop").click()
        expect(second).to_contain_text("Stopped: this is the reply so far.")
        expect(page.get_by_role("button", name="Stop")).to_have_count(0)
        assert "Seven daily copies" not in second.inner_text()

        page.reload()  # the stored conversation, with the stopped reply, comes back from the server
        page.get_by_role("complementary", name="History").get_by_role(
            "button", name="When do backups run?", exact=True
        ).click()
        messages = page.locator(".chat-message")
        expect(messages).to_have_count(4)
        expect(messages.nth(3)).to_contain_text("Stopped: this is the reply so far.")
        assert "Seven daily copies" not in messages.nth(3).inner_text()

        history = page.get_by_role("complementary", name="History")
        history.get_by_role("button", name="Delete When do backups run?").click()
        page.get_by_role("alertdialog").get_by_role("button", name="Delete", exact=True).click()
        expect(history).to_contain_text("No stored conversations yet.")
        expect(page.locator(".chat-message")).to_have_count(0)  # the open conversation went with it
        assert api(page, "GET", "/api/chat/conversations").json()["total"] == 0


def test_without_a_retention_nothing_is_listed_or_kept(start_server: StartServer, browsers: Browsers) -> None:
    with running() as fake:
        server = start_server(DEVCELL_EMBEDDING_MODEL="hashing-e2e")
        page = browsers.new_page(server)
        page.goto("/")
        set_up_through_api(page, server)
        values = {"llm_base_url": fake.url, "llm_model": "fake", "chat_retention_days": 0}
        api(page, "PATCH", "/api/settings", {"values": values}, 200)
        page.goto("/chat")
        expect(page.get_by_text("DevCell does not store it.")).to_be_visible()
        page.get_by_label("Message").fill("Hello")
        page.get_by_role("button", name="Send").click()
        expect(page.locator(".chat-message--assistant")).to_contain_text("every night at 02:00")
        expect(page.get_by_role("complementary", name="History")).to_have_count(0)
        assert api(page, "GET", "/api/chat/conversations").json()["total"] == 0
