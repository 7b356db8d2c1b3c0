"""core.web at the edge: body size limits enforced while the body streams, and numbers SQLite cannot store."""

from __future__ import annotations

import http.client
from collections.abc import Iterator
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from devcell.core.web import MAX_DB_INT, MAX_JSON_BYTES, MAX_PUBLIC_JSON_BYTES
from tests.conftest import Actor
from tests.serverproc import HOST, ServerProcess

TOO_BIG_ID = MAX_DB_INT + 1
MIB = 1024 * 1024


def _chunks(total: int, size: int = 64 * 1024) -> Iterator[bytes]:
    sent = 0
    while sent < total:
        piece = min(size, total - sent)
        sent += piece
        yield b" " * piece


def test_sign_in_body_over_the_public_limit_is_413_before_it_is_read(client: TestClient) -> None:
    body = b'{"username": "a", "password": "' + b"x" * MAX_PUBLIC_JSON_BYTES + b'"}'
    response = client.post("/api/auth/login", content=body, headers={"Content-Type": "application/json"})
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "too_large"


def test_chunked_sign_in_body_over_the_limit_is_413(client: TestClient) -> None:
    response = client.post(
        "/api/auth/login", content=_chunks(MAX_PUBLIC_JSON_BYTES * 4), headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 413


def test_signed_in_routes_accept_bodies_above_the_public_limit(admin: Actor) -> None:
    response = admin.post("/api/tasks", json={"title": "big", "description": "d" * (MAX_PUBLIC_JSON_BYTES * 2)})
    assert response.status_code != 413, response.text


def test_signed_in_body_over_the_json_limit_is_413(admin: Actor) -> None:
    response = admin.post("/api/tasks", json={"title": "big", "description": "d" * MAX_JSON_BYTES})
    assert response.status_code == 413


def test_path_id_beyond_64_bits_is_422(admin: Actor) -> None:
    response = admin.get(f"/api/tasks/{TOO_BIG_ID}")
    assert response.status_code == 422
    assert response.json()["error"]["detail"][0]["field"] == "task_id"


def test_query_offset_beyond_64_bits_is_422(admin: Actor) -> None:
    response = admin.get(f"/api/tasks?offset={TOO_BIG_ID}")
    assert response.status_code == 422
    assert response.json()["error"]["detail"][0]["field"] == "query.offset"


def test_body_id_beyond_64_bits_is_422(admin: Actor) -> None:
    response = admin.post("/api/tasks", json={"title": "t", "project_id": TOO_BIG_ID})
    assert response.status_code == 422
    assert response.json()["error"]["detail"][0]["field"] == "project_id"


def test_nested_body_id_beyond_64_bits_is_422(admin: Actor) -> None:
    response = admin.post("/api/tasks/bulk", json={"ids": [1, TOO_BIG_ID], "action": "delete"})
    assert response.status_code == 422


def test_largest_64_bit_id_is_a_plain_404(admin: Actor) -> None:
    assert admin.get(f"/api/tasks/{MAX_DB_INT}").status_code == 404


def _post_login(port: int, body: bytes | Iterator[bytes], length: int | None) -> int:
    connection = http.client.HTTPConnection(HOST, port, timeout=60)
    headers = {"Content-Type": "application/json"}
    if length is not None:
        headers["Content-Length"] = str(length)
    try:
        connection.request("POST", "/api/auth/login", body=body, headers=headers, encode_chunked=length is None)
        response = connection.getresponse()
        response.read()
        return response.status
    finally:
        connection.close()


@pytest.mark.parametrize("chunked", [False, True], ids=["content-length", "chunked"])
def test_64_mib_to_sign_in_is_413_and_costs_the_server_no_memory(tmp_path: Path, chunked: bool) -> None:
    total = 64 * MIB
    with ServerProcess(tmp_path / "data") as server:
        server.wait_ready()
        assert _post_login(server.port, b'{"username": "warm", "password": "up"}', None) == 401
        before = server.rss_kib()
        status = _post_login(server.port, _chunks(total), None if chunked else total)
        grown_mib = (server.rss_kib() - before) / 1024
    assert status == 413
    assert grown_mib < 10, f"RSS grew by {grown_mib:.1f} MiB"
