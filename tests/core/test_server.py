"""The server runner: which event loop uvicorn gets."""

from __future__ import annotations

import pytest

from devcell.core import server


def test_server_runs_on_uvloop_when_installed() -> None:
    pytest.importorskip("uvloop")
    assert server.event_loop() == "uvloop"


def test_server_falls_back_to_asyncio_without_uvloop(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(server, "uvloop", None)
    assert server.event_loop() == "asyncio"
