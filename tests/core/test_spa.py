"""The built frontend: index.html for every non-API path, hashed assets cached forever."""

from __future__ import annotations

from pathlib import Path

import pytest
from starlette.testclient import TestClient

from devcell.app import create_app
from devcell.core.config import load_config
from devcell.core.spa import IMMUTABLE


@pytest.mark.parametrize("path", ["/", "/login", "/projects/12/tasks"])
def test_spa_serves_index_for_app_paths(spa: TestClient, path: str) -> None:
    response = spa.get(path)
    assert response.status_code == 200
    assert '<div id="app">' in response.text


def test_spa_index_must_be_revalidated(spa: TestClient) -> None:
    assert spa.get("/tasks").headers["cache-control"] == "no-cache"


def test_spa_serves_hashed_assets_with_an_immutable_cache_lifetime(spa: TestClient) -> None:
    response = spa.get("/assets/index-abc123.js")
    assert (response.status_code, response.text) == (200, "console.log('devcell')")
    assert response.headers["cache-control"] == IMMUTABLE == "public, max-age=31536000, immutable"


def test_spa_missing_asset_is_404_not_index(spa: TestClient) -> None:
    response = spa.get("/assets/index-gone.js")
    assert response.status_code == 404
    assert "<div" not in response.text


def test_spa_serves_top_level_files(spa: TestClient) -> None:
    response = spa.get("/robots.txt")
    assert (response.status_code, response.text) == (200, "User-agent: *\nDisallow: /\n")
    assert response.headers["cache-control"] == "public, max-age=3600"


def test_spa_head_request_is_answered(spa: TestClient) -> None:
    response = spa.head("/tasks")
    assert (response.status_code, response.content) == (200, b"")


def test_spa_without_a_build_says_how_to_build(tmp_path: Path) -> None:
    config = load_config({"DEVCELL_WEB_DIST": str(tmp_path / "no-dist")}, data_dir=tmp_path / "data")
    with TestClient(create_app(config)) as client:
        response = client.get("/tasks")
    assert response.status_code == 503
    assert "python3 build.py web" in response.text


def test_spa_without_a_build_still_serves_the_api(tmp_path: Path) -> None:
    config = load_config({"DEVCELL_WEB_DIST": str(tmp_path / "no-dist")}, data_dir=tmp_path / "data")
    with TestClient(create_app(config)) as client:
        assert client.get("/api/health").status_code == 200
