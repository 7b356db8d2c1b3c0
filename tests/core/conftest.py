"""Core fixtures: a migrated SQLite file without the app (close this thread's connection after), a fake frontend."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from devcell.app import create_app
from devcell.core.config import load_config
from devcell.core.db import close_database, init_database
from devcell.core.migrations.runner import migrate


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Path]:
    path = tmp_path / "devcell.db"
    init_database(path)
    migrate(path, tmp_path / "snapshots")
    yield path
    close_database()


@pytest.fixture
def dist(tmp_path: Path) -> Path:
    """A tiny built frontend: index.html, one hashed asset and a top-level file."""
    root = tmp_path / "dist"
    (root / "assets").mkdir(parents=True)
    (root / "index.html").write_text(
        '<!doctype html><div id="app"></div><script src="/assets/index-abc123.js"></script>'
    )
    (root / "assets" / "index-abc123.js").write_text("console.log('devcell')")
    (root / "robots.txt").write_text("User-agent: *\nDisallow: /\n")
    return root


@pytest.fixture
def spa(tmp_path: Path, dist: Path) -> Iterator[TestClient]:
    """The real app serving the fake frontend."""
    config = load_config({"DEVCELL_WEB_DIST": str(dist)}, data_dir=tmp_path / "data")
    with TestClient(create_app(config)) as client:
        yield client
