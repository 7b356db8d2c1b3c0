"""`devcell check` on a real data directory."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from devcell.app import open_storage
from devcell.core.config import Config, load_config
from devcell.core.db import close_database, run_sql, transaction
from devcell.health.selfcheck import CheckLine, run_selfcheck


@pytest.fixture
def fresh(tmp_path: Path, backend_env: dict[str, str]) -> Iterator[Config]:
    """A data directory as the first start leaves it, with a built frontend (the data in its SQLite file, or on
    the PostgreSQL server)."""
    dist = tmp_path / "dist"
    dist.mkdir()
    (dist / "index.html").write_text("<!doctype html>")
    config = load_config({"DEVCELL_WEB_DIST": str(dist), **backend_env}, data_dir=tmp_path / "data")
    open_storage(config)
    yield config
    close_database()


def by_name(lines: list[CheckLine]) -> dict[str, CheckLine]:
    return {line.name: line for line in lines}


def test_selfcheck_of_a_fresh_data_dir_is_all_ok(fresh: Config) -> None:
    failed = [line for line in run_selfcheck(fresh) if not line.ok]
    assert failed == []


COMMON = {"versions", "data directory", "knowledgebase directory", "secret key", "schema", "database integrity"}


def test_selfcheck_covers_paths_secret_database_disk_and_web(fresh: Config, backend: str) -> None:
    # The SQLite file's own: where it is and its journal mode; a server's: where it is, its version and latency.
    database = {"database file", "journal mode"} if backend == "sqlite" else {"database", "database server"}
    assert set(by_name(run_selfcheck(fresh))) == COMMON | database | {"disk space", "web interface"}


@pytest.mark.parametrize("backend", ["postgresql"])
def test_selfcheck_on_postgresql_names_the_server_and_finds_a_missing_table(fresh: Config) -> None:
    lines = by_name(run_selfcheck(fresh))
    assert fresh.database_url is not None
    assert lines["database"].message == f"PostgreSQL at {fresh.database_url}"  # no password in this URL to hide
    assert re.fullmatch(r"PostgreSQL \S+.*, a read took [0-9.]+ ms", lines["database server"].message)
    assert (lines["database integrity"].ok, lines["database integrity"].message) == (True, "ok")
    with transaction(write=True):
        run_sql("DROP TABLE chunk CASCADE")
    line = by_name(run_selfcheck(fresh))["database integrity"]
    assert (line.ok, line.message) == (False, "tables missing: chunk")


def test_selfcheck_fails_a_world_readable_secret_with_the_fix(fresh: Config) -> None:
    secret = fresh.data_dir / "secret_key"
    secret.chmod(0o644)
    line = by_name(run_selfcheck(fresh))["secret key"]
    assert line.ok is False
    assert f"run: chmod 600 {secret}" in line.message


def test_selfcheck_fails_a_data_dir_readable_by_everyone(fresh: Config) -> None:
    fresh.data_dir.chmod(0o755)
    line = by_name(run_selfcheck(fresh))["data directory"]
    assert line.ok is False
    assert f"chmod o-rwx {fresh.data_dir}" in line.message


def test_selfcheck_fails_a_missing_knowledgebase_dir(fresh: Config) -> None:
    fresh.kb_dir.rmdir()
    assert by_name(run_selfcheck(fresh))["knowledgebase directory"].ok is False


def test_selfcheck_fails_a_missing_web_build_with_the_fix(fresh: Config) -> None:
    assert fresh.web_dist is not None
    (fresh.web_dist / "index.html").unlink()
    line = by_name(run_selfcheck(fresh))["web interface"]
    assert (line.ok, line.message.endswith("run: python3 build.py web")) == (False, True)


def test_selfcheck_accepts_a_secret_from_the_environment(fresh: Config, backend_env: dict[str, str]) -> None:
    from_env = load_config({"DEVCELL_SECRET_KEY": "k" * 40, **backend_env}, data_dir=fresh.data_dir)
    (fresh.data_dir / "secret_key").unlink()
    assert by_name(run_selfcheck(from_env))["secret key"].ok is True
