"""Security headers on every response; API responses are never cached; gzip for clients that ask for it."""

from __future__ import annotations

import pytest
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route
from starlette.testclient import TestClient

from devcell.core.middleware import GZip
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


def gzip_app() -> TestClient:
    async def big(request: Request) -> Response:
        return PlainTextResponse("x" * 5000, headers={"Vary": "Cookie"} if "vary" in request.query_params else None)

    async def small(request: Request) -> Response:
        return PlainTextResponse("tiny")

    app = Starlette(routes=[Route("/big", big), Route("/small", small)], middleware=[Middleware(GZip)])
    return TestClient(app)


def test_gzip_compresses_for_clients_that_accept_it() -> None:
    response = gzip_app().get("/big", headers={"Accept-Encoding": "gzip"})
    assert response.headers["content-encoding"] == "gzip"
    assert response.text == "x" * 5000  # the client decompressed it
    assert response.headers["vary"] == "Accept-Encoding"


@pytest.mark.parametrize("path", ["/big", "/small"])
def test_gzip_sends_plain_bodies_with_vary_to_other_clients(path: str) -> None:
    response = gzip_app().get(path, headers={"Accept-Encoding": "identity"})
    assert "content-encoding" not in response.headers
    assert response.headers["vary"] == "Accept-Encoding"


def test_gzip_adds_accept_encoding_to_an_existing_vary() -> None:
    response = gzip_app().get("/big?vary=1", headers={"Accept-Encoding": "identity"})
    assert response.headers.get_list("vary") == ["Cookie, Accept-Encoding"]


def test_gzip_leaves_small_responses_uncompressed() -> None:
    response = gzip_app().get("/small", headers={"Accept-Encoding": "gzip"})
    assert "content-encoding" not in response.headers
