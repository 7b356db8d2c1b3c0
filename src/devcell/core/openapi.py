"""OpenAPI 3.1 document generated from the declared API routes and their pydantic models."""

from __future__ import annotations

import re
from typing import Any

from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from devcell.core.auth import Access
from devcell.core.web import ApiRoute

ERROR_SCHEMA = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message"],
            "properties": {"code": {"type": "string"}, "message": {"type": "string"}, "detail": {}},
        }
    },
}
PARAM_RE = re.compile(r"{(\w+)(?::(\w+))?}")
# A body with this boolean field asks for the answer as server-sent events instead of one JSON document.
STREAM_FIELD = "stream"
# One event of such a stream, in the shape OpenAPI 3.2 gives server-sent events; `data` holds JSON.
EVENT_STREAM = {
    "schema": {
        "type": "object",
        "required": ["data"],
        "properties": {
            "event": {"type": "string"},
            "data": {"type": "string", "contentMediaType": "application/json"},
            "id": {"type": "string"},
            "retry": {"type": "integer", "minimum": 0},
        },
    }
}


def _models(routes: list[ApiRoute]) -> list[type[BaseModel]]:
    found: dict[str, type[BaseModel]] = {}
    for route in routes:
        for model in (route.body_model, route.response_model, route.query_model):
            if model is not None:
                found[model.__name__] = model
    return list(found.values())


def _path_parameters(path: str) -> list[dict[str, Any]]:
    return [
        {"name": name, "in": "path", "required": True, "schema": {"type": "integer" if kind == "int" else "string"}}
        for name, kind in PARAM_RE.findall(path)
    ]


def _query_parameters(model: type[BaseModel] | None) -> list[dict[str, Any]]:
    if model is None:
        return []
    schema = model.model_json_schema()
    return [
        {"name": name, "in": "query", "required": name in schema.get("required", []), "schema": prop}
        for name, prop in schema.get("properties", {}).items()
    ]


def _can_stream(route: ApiRoute) -> bool:
    field = route.body_model.model_fields.get(STREAM_FIELD) if route.body_model is not None else None
    return field is not None and field.annotation is bool


def _operation(route: ApiRoute, refs: dict[str, str]) -> dict[str, Any]:
    op: dict[str, Any] = {
        "operationId": route.name,
        "summary": route.summary,
        "tags": [route.path.split("/")[2]],
        "parameters": _path_parameters(route.path) + _query_parameters(route.query_model),
    }
    if route.access is not Access.PUBLIC:
        op["security"] = [{"session": []}, {"bearer": []}]
        op["x-devcell-access"] = route.access.value
    if route.body_model is not None:
        op["requestBody"] = {
            "required": route.body_required,
            "content": {"application/json": {"schema": {"$ref": refs[route.body_model.__name__]}}},
        }
    ok: dict[str, Any] = {"description": "Success"}
    if route.response_model is not None:
        ok["content"] = {"application/json": {"schema": {"$ref": refs[route.response_model.__name__]}}}
    if _can_stream(route):
        ok["description"] = f"Success; server-sent events when `{STREAM_FIELD}` is true"
        ok.setdefault("content", {})["text/event-stream"] = EVENT_STREAM
    op["responses"] = {
        str(route.status): ok,
        "default": {
            "description": "Error",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
        },
    }
    return op


def openapi_document(routes: list[ApiRoute], version: str) -> dict[str, Any]:
    models = _models(routes)
    keys, defs = models_json_schema([(m, "serialization") for m in models], ref_template="#/components/schemas/{model}")
    refs = {m.__name__: keys[(m, "serialization")]["$ref"] for m in models}
    schemas = dict(defs.get("$defs", {}))
    schemas["Error"] = ERROR_SCHEMA
    paths: dict[str, dict[str, Any]] = {}
    for route in routes:
        path = PARAM_RE.sub(lambda m: "{" + m.group(1) + "}", route.path)
        paths.setdefault(path, {})[route.method.lower()] = _operation(route, refs)
    return {
        "openapi": "3.1.0",
        "info": {"title": "DevCell API", "version": version},
        "paths": paths,
        "components": {
            "schemas": schemas,
            "securitySchemes": {
                "session": {"type": "apiKey", "in": "cookie", "name": "devcell_session"},
                "bearer": {"type": "http", "scheme": "bearer"},
            },
        },
    }
