"""core.web: how API routes match paths (the fast string pre-check agrees with the regex)."""

from __future__ import annotations

import pytest
from starlette.responses import Response
from starlette.routing import Match

from devcell.core.auth import Access
from devcell.core.web import ApiRoute, Call, json


async def handler(call: Call) -> Response:
    """A stand-in endpoint."""
    return json({})


def scope(path: str, method: str = "GET", root_path: str = "") -> dict[str, object]:
    return {"type": "http", "path": path, "method": method, "root_path": root_path}


@pytest.mark.parametrize(
    ("route_path", "path", "expected"),
    [
        ("/api/users", "/api/users", Match.FULL),
        ("/api/users", "/api/users/", Match.NONE),
        ("/api/users", "/api/user", Match.NONE),
        ("/api/users/{user_id:int}", "/api/users/7", Match.FULL),
        ("/api/users/{user_id:int}", "/api/users/x", Match.NONE),
        ("/api/users/{user_id:int}", "/api/users", Match.NONE),
        ("/api/users/{user_id:int}/password", "/api/users/7/password", Match.FULL),
        ("/api/users/{user_id:int}/password", "/api/tokens/7/password", Match.NONE),
    ],
)
def test_api_route_matches_like_its_path_pattern(route_path: str, path: str, expected: Match) -> None:
    route = ApiRoute("GET", route_path, handler, access=Access.USER)
    assert route.matches(scope(path))[0] == expected


def test_api_route_path_parameters_are_converted() -> None:
    route = ApiRoute("GET", "/api/users/{user_id:int}", handler, access=Access.USER)
    assert route.matches(scope("/api/users/42"))[1]["path_params"] == {"user_id": 42}


def test_api_route_other_method_is_a_partial_match() -> None:
    route = ApiRoute("GET", "/api/users", handler, access=Access.USER)
    assert route.matches(scope("/api/users", "POST"))[0] == Match.PARTIAL


def test_api_route_under_a_root_path_still_matches() -> None:
    route = ApiRoute("GET", "/api/users", handler, access=Access.USER)
    assert route.matches(scope("/devcell/api/users", root_path="/devcell"))[0] == Match.FULL


def test_call_read_runs_the_function_inline_and_returns_its_value() -> None:
    call = Call(None, None)  # type: ignore[arg-type]
    assert call.read(lambda a, b=0: a + b, 1, b=2) == 3
