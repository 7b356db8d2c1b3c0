"""Security headers on every response; API responses are never cached."""

from __future__ import annotations

import pytest
from starlette.applications import Starlette
from starlette.testclient import TestClient

from tests.conftest import new_client

PATHS = ["/api/health", "/api/no-such-endpoint", "/", "/tasks", "/assets/index-abc123.js"]


@pytest.mark.parametrize("path", PATHS)
def test_security_headers_are_on_every_response(spa: TestClient, path: str) -> None:
    headers = spa.get(path).headers
    assert (headers["x-frame-options"], headers["x-content-type-options"], headers["referrer-policy"]) == (
        "DENY",
        "nosniff",
        "same-origin",
    )


@pytest.mark.parametrize("path", PATHS)
def test_content_security_policy_allows_no_inline_or_remote_code(spa: TestClient, path: str) -> None:
    csp = spa.get(path).headers["content-security-policy"]
    assert "script-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp
    assert "unsafe-eval" not in csp
    assert "http" not in csp


@pytest.mark.parametrize("path", ["/api/health", "/api/no-such-endpoint"])
def test_api_responses_are_not_stored(spa: TestClient, path: str) -> None:
    assert spa.get(path).headers["cache-control"] == "no-store"


def test_hsts_only_over_https(app: Starlette, client: TestClient) -> None:
    secure = new_client(app, base_url="https://testserver")
    assert secure.get("/api/health").headers["strict-transport-security"] == "max-age=31536000"
    assert "strict-transport-security" not in client.get("/api/health").headers


def test_security_headers_keep_a_value_the_response_set(spa: TestClient) -> None:
    """Hashed assets set their own long cache-control; the middleware only fills in what is missing."""
    response = spa.get("/assets/index-abc123.js")
    assert "no-store" not in response.headers.get("cache-control", "")
    assert response.headers.get_list("x-frame-options") == ["DENY"]
