"""core/state.py: typed keys for started services; a part that is not running answers 503, never a 500."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import BaseModel
from starlette.applications import Starlette
from starlette.testclient import TestClient

from devcell.core.auth import Access
from devcell.core.config import load_config
from devcell.core.errors import ServiceUnavailable
from devcell.core.state import AppState, Key
from devcell.core.web import ApiRoute, Call

COUNTER: Key[list[int]] = Key("counter")


def _state(tmp_path: Path) -> AppState:
    return AppState(load_config({}, data_dir=tmp_path), [])


def test_a_provided_part_is_returned_with_its_type(tmp_path: Path) -> None:
    state = _state(tmp_path)
    provided = state.provide(COUNTER, [1, 2])
    assert state.need(COUNTER) is provided
    assert state.get(COUNTER) == [1, 2]


def test_a_missing_part_is_503_not_running_and_get_says_none(tmp_path: Path) -> None:
    state = _state(tmp_path)
    assert state.get(COUNTER) is None
    with pytest.raises(ServiceUnavailable) as raised:
        state.need(COUNTER)
    assert raised.value.code == "not_running"
    assert "counter" in raised.value.message
    state.provide(COUNTER, [])
    state.drop(COUNTER)
    assert state.get(COUNTER) is None


def test_nobody_is_signed_in_before_the_accounts_are_open(tmp_path: Path) -> None:
    assert _state(tmp_path).authenticator("a token", "a cookie") is None


class Counted(BaseModel):
    count: int


async def counts(call: Call) -> Counted:
    """The counter's length, from a part that may not be running."""
    return Counted(count=len(call.state.need(COUNTER)))


async def miscounts(call: Call) -> dict[str, str]:
    """Returns what its row does not declare."""
    return {"count": "many"}


def _app(tmp_path: Path, *routes: ApiRoute) -> Starlette:
    app = Starlette(routes=list(routes))
    app.state = AppState(load_config({}, data_dir=tmp_path), list(routes))
    return app


def test_a_route_reading_a_part_that_is_not_running_answers_503_in_the_envelope(tmp_path: Path) -> None:
    app = _app(tmp_path, ApiRoute("GET", "/api/count", counts, access=Access.PUBLIC, response=Counted))
    with TestClient(app) as client:
        response = client.get("/api/count")
        assert response.status_code == 503
        assert response.json()["error"]["code"] == "not_running"
        app.state.provide(COUNTER, [7, 8, 9])
        assert client.get("/api/count").json() == {"count": 3}


def test_under_test_a_result_its_row_does_not_declare_is_refused(tmp_path: Path) -> None:
    """tests/conftest.py turns the check on for the whole suite; this proves it bites."""
    assert ApiRoute.check_responses
    app = _app(tmp_path, ApiRoute("GET", "/api/count", miscounts, access=Access.PUBLIC, response=Counted))
    with TestClient(app, raise_server_exceptions=True) as client, pytest.raises(AssertionError, match="Counted"):
        client.get("/api/count")
