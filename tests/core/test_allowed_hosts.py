"""core.middleware.AllowedHosts: with DEVCELL_ALLOWED_HOSTS set, other Host headers never reach a route."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from devcell.app import create_app
from devcell.core.config import load_config


@pytest.fixture
def guarded(tmp_path: Path) -> Iterator[TestClient]:
    config = load_config({"DEVCELL_ALLOWED_HOSTS": "devcell.lab.example,*.cell.example"}, data_dir=tmp_path / "d")
    with TestClient(create_app(config)) as client:
        yield client


def _status(client: TestClient, host: str, path: str = "/api/health") -> int:
    return client.get(path, headers={"Host": host}).status_code


def test_a_foreign_host_is_refused_with_the_error_envelope(guarded: TestClient) -> None:
    response = guarded.get("/api/health", headers={"Host": "rebind.attacker.example"})
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "host_not_allowed"


def test_a_foreign_host_cannot_reach_the_anonymous_sign_in(guarded: TestClient) -> None:
    response = guarded.post("/api/auth/login", json={"username": "a", "password": "b"}, headers={"Host": "evil.test"})
    assert response.status_code == 400


@pytest.mark.parametrize(
    "host",
    ["devcell.lab.example", "DEVCELL.lab.example:9000", "a.cell.example", "localhost:9000", "127.0.0.1", "[::1]:9000"],
)
def test_listed_and_loopback_hosts_are_answered(guarded: TestClient, host: str) -> None:
    assert _status(guarded, host) == 200


def test_a_wildcard_does_not_match_a_look_alike_suffix(guarded: TestClient) -> None:
    assert _status(guarded, "evilcell.example") == 400


def test_the_refusal_carries_the_security_headers(guarded: TestClient) -> None:
    assert guarded.get("/", headers={"Host": "evil.test"}).headers["x-frame-options"] == "DENY"


def test_every_host_is_answered_when_the_list_is_empty(client: TestClient) -> None:
    assert _status(client, "anything.example") == 200
