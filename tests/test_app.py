"""HTTP conventions of the whole app: the error envelope, JSON bodies, unknown paths and methods, lifespan."""

from __future__ import annotations

import logging
import re
import sqlite3
from pathlib import Path
from typing import Any

import httpx2
import pytest
from starlette.applications import Starlette
from starlette.testclient import TestClient

from devcell.app import create_app
from devcell.core.auth import Access
from devcell.core.config import Config, load_config
from devcell.core.jobs import JOBS
from devcell.core.web import ApiRoute, Call
from tests.conftest import Actor, new_client


def envelope(response: httpx2.Response) -> dict[str, Any]:
    """The error object, after checking the envelope's shape: {"error": {"code", "message", "detail"?}}."""
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    assert list(body) == ["error"]
    error = body["error"]
    assert set(error) - {"detail"} == {"code", "message"}
    assert re.fullmatch(r"[a-z]+(_[a-z]+)*", error["code"])
    assert error["message"]
    return error


def test_app_401_is_an_error_envelope(client: TestClient) -> None:
    response = client.get("/api/auth/me")
    assert response.status_code == 401
    assert envelope(response)["code"] == "unauthorized"
    assert response.headers["www-authenticate"].startswith("Bearer")


def test_app_403_is_an_error_envelope(user: Actor) -> None:
    response = user.get("/api/settings")
    assert response.status_code == 403
    assert envelope(response)["code"] == "admin_required"


def test_app_unknown_api_path_is_a_json_404(client: TestClient) -> None:
    response = client.get("/api/no-such-thing")
    assert response.status_code == 404
    assert envelope(response)["code"] == "not_found"


def test_app_unknown_api_path_is_404_for_every_method(client: TestClient) -> None:
    response = client.post("/api/no/such/thing", json={})
    assert (response.status_code, envelope(response)["code"]) == (404, "not_found")


def test_app_422_lists_field_errors(client: TestClient) -> None:
    response = client.post("/api/auth/login", json={"username": "admin"})
    assert response.status_code == 422
    error = envelope(response)
    assert error["code"] == "validation_failed"
    assert {"field": "password", "message": "required"} in error["detail"]


def test_app_non_json_body_is_415(client: TestClient) -> None:
    response = client.post("/api/auth/login", data={"username": "admin", "password": "x"})
    assert response.status_code == 415
    assert envelope(response)["code"] == "unsupported_media_type"


def test_app_malformed_json_is_422(client: TestClient) -> None:
    response = client.post("/api/auth/login", content=b'{"username": ', headers={"content-type": "application/json"})
    assert response.status_code == 422
    assert envelope(response)["detail"] == [{"field": "body", "message": "is not valid JSON"}]


def test_app_json_content_type_with_charset_is_accepted(client: TestClient) -> None:
    response = client.post(
        "/api/auth/login",
        content=b'{"username": "nobody"}',
        headers={"content-type": "application/json; charset=utf-8"},
    )
    assert response.status_code == 422  # parsed: only the missing password is wrong


def test_app_wrong_method_on_a_known_api_path_is_a_json_405(client: TestClient) -> None:
    response = client.delete("/api/health")
    assert response.status_code == 405
    envelope(response)


def test_app_405_names_the_allowed_methods(client: TestClient) -> None:
    response = client.get("/api/auth/login")
    assert response.status_code == 405
    assert envelope(response) == {"code": "method_not_allowed", "message": "GET is not allowed here; use POST."}
    assert response.headers["allow"] == "POST"


def test_app_405_names_the_allowed_methods_for_writes_too(user: Actor) -> None:
    response = user.delete("/api/jobs/some-job-id")
    assert (response.status_code, envelope(response)["code"]) == (405, "method_not_allowed")


def test_app_wrong_method_on_an_spa_path_is_a_json_405(client: TestClient) -> None:
    response = client.post("/tasks")
    assert (response.status_code, envelope(response)["code"]) == (405, "http_error")


def test_app_unhandled_error_is_a_json_500_without_internals(app: Starlette, client: TestClient) -> None:
    async def explode(call: Call) -> Any:
        """Fail like a bug would."""
        raise RuntimeError("secret internal detail")

    app.router.routes.insert(0, ApiRoute("GET", "/api/explode", explode, access=Access.PUBLIC))
    response = new_client(app, raise_server_exceptions=False).get("/api/explode")
    assert response.status_code == 500
    assert envelope(response)["code"] == "internal_error"
    assert "secret internal detail" not in response.text


def test_app_large_responses_are_compressed(admin: Actor) -> None:
    response = admin.get("/api/openapi.json", headers={"accept-encoding": "gzip"})
    assert response.headers["content-encoding"] == "gzip"


def test_app_start_marks_jobs_left_running_as_failed(config: Config, app: Starlette) -> None:
    with TestClient(app):
        pass  # first start creates and migrates the database
    with sqlite3.connect(config.database_path) as conn:
        conn.execute(
            "INSERT INTO job_run (id, kind, title, status, created_at) "
            "VALUES ('stale', 'test', 'Stale', 'running', '2024-05-01 10:00:00.000000')"
        )
    conn.close()
    with TestClient(app):
        snap = app.state.need(JOBS).get("stale")
    assert (snap.status, snap.error) == ("failed", "Interrupted: DevCell stopped while this job ran.")


def test_app_logs_config_notes_at_start(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    config = load_config({"JWT_ALGORITHM": "HS256"}, data_dir=tmp_path / "data")
    caplog.set_level(logging.INFO, logger="devcell.app")
    with TestClient(create_app(config)):
        pass
    assert "config: JWT_ALGORITHM is ignored" in caplog.text
