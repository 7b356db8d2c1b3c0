"""Health past one box: the database server (one round trip, the connections left before it refuses more) and the
DevCell processes that serve it (one version, each reaching the vector index). On the appliance both are a line."""

from __future__ import annotations

import contextlib
import socket
from collections.abc import Iterator
from datetime import timedelta

import psycopg2
import pytest

from devcell.core.config import Config
from devcell.core.db import run_sql, transaction, utcnow
from tests.conftest import Actor
from tests.health.conftest import findings
from tests.postgres_server import PostgresCluster
from tests.waiting import wait_until

ON_POSTGRESQL = pytest.mark.parametrize("backend", ["postgresql"])


def _name(config: Config) -> str:
    assert config.database_url is not None
    return config.database_url.split("/", 3)[3].split("?", 1)[0]


@contextlib.contextmanager
def _held_connections(cluster: PostgresCluster, name: str, count: int) -> Iterator[None]:
    held = [psycopg2.connect(dbname=name, user="devcell", host=cluster.socket_dir, port=5432) for _ in range(count)]
    try:
        yield
    finally:
        for connection in held:
            connection.close()


@pytest.mark.parametrize("backend", ["sqlite"])  # the appliance: one file, one process
def test_on_the_appliance_the_database_and_processes_are_one_line_each(admin: Actor) -> None:
    found = findings(admin)
    assert (found["database"]["severity"], found["database"]["message"]) == (
        "ok",
        "The SQLite file in the data directory.",
    )
    assert (found["processes"]["severity"], found["processes"]["message"]) == (
        "ok",
        "One process serves this appliance.",
    )


@ON_POSTGRESQL
def test_the_server_answers_with_its_version_round_trip_and_connections(admin: Actor, config: Config) -> None:
    database = findings(admin)["database"]
    assert database["severity"] == "ok", database
    assert database["message"].startswith("PostgreSQL ")
    assert f"/{_name(config)}?" in database["message"]  # which server and database, as configured
    assert " answers in " in database["message"]
    assert " connections its server allows are in use." in database["message"]


@ON_POSTGRESQL
def test_a_database_near_its_connection_limit_is_a_warning(
    admin: Actor, config: Config, postgres_cluster: PostgresCluster
) -> None:
    """An admin who capped the database (ALTER DATABASE ... CONNECTION LIMIT) and then added processes: the next
    one would be refused, so health says so before it happens."""
    name = _name(config)
    postgres_cluster.execute(f"ALTER DATABASE {name} CONNECTION LIMIT 10")
    with _held_connections(postgres_cluster, name, 8):
        database = findings(admin)["database"]
    assert database["severity"] == "warning", database
    assert " connections its database allows are in use." in database["message"]
    assert "each DevCell process holds up to 12" in database["message"]
    assert database["fix"]["label"] == "Raise the database's CONNECTION LIMIT, or run fewer DevCell processes"
    # Once the server has ended their backends (it does so a moment after they close):
    wait_until(lambda: findings(admin)["database"]["severity"] == "ok", what="the connections counted as closed")


def _another_process(version: str, vectors: str) -> None:
    """A process on another host, beating now, as its heartbeat would write it."""
    now = utcnow()
    with transaction(write=True):
        run_sql(
            "INSERT INTO app_process (id, name, host, pid, version, started_at, seen_at, runs_scheduler, "
            "database_ms, vectors, vectors_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                "other",
                "devcell@other-host:4242",
                "other-host",
                4242,
                version,
                (now - timedelta(minutes=5)).replace(tzinfo=None),
                now.replace(tzinfo=None),
                False,
                1.5,
                vectors,
                None if vectors == "unreachable" else 2.25,
            ),
        )


@ON_POSTGRESQL
def test_the_processes_are_listed_with_their_round_trips(admin: Actor) -> None:
    version = admin.get("/api/system/processes").json()["processes"][0]["version"]
    _another_process(version, "ok")
    found = findings(admin)["processes"]
    assert found["severity"] == "ok", found
    assert found["message"].startswith("2 serve this database: ")
    assert f"devcell@other-host:4242 {version} (database 1.5 ms, vectors 2.25 ms)" in found["message"]
    assert f"devcell@{socket.gethostname()}:" in found["message"]


@ON_POSTGRESQL
def test_processes_of_different_versions_are_a_warning(admin: Actor) -> None:
    """A rolling upgrade that stopped halfway: two versions against one schema."""
    _another_process("0.1.0", "ok")
    found = findings(admin)["processes"]
    assert found["severity"] == "warning", found
    assert "They run different versions (0.1.0, " in found["message"]
    assert found["fix"]["command"] == "sudo apt install ./devcell.deb"


@ON_POSTGRESQL
def test_a_process_that_cannot_reach_the_vector_index_is_named(admin: Actor) -> None:
    version = admin.get("/api/system/processes").json()["processes"][0]["version"]
    _another_process(version, "unreachable")
    found = findings(admin)["processes"]
    assert found["severity"] == "warning", found
    assert found["message"].startswith("devcell@other-host:4242 cannot reach the vector index;")
    assert "vectors -)" in found["message"]
