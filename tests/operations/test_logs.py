"""The log viewer reads devcell.log: level and text filters, tracebacks kept with their entry, a cursor to follow."""

from __future__ import annotations

from devcell.core.config import Config
from tests.conftest import Actor

LINES = """2026-11-26 02:00:00,001 INFO devcell.app: DevCell ready
2026-11-26 02:00:01,002 WARNING devcell.health: disk nearly full
2026-11-26 02:00:02,003 ERROR devcell.core.jobs: job 1 failed
Traceback (most recent call last):
  File "x.py", line 1
RuntimeError: boom
2026-11-26 02:00:03,004 INFO uvicorn.error: Started
"""


def write_log(config: Config, text: str) -> None:
    with (config.logs_dir / "devcell.log").open("a", encoding="utf-8") as handle:
        handle.write(text)


def test_level_filter_and_tracebacks(admin: Actor, config: Config) -> None:
    write_log(config, LINES)
    page = admin.get("/api/system/logs?level=WARNING").json()
    assert [e["level"] for e in page["items"]] == ["WARNING", "ERROR"]
    assert page["items"][1]["message"].endswith("RuntimeError: boom")


def test_text_search_and_follow(admin: Actor, config: Config) -> None:
    write_log(config, LINES)
    page = admin.get("/api/system/logs?q=STARTED").json()
    assert [e["logger"] for e in page["items"]] == ["uvicorn.error"]
    write_log(config, "2026-11-26 02:00:04,005 INFO devcell.x: later\n")
    followed = admin.get(f"/api/system/logs?after={page['next']}").json()
    assert [e["message"] for e in followed["items"]] == ["later"]


def test_missing_file_is_said(admin: Actor) -> None:
    page = admin.get("/api/system/logs?file=rag").json()
    assert page == {"items": [], "next": 0, "file": "rag.log", "missing": True}


def test_only_our_files(admin: Actor, user: Actor) -> None:
    assert admin.get("/api/system/logs?file=../secret_key").status_code == 422
    assert user.get("/api/system/logs").status_code == 403
