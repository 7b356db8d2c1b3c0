"""Backups on PostgreSQL (DEVCELL_DATABASE_URL): the same archive and flows, the database as a pg_dump.

A real cluster (tests/postgres_server.py) and the real pg_dump/pg_restore: backup, verify in a scratch database,
restore in one transaction, the change counter moved on, and every refusal (a tampered or failing dump, an archive
of the other kind of database, no client programs, no CREATEDB) said clearly with nothing changed."""

from __future__ import annotations

import contextlib
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson
import psycopg2
import pytest
from starlette.applications import Starlette

from devcell.backups import _postgres
from devcell.backups._archive import build_archive
from devcell.backups.errors import PostgresToolMissing, PostgresUnreachable
from devcell.backups.service import Backups
from devcell.core import jobs as jobs_module
from devcell.core.config import Config, load_config
from devcell.core.db import change_stamp
from devcell.settings.registry import BY_KEY
from tests.backups.conftest import (
    backup_now,
    members,
    populate,
    reseal,
    restore,
    sha256_tree,
    upload,
    wait_job,
    write_archive,
)
from tests.conftest import Actor
from tests.documents.conftest import FAKE_MODEL, note, uploaded
from tests.postgres_server import PostgresCluster
from tests.serverproc import cli_env

VOLATILE = ("job_run", "session", "change_counter")  # written by the backup/restore jobs and by signing in
# The restore's index check may index the documents again (the vector index is not in the archive): their rows
# and passages then differ in timestamps and ids, so they are compared by what a person sees.
REINDEXED = ("document", "chunk")

# The app's tests run on PostgreSQL only: the SQLite half of backups is the rest of tests/backups.
ON_POSTGRESQL = pytest.mark.parametrize("backend", ["postgresql"])


@pytest.fixture
def config(tmp_path: Path, database_env: dict[str, str]) -> Config:
    """The hashing embedder: documents are indexed in an instant."""
    return load_config({"DEVCELL_EMBEDDING_MODEL": FAKE_MODEL, **database_env}, data_dir=tmp_path / "data")


@pytest.fixture
def kb(config: Config) -> Path:
    (config.kb_dir / "notes").mkdir(parents=True, exist_ok=True)
    (config.kb_dir / "manual.pdf").write_bytes(bytes(range(256)) * 40)
    return config.kb_dir


def query(url: str, sql: str) -> list[tuple[Any, ...]]:
    with contextlib.closing(psycopg2.connect(url)) as connection, connection.cursor() as cursor:
        cursor.execute(sql)
        return list(cursor.fetchall())


def execute(url: str, sql: str) -> None:
    with contextlib.closing(psycopg2.connect(url)) as connection, connection.cursor() as cursor:
        cursor.execute(sql)
        connection.commit()


def counts(url: str) -> dict[str, int]:
    with contextlib.closing(psycopg2.connect(url)) as connection, connection.cursor() as cursor:
        return _postgres.table_counts(cursor)


def stable_rows(url: str) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table but the volatile ones, sorted, for equality checks."""
    found = {}
    for table in counts(url):
        if table not in VOLATILE + REINDEXED:
            found[table] = sorted(query(url, f'SELECT * FROM "{table}"'), key=repr)
    found["document"] = query(url, "SELECT id, title, kind, origin, path, size, sha256 FROM document ORDER BY id")
    return found


def verify(admin: Actor, name: str) -> dict[str, Any]:
    response = admin.post(f"/api/backups/{name}/verify")
    assert response.status_code == 202, response.text
    job = wait_job(admin, response.json()["id"])
    assert job["status"] == "succeeded", job
    return dict(job["result"])


def forged(admin: Actor, config: Config, tmp_path: Path, name: str, **changes: Any) -> str:
    """Upload a resealed copy of archive `name` (members changed by `changes`: member name -> bytes, or
    manifest=dict of manifest fields)."""
    files = members(config.data_dir / "backups" / name)
    manifest = changes.pop("manifest", {})
    files.update(changes)
    archive = tmp_path / "forged.tar.gz"
    write_archive(archive, reseal(files, **manifest))
    return upload(admin, archive.read_bytes())


def add_documents(admin: Actor) -> None:
    uploaded(admin, "vpn-runbook.md", b"# VPN\n\nRotate the certificates every ninety days.\n")
    note(admin, "Printer", "The printer on the second floor needs toner every month.")


@ON_POSTGRESQL
def test_backup_is_a_dump_whose_counts_match_and_verifies(
    app: Starlette, admin: Actor, config: Config, kb: Path
) -> None:
    populate(app, admin, scale=2)
    add_documents(admin)
    url = str(config.database_url)

    response = admin.post("/api/backups")
    assert response.status_code == 202, response.text
    job = wait_job(admin, response.json()["id"])

    assert job["status"] == "succeeded", job
    assert job["result"]["verify"]["ok"] is True, job["result"]["verify"]
    archive = members(config.data_dir / "backups" / job["result"]["name"])
    assert "devcell.pgdump" in archive
    assert "devcell.db" not in archive
    assert archive["knowledgebase/manual.pdf"] == (kb / "manual.pdf").read_bytes()
    manifest = orjson.loads(archive["manifest.json"])
    assert manifest["database"] == "postgresql"
    live = counts(url)
    assert manifest["tables"].keys() == live.keys()
    assert {t: n for t, n in manifest["tables"].items() if t not in VOLATILE} == {
        t: n for t, n in live.items() if t not in VOLATILE
    }
    assert (manifest["tables"]["document"], manifest["tables"]["task"]) == (2, 8)
    assert manifest["schema_version"] == query(url, "SELECT MAX(version) FROM schema_migration")[0][0]
    # The scratch database of the verify is gone again.
    assert query(url, "SELECT datname FROM pg_database WHERE datname LIKE '%\\_verify\\_%'") == []


@ON_POSTGRESQL
def test_a_tampered_archive_fails_verify(admin: Actor, config: Config, tmp_path: Path) -> None:
    name = backup_now(admin)
    task_count = orjson.loads(members(config.data_dir / "backups" / name)["manifest.json"])["tables"]["task"]
    dump = members(config.data_dir / "backups" / name)["devcell.pgdump"]

    wrong_counts = forged(admin, config, tmp_path, name, manifest={"tables": {"task": task_count + 5}})
    cut_short = forged(admin, config, tmp_path, name, **{"devcell.pgdump": dump[: len(dump) // 2]})
    flipped = verify(admin, backup_now(admin))  # a real one still passes beside them

    result = verify(admin, wrong_counts)
    assert result["ok"] is False
    assert f"table task has {task_count} rows, the manifest says {task_count + 5}" in result["problems"]
    result = verify(admin, cut_short)
    assert result["ok"] is False
    assert any("the database dump cannot be restored: pg_restore failed" in p for p in result["problems"]), result
    assert flipped["ok"] is True
    # A changed byte without a resealed manifest is caught by the checksums alone.
    files = members(config.data_dir / "backups" / name)
    files["devcell.pgdump"] = dump[:-1] + bytes([dump[-1] ^ 1])
    write_archive(tmp_path / "flipped.tar.gz", files)
    result = verify(admin, upload(admin, (tmp_path / "flipped.tar.gz").read_bytes()))
    assert result["problems"] == ["devcell.pgdump does not match its checksum"]
    url = str(config.database_url)
    assert query(url, "SELECT datname FROM pg_database WHERE datname LIKE '%\\_verify\\_%'") == []


@ON_POSTGRESQL
def test_restore_brings_back_deleted_rows_and_the_documents(
    app: Starlette, admin: Actor, config: Config, kb: Path
) -> None:
    made = populate(app, admin, scale=2)
    add_documents(admin)
    url = str(config.database_url)
    name = backup_now(admin)
    wanted_rows = stable_rows(url)
    wanted_files = sha256_tree(kb)
    for task_id in made["tasks"][:3]:
        assert admin.delete(f"/api/tasks/{task_id}").status_code == 204
    documents = admin.get("/api/documents").json()["items"]
    assert admin.delete(f"/api/documents/{documents[0]['id']}").status_code == 204
    (kb / "manual.pdf").unlink()
    (kb / "new.md").write_text("new")

    job = restore(admin, name)

    assert job["status"] == "succeeded", job
    assert job["result"]["safety_backup"].endswith("-safety.tar.gz")
    assert stable_rows(url) == wanted_rows
    assert sha256_tree(kb) == wanted_files
    assert admin.get(f"/api/tasks/{made['tasks'][0]}").status_code == 200
    assert {d["id"] for d in admin.get("/api/documents").json()["items"]} == {d["id"] for d in documents}
    assert job["result"]["files"] == len([p for p in kb.rglob("*") if p.is_file()])


@ON_POSTGRESQL
def test_a_restore_that_fails_midway_leaves_the_data_as_it_was(
    admin: Actor, config: Config, kb: Path, tmp_path: Path
) -> None:
    """The dump's table of contents reads fine, but a timestamp in its data does not: pg_restore stops partway
    through (after it dropped and made tables again), and its single transaction takes all of that back."""
    name = backup_now(admin)
    dump = members(config.data_dir / "backups" / name)["devcell.pgdump"]
    stamp = dump.index(b"\t20", dump.index(b"COPY "))  # a timestamp in the COPY data (the dump is uncompressed)
    broken = forged(admin, config, tmp_path, name, **{"devcell.pgdump": dump[:stamp] + b"\tx0" + dump[stamp + 3 :]})
    assert admin.post("/api/tasks", json={"title": "Made after the backup"}).status_code == 201
    url = str(config.database_url)
    before = stable_rows(url)
    files_before = sha256_tree(kb)

    job = restore(admin, broken)

    assert job["status"] == "failed", job
    assert "could not be restored: pg_restore failed" in job["error"], job
    assert "Nothing was changed" in job["error"]
    assert stable_rows(url) == before
    assert sha256_tree(kb) == files_before
    assert admin.get("/api/tasks", params={"q": "after the backup"}).json()["total"] == 1  # still serving


@ON_POSTGRESQL
def test_the_change_counter_moves_past_both_values(admin: Actor, config: Config, tmp_path: Path) -> None:
    url = str(config.database_url)
    execute(url, "UPDATE change_counter SET changes = 5000")  # the archive's counter is far ahead ...
    name = backup_now(admin)
    dump = tmp_path / "dump"
    dump.write_bytes(members(config.data_dir / "backups" / name)["devcell.pgdump"])
    execute(url, "UPDATE change_counter SET changes = 10")  # ... of today's (as on a server restored elsewhere)
    stamp = change_stamp()

    job = restore(admin, name)

    assert job["status"] == "succeeded", job
    script = subprocess.run(
        [_postgres.find_tool("pg_restore"), "--data-only", "--table=change_counter", "--file=-", str(dump)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    restored = int(script.split("COPY public.change_counter", 1)[1].splitlines()[1].split("\t")[1])
    assert restored >= 5000
    now = query(url, "SELECT changes FROM change_counter")[0][0]
    assert now > restored
    assert change_stamp() != stamp


@ON_POSTGRESQL
def test_a_sqlite_archive_is_refused_on_postgresql(
    admin: Actor, config: Config, template_database: Path, tmp_path: Path
) -> None:
    archive = tmp_path / "devcell-sqlite.tar.gz"
    build_archive(template_database, tmp_path / "no-kb", tmp_path, archive, "backup", lambda *_: None, None)
    name = upload(admin, archive.read_bytes())
    assert admin.post("/api/tasks", json={"title": "Kept"}).status_code == 201

    job = restore(admin, name)

    assert job["status"] == "failed", job
    assert "keeps its data in SQLite" in job["error"]
    assert "devcell migrate-to" in job["error"]
    assert "Nothing was changed" in job["error"]
    assert admin.get("/api/tasks", params={"q": "Kept"}).json()["total"] == 1


@pytest.mark.parametrize("backend", ["sqlite"])  # the reverse: a PostgreSQL archive offered to a SQLite appliance
def test_a_postgresql_archive_is_refused_on_sqlite(
    admin: Actor, config: Config, postgres_cluster: PostgresCluster, tmp_path: Path
) -> None:
    url = postgres_cluster.new_database()
    try:
        archive = tmp_path / "devcell-pg.tar.gz"
        build_archive(tmp_path / "none.db", tmp_path / "no-kb", tmp_path, archive, "backup", lambda *_: None, None,
                      database_url=url)  # fmt: skip
    finally:
        postgres_cluster.drop(url)
    name = upload(admin, archive.read_bytes())

    job = restore(admin, name)

    assert job["status"] == "failed", job
    assert "backup of a DevCell running on PostgreSQL" in job["error"]
    assert "devcell migrate-to" in job["error"]


@pytest.fixture
def no_client_programs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """PATH and Debian's version folders without pg_dump or pg_restore."""
    empty = tmp_path / "empty-bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    monkeypatch.setattr(_postgres, "PG_LIB", tmp_path / "no-postgresql")
    return empty


@ON_POSTGRESQL
def test_missing_pg_dump_is_a_clear_error(admin: Actor, no_client_programs: Path) -> None:
    response = admin.post("/api/backups")
    assert response.status_code == 202, response.text
    job = wait_job(admin, response.json()["id"])
    assert job["status"] == "failed", job
    assert "pg_dump is not installed" in job["error"]
    assert "apt install postgresql-client" in job["error"]
    assert "Traceback" not in job["error"]


def test_the_newest_installed_version_is_found_off_path(no_client_programs: Path, tmp_path: Path) -> None:
    with pytest.raises(PostgresToolMissing, match="postgresql-client"):
        _postgres.find_tool("pg_restore")
    for version in ("9", "13", "16", "latest"):
        tool = tmp_path / "no-postgresql" / version / "bin" / "pg_restore"
        tool.parent.mkdir(parents=True)
        tool.write_text("#!/bin/sh\n")
        tool.chmod(0o755)
    assert _postgres.find_tool("pg_restore") == str(tmp_path / "no-postgresql" / "16" / "bin" / "pg_restore")
    (no_client_programs / "pg_restore").write_text("#!/bin/sh\n")
    (no_client_programs / "pg_restore").chmod(0o755)
    assert _postgres.find_tool("pg_restore") == str(no_client_programs / "pg_restore")


def test_the_password_never_reaches_a_command_line() -> None:
    dsn, env = _postgres.Server.of("postgresql://devcell:s3cret%21@db.lan:5433/devcell?sslmode=require").for_program()
    assert "s3cret" not in dsn
    assert env["PGPASSWORD"] == "s3cret!"
    assert _postgres.Server(dict(x.split("=", 1) for x in dsn.split())).params == {
        "user": "devcell",
        "host": "db.lan",
        "port": "5433",
        "dbname": "devcell",
        "sslmode": "require",
    }


@pytest.fixture
def without_createdb(postgres_cluster: PostgresCluster) -> Iterator[str]:
    """A database owned by a role that may not create databases (what a hosted PostgreSQL often hands out)."""
    role = "nocreatedb"
    with contextlib.suppress(psycopg2.Error):
        postgres_cluster.execute(f"CREATE ROLE {role} LOGIN NOCREATEDB")
    name = f"owned_{os.getpid()}"
    postgres_cluster.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    postgres_cluster.execute(f"CREATE DATABASE {name} OWNER {role}")
    url = f"postgresql://{role}@/{name}?host={postgres_cluster.socket_dir}&port=5432"
    execute(url, "CREATE TABLE schema_migration (version INTEGER PRIMARY KEY); INSERT INTO schema_migration VALUES (1)")
    try:
        yield url
    finally:
        postgres_cluster.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def test_verify_without_createdb_says_which_privilege_is_missing(without_createdb: str, tmp_path: Path) -> None:
    backups = Backups(
        tmp_path / "data", tmp_path / "kb", lambda key: BY_KEY[key].default, database_url=without_createdb
    )
    made = backups.create("manual", lambda *_: None)

    result = backups.verify(made["name"], lambda *_: None)

    assert result["ok"] is False
    assert len(result["problems"]) == 1
    assert "may not create databases" in result["problems"][0]
    assert "ALTER ROLE nocreatedb CREATEDB" in result["problems"][0]


def test_an_unreachable_server_is_said_without_the_password(tmp_path: Path) -> None:
    url = f"postgresql://devcell:s3cret@/devcell?host={tmp_path / 'no-server'}&port=5432"
    backups = Backups(tmp_path / "data", tmp_path / "kb", lambda key: BY_KEY[key].default, database_url=url)

    with pytest.raises(PostgresUnreachable) as refused:
        backups.create("manual", lambda *_: None)

    assert "Cannot reach the PostgreSQL database" in refused.value.message
    assert "s3cret" not in refused.value.message
    assert list((tmp_path / "data").glob("backups/*.tar.gz")) == []


def test_cli_backup_and_restore_on_postgresql(postgres_cluster: PostgresCluster, tmp_path: Path) -> None:
    """`devcell backup` and `devcell restore` with DEVCELL_DATABASE_URL: the server's data, not a SQLite file."""
    url = postgres_cluster.new_database()
    env = {"DEVCELL_DATABASE_URL": url}
    data = tmp_path / "data"
    try:
        made = cli_env(data, env, "user", "create", "--admin", "first", "--password-stdin", stdin="long-password-123\n")
        assert made.returncode == 0, made.stderr
        made = cli_env(data, env, "backup", timeout=120)
        assert made.returncode == 0, made.stderr
        assert "verified in" in made.stdout
        archive = Path(made.stdout.split("\t", 1)[0])
        execute(url, 'DELETE FROM "user"')

        restored = cli_env(data, env, "restore", "--yes", str(archive), timeout=120)

        assert restored.returncode == 0, restored.stderr
        assert query(url, 'SELECT username FROM "user"') == [("first",)]
        assert not (data / "devcell.db").exists()
    finally:
        postgres_cluster.drop(url)


@ON_POSTGRESQL
def test_a_restore_reporting_progress_while_it_holds_the_write_lock_ends(
    admin: Actor, config: Config, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Found on a loaded CI box: a pg_restore slower than a second made the job store its progress, a write that
    waited for the write lock the restore itself held; the restore never ended and every change queued behind it.
    Here every poll of pg_restore would store progress."""
    monkeypatch.setattr(_postgres, "POLL_SECONDS", 0.01)
    monkeypatch.setattr(jobs_module, "PROGRESS_STORE_SECONDS", 0.0)
    name = backup_now(admin)
    job = restore(admin, name)
    assert job["status"] == "succeeded", job
    assert admin.post("/api/tasks", json={"title": "After the restore"}).status_code == 201
