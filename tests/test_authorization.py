"""Every API route, called as anonymous, user and admin, answers as its declared access rule says."""

from __future__ import annotations

import re

import orjson
import pytest
from starlette.applications import Starlette
from starlette.routing import Route
from starlette.testclient import TestClient

from devcell.core.auth import Access
from devcell.core.web import ApiRoute
from tests.conftest import Actor

# The whole anonymous surface. Anything added here needs a reason in review.
PUBLIC = {
    ("GET", "/api/health"),
    ("GET", "/api/health/ready"),
    ("GET", "/api/setup"),
    ("POST", "/api/setup"),
    ("POST", "/api/auth/login"),
    ("POST", "/api/auth/register"),  # refused unless the admin opened registration or issued an invite
    ("POST", "/api/auth/invite-check"),  # says only whether an invite link still works; throttled like register
    ("POST", "/api/auth/reset-check"),  # whether a reset link works (and whose); throttled like register
    ("POST", "/api/auth/reset"),  # refused unless the link an administrator made is open; throttled
    ("POST", "/api/setup/restore"),  # refused unless setup is still needed and the setup code matches
    ("POST", "/api/backups/folder-check"),  # refused unless signed with the secret key (devcell settings set)
    ("GET", "/api/recovery"),  # whether the database is damaged: the page that offers the restore asks
    ("POST", "/api/recovery/backups"),  # refused unless in recovery mode and the recovery code matches
    ("POST", "/api/recovery/upload"),  # the same
    ("POST", "/api/recovery/restore"),  # the same
}
PARAM = re.compile(r"{(\w+)(?::(\w+))?}")
# Bodies other than {} for routes whose defaults would end the walk: signing out everywhere revokes the caller's
# own API token unless told not to.
BODIES: dict[tuple[str, str], dict[str, object]] = {("POST", "/api/auth/logout-all"): {"revoke_tokens": False}}
# Routes that a browser session may call and an API token may not (403 session_required).
SESSION_ONLY = {("POST", "/api/auth/tokens")}


def concrete(path: str) -> str:
    """Fill path parameters with ids that do not exist, so no call changes real data."""
    return PARAM.sub(lambda m: "999999" if m.group(2) == "int" else "no-such-id", path)


def call(client: TestClient, route: ApiRoute, token: str | None) -> tuple[int, dict[str, object]]:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    kwargs: dict[str, object] = {"headers": headers}
    if route.method in ("POST", "PATCH", "PUT"):
        kwargs["json"] = BODIES.get((route.method, route.path), {})
    # Streamed: an event stream (the notifications one) stays open for as long as the tab does; only a JSON
    # answer's body is read.
    with client.stream(route.method, concrete(route.path), **kwargs) as response:  # type: ignore[arg-type]
        is_json = response.headers.get("content-type", "").startswith("application/json")
        return response.status_code, orjson.loads(response.read()) if is_json else {}


def refused_or_broken(status: int, body: dict[str, object]) -> bool:
    """401/403 or a server error; a 503 saying no LLM is configured is an allowed call (the route got past auth)."""
    not_configured = status == 503 and body.get("error", {}).get("code") == "llm_not_configured"  # type: ignore[union-attr]
    return status in (401, 403) or (status >= 500 and not not_configured)


def refused_as_declared(route: ApiRoute, status: int, body: dict[str, object]) -> bool:
    """A session-only route refusing a token caller, as it should."""
    code = body.get("error", {}).get("code")  # type: ignore[union-attr]
    return (route.method, route.path) in SESSION_ONLY and status == 403 and code == "session_required"


@pytest.fixture
def tokens(admin: Actor, user: Actor) -> dict[str, str]:
    made = {}
    for name, actor in (("admin", admin), ("user", user)):
        response = actor.post("/api/auth/tokens", json={"name": "authz"})
        made[name] = response.json()["token"]
    return made


def api_routes(app: Starlette) -> list[ApiRoute]:
    return list(app.state.api_routes)


def test_every_api_route_declares_its_access(app: Starlette) -> None:
    api_paths = [r for r in app.routes if isinstance(r, Route) and r.path.startswith("/api/")]
    undeclared = [r.path for r in api_paths if not isinstance(r, ApiRoute) and r.path != "/api/{rest:path}"]
    assert undeclared == []


def test_public_routes_are_exactly_the_allowed_ones(app: Starlette) -> None:
    declared = {(r.method, r.path) for r in api_routes(app) if r.access is Access.PUBLIC}
    assert declared == PUBLIC


def test_anonymous_gets_401_json_on_every_non_public_route(app: Starlette, client: TestClient) -> None:
    failures = []
    for route in api_routes(app):
        status, body = call(client, route, None)
        if route.access is Access.PUBLIC:
            if refused_or_broken(status, body):
                failures.append((route.method, route.path, status))
        elif status != 401 or body.get("error", {}).get("code") != "unauthorized":  # type: ignore[union-attr]
            failures.append((route.method, route.path, status))
    assert failures == []


def test_user_is_refused_admin_routes_and_allowed_the_rest(
    app: Starlette, client: TestClient, tokens: dict[str, str]
) -> None:
    failures = []
    for route in api_routes(app):
        status, body = call(client, route, tokens["user"])
        if route.access is Access.ADMIN:
            if status != 403 or body["error"]["code"] != "admin_required":  # type: ignore[index]
                failures.append((route.method, route.path, status))
        elif refused_or_broken(status, body) and not refused_as_declared(route, status, body):
            failures.append((route.method, route.path, status))
    assert failures == []


def test_admin_is_allowed_every_route(app: Starlette, client: TestClient, tokens: dict[str, str]) -> None:
    failures = []
    for route in api_routes(app):
        status, body = call(client, route, tokens["admin"])
        if refused_or_broken(status, body) and not refused_as_declared(route, status, body):
            failures.append((route.method, route.path, status))
    assert failures == []


def test_unknown_api_path_is_json_404_even_anonymous(client: TestClient) -> None:
    response = client.get("/api/no/such/thing")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
