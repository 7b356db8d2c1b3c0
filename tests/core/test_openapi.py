"""The OpenAPI document: generated from the route table, behind sign-in."""

from __future__ import annotations

from typing import Any

from starlette.applications import Starlette
from starlette.testclient import TestClient

from devcell import __version__
from devcell.core.auth import Access
from devcell.core.openapi import PARAM_RE, openapi_document
from devcell.core.web import ApiRoute
from tests.conftest import Actor


def document(actor: Actor) -> dict[str, Any]:
    response = actor.get("/api/openapi.json")
    assert response.status_code == 200, response.text
    return response.json()


def openapi_path(route: ApiRoute) -> str:
    return PARAM_RE.sub(lambda m: "{" + m.group(1) + "}", route.path)


def operation(doc: dict[str, Any], route: ApiRoute) -> dict[str, Any]:
    return doc["paths"][openapi_path(route)][route.method.lower()]


def find_refs(node: Any) -> list[str]:
    if isinstance(node, list):
        return [ref for value in node for ref in find_refs(value)]
    if not isinstance(node, dict):
        return []
    own = [node["$ref"]] if "$ref" in node else []
    return own + [ref for value in node.values() for ref in find_refs(value)]


def test_openapi_needs_sign_in(client: TestClient) -> None:
    response = client.get("/api/openapi.json")
    assert (response.status_code, response.json()["error"]["code"]) == (401, "unauthorized")


def test_openapi_is_version_3_1_with_the_app_version(user: Actor) -> None:
    doc = document(user)
    assert (doc["openapi"], doc["info"]["version"]) == ("3.1.0", __version__)


def test_openapi_has_an_operation_for_every_api_route(app: Starlette, user: Actor) -> None:
    paths = document(user)["paths"]
    missing = [
        (r.method, r.path) for r in app.state.api_routes if r.method.lower() not in paths.get(openapi_path(r), {})
    ]
    assert missing == []


def test_openapi_operation_ids_are_unique(user: Actor) -> None:
    ids = [op["operationId"] for item in document(user)["paths"].values() for op in item.values()]
    assert len(ids) == len(set(ids))


def test_openapi_marks_protected_operations_with_their_access_rule(app: Starlette, user: Actor) -> None:
    doc = document(user)
    found = {(r.method, r.path): operation(doc, r).get("x-devcell-access", "public") for r in app.state.api_routes}
    assert found == {(r.method, r.path): r.access.value for r in app.state.api_routes}


def test_openapi_every_schema_reference_resolves(user: Actor) -> None:
    doc = document(user)
    refs = set(find_refs(doc["paths"])) | set(find_refs(doc["components"]))
    known = {"#/components/schemas/" + name for name in doc["components"]["schemas"]}
    assert refs - known == set()


def test_openapi_document_types_path_parameters() -> None:
    async def show(call: Any) -> Any:
        """Show one thing."""

    route = ApiRoute("GET", "/api/things/{thing_id:int}/parts/{name}", show, access=Access.USER)
    op = openapi_document([route], "1")["paths"]["/api/things/{thing_id}/parts/{name}"]["get"]
    assert [(p["name"], p["schema"]["type"]) for p in op["parameters"]] == [("thing_id", "integer"), ("name", "string")]
    assert op["summary"] == "Show one thing."


def test_openapi_declares_the_event_stream_that_a_stream_request_gets(user: Actor) -> None:
    # Found by the API fuzzer: /api/ask with "stream": true answered text/event-stream, documented as JSON only.
    answer = user.post("/api/ask", json={"question": "How do I restart it?", "stream": True})
    assert answer.status_code == 200, answer.text
    declared = document(user)["paths"]["/api/ask"]["post"]["responses"]["200"]["content"]
    assert answer.headers["content-type"].split(";")[0] in declared
