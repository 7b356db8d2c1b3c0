"""The `devcell` command, run in process with click's CliRunner against a real data directory."""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path

import click
import pytest
from click.testing import CliRunner, Result
from starlette.applications import Starlette
from starlette.testclient import TestClient

from devcell import __version__
from devcell.cli import main
from devcell.core.db import close_database
from devcell.core.disk import MB
from devcell.core.migrations.runner import HEAD
from devcell.settings.registry import SETTINGS
from tests.serverproc import ServerProcess, free_port

PASSWORD = "long-password-123"
OTHER_PASSWORD = "another-password-456"
SETUP_CODE = re.compile(r"^[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}$")

Cli = Callable[..., Result]


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"  # the same directory as the shared `config` fixture uses


@pytest.fixture
def cli(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Cli]:
    """`devcell --data-dir DATA ...` in process; returns click's Result (exit code, stdout, stderr)."""
    for name in list(os.environ):
        if name.startswith("DEVCELL_") or name in ("KNOWLEDGEBASE_DIR", "LLM_ENDPOINT", "JWT_SECRET"):
            monkeypatch.delenv(name)
    runner = CliRunner()

    def run(*args: str, input: str | None = None) -> Result:
        return runner.invoke(main, ["--data-dir", str(data_dir), *args], input=input, catch_exceptions=False)

    yield run
    close_database()  # the CLI leaves this thread's connection open, as the server's threads do


def ok(result: Result) -> str:
    assert result.exit_code == 0, f"exit {result.exit_code}: {result.output}"
    return result.stdout


def failed(result: Result) -> str:
    """The command failed with exit code 1; returns its error output."""
    assert result.exit_code == 1, f"exit {result.exit_code}: {result.output}"
    return result.stderr


def create(cli: Cli, username: str, *flags: str, password: str = PASSWORD) -> Result:
    return cli("user", "create", *flags, username, "--password-stdin", input=password + "\n")


def users(cli: Cli) -> dict[str, tuple[str, str]]:
    """`user list` as {username: (role, active|inactive)}."""
    rows = [line.split("\t") for line in ok(cli("user", "list")).splitlines()]
    return {row[1]: (row[2], row[3]) for row in rows}


def _command_paths(group: click.Group, prefix: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    for name, command in sorted(group.commands.items()):
        yield (*prefix, name)
        if isinstance(command, click.Group):
            yield from _command_paths(command, (*prefix, name))


@pytest.mark.parametrize("path", [(), *_command_paths(main)], ids=lambda p: " ".join(p) or "devcell")
def test_help_exits_0(cli: Cli, path: tuple[str, ...]) -> None:
    output = ok(cli(*path, "--help"))
    assert output.startswith("Usage: ")


def test_every_documented_command_exists() -> None:
    names = {" ".join(path) for path in _command_paths(main)}
    documented = {"serve", "setup-code", "migrate", "check", "version", "snapshot"}
    documented |= {f"user {c}" for c in ("create", "list", "set-password", "deactivate", "activate")}
    documented |= {f"settings {c}" for c in ("list", "get", "set", "reset")}
    assert documented <= names


def _subcommand(args: list[str]) -> str | None:
    """The subcommand that `devcell ARGS` would run, from the group's own parsing (nothing is invoked)."""
    with main.make_context("devcell", args) as ctx:
        protected = ctx._protected_args  # click's non-deprecated home of the subcommand name
    return protected[0] if protected else None


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ([], "serve"),
        (["--data-dir", "/srv/devcell"], "serve"),
        (["--config", "/etc/devcell/devcell.env", "--data-dir=/srv/devcell"], "serve"),
        (["serve", "--port", "9001"], "serve"),
        (["--data-dir", "/srv/devcell", "user", "list"], "user"),
        (["version"], "version"),
    ],
)
def test_no_subcommand_means_serve(args: list[str], expected: str) -> None:
    assert _subcommand(args) == expected


def test_option_value_that_looks_like_a_command_still_means_serve() -> None:
    assert _subcommand(["--data-dir", "check"]) == "serve"


def test_help_is_not_taken_for_serve(cli: Cli) -> None:
    output = ok(cli("--help"))
    assert "Commands:" in output
    assert "Without a command, runs the server." in output


def test_version(cli: Cli) -> None:
    assert ok(cli("version")).strip() == __version__
    assert __version__ in ok(cli("--version"))


def test_setup_code_is_printed_and_stable(cli: Cli, data_dir: Path) -> None:
    first = ok(cli("setup-code")).strip()
    assert SETUP_CODE.match(first), first
    assert ok(cli("setup-code")).strip() == first
    assert (data_dir / "setup_code").stat().st_mode & 0o077 == 0


def test_setup_code_refused_once_an_admin_exists(cli: Cli, data_dir: Path) -> None:
    ok(cli("setup-code"))
    ok(create(cli, "root", "--admin"))
    assert not (data_dir / "setup_code").exists()  # creating an admin uses the code up
    assert "already set up" in failed(cli("setup-code"))


def test_user_create_admin(cli: Cli) -> None:
    assert ok(create(cli, "root", "--admin")).strip() == "created admin root (id 1)"
    assert users(cli) == {"root": ("admin", "active")}


def test_user_create_plain_user(cli: Cli) -> None:
    ok(create(cli, "root", "--admin"))
    assert ok(create(cli, "Alice")).startswith("created user alice ")  # names are stored lower-case
    assert users(cli)["alice"] == ("user", "active")


def test_user_create_prompts_twice_without_password_stdin(cli: Cli) -> None:
    result = cli("user", "create", "bob", input=f"{PASSWORD}\n{PASSWORD}\n")
    assert ok(result).strip().endswith("created user bob (id 1)")


def test_user_create_duplicate_fails(cli: Cli) -> None:
    ok(create(cli, "root", "--admin"))
    message = failed(create(cli, "root"))
    assert message.strip() == "devcell: The user name 'root' is already in use."


@pytest.mark.parametrize(
    ("password", "message"),
    [("short-1", "use at least 10 characters"), ("password123", "too easy to guess"), ("aaaaaaaaaaaa", "too easy")],
)
def test_user_create_weak_password_fails(cli: Cli, password: str, message: str) -> None:
    error = failed(create(cli, "root", "--admin", password=password))
    assert error.startswith("devcell: password: ")
    assert message in error
    assert "root" not in users(cli)


def test_user_create_bad_name_fails(cli: Cli) -> None:
    assert "username: " in failed(create(cli, "x"))


def test_user_list(cli: Cli) -> None:
    ok(create(cli, "root", "--admin"))
    ok(cli("user", "create", "bob", "--display-name", "Bob B", "--password-stdin", input=PASSWORD + "\n"))
    lines = ok(cli("user", "list")).splitlines()
    assert lines == ["2\tbob\tuser\tactive\tBob B", "1\troot\tadmin\tactive\t"]  # ordered by name


def _sign_in(app: Starlette, username: str, password: str) -> int:
    with TestClient(app) as browser:
        return browser.post("/api/auth/login", json={"username": username, "password": password}).status_code


def test_user_set_password(cli: Cli, app: Starlette) -> None:
    ok(create(cli, "root", "--admin"))
    output = ok(cli("user", "set-password", "root", "--password-stdin", input=OTHER_PASSWORD + "\n"))
    assert "password of root changed" in output
    assert _sign_in(app, "root", OTHER_PASSWORD) == 200
    assert _sign_in(app, "root", PASSWORD) == 401


def test_user_set_password_ends_sessions(cli: Cli, app: Starlette) -> None:
    ok(create(cli, "root", "--admin"))
    with TestClient(app) as browser:
        assert browser.post("/api/auth/login", json={"username": "root", "password": PASSWORD}).status_code == 200
        assert browser.get("/api/auth/me").status_code == 200
        ok(cli("user", "set-password", "root", "--password-stdin", input=OTHER_PASSWORD + "\n"))
        assert browser.get("/api/auth/me").status_code == 401


def test_user_set_password_refuses_weak_password(cli: Cli, app: Starlette) -> None:
    ok(create(cli, "root", "--admin"))
    assert "new_password: " in failed(cli("user", "set-password", "root", "--password-stdin", input="short\n"))
    assert _sign_in(app, "root", PASSWORD) == 200


def test_user_set_password_unknown_user(cli: Cli) -> None:
    error = failed(cli("user", "set-password", "ghost", "--password-stdin", input=OTHER_PASSWORD + "\n"))
    assert "there is no user 'ghost'" in error


def test_user_deactivate_and_activate(cli: Cli, app: Starlette) -> None:
    ok(create(cli, "root", "--admin"))
    ok(create(cli, "bob"))
    assert ok(cli("user", "deactivate", "bob")).strip() == "bob is now inactive"
    assert users(cli)["bob"] == ("user", "inactive")
    assert _sign_in(app, "bob", PASSWORD) == 401
    assert ok(cli("user", "activate", "bob")).strip() == "bob is now active"
    assert users(cli)["bob"] == ("user", "active")
    assert _sign_in(app, "bob", PASSWORD) == 200


def test_deactivating_the_last_admin_fails(cli: Cli) -> None:
    ok(create(cli, "root", "--admin"))
    assert "last active administrator" in failed(cli("user", "deactivate", "root"))
    assert users(cli)["root"] == ("admin", "active")


def test_deactivating_an_admin_works_while_another_remains(cli: Cli) -> None:
    ok(create(cli, "root", "--admin"))
    ok(create(cli, "second", "--admin"))
    ok(cli("user", "deactivate", "root"))
    assert "last active administrator" in failed(cli("user", "deactivate", "second"))


def test_user_deactivate_unknown_user(cli: Cli) -> None:
    assert "there is no user 'ghost'" in failed(cli("user", "deactivate", "ghost"))


def _settings(cli: Cli) -> dict[str, str]:
    lines = ok(cli("settings", "list")).splitlines()
    return {line.split(" = ", 1)[0]: line.split(" = ", 1)[1] for line in lines}


def test_settings_list_shows_every_setting_with_its_source(cli: Cli) -> None:
    listed = _settings(cli)
    assert set(listed) == {spec.key for spec in SETTINGS}
    assert listed["appliance_name"] == "DevCell  [default]"
    assert listed["llm_api_key"] == "(not set)  [default]"


def test_settings_get(cli: Cli) -> None:
    assert ok(cli("settings", "get", "appliance_name")) == "DevCell\n"
    assert ok(cli("settings", "get", "session_max_days")) == "30\n"


def test_settings_set_then_get_and_reset(cli: Cli) -> None:
    assert ok(cli("settings", "set", "appliance_name", "Lab Cell")).strip() == "appliance_name saved"
    assert ok(cli("settings", "get", "appliance_name")) == "Lab Cell\n"
    assert _settings(cli)["appliance_name"] == "Lab Cell  [saved]"
    ok(cli("settings", "set", "session_max_days", "7"))
    assert ok(cli("settings", "get", "session_max_days")) == "7\n"
    assert "reset to its default" in ok(cli("settings", "reset", "appliance_name"))
    assert _settings(cli)["appliance_name"] == "DevCell  [default]"


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("session_max_days", "0", "session_max_days: must be at least 1"),
        ("session_max_days", "soon", "session_max_days: must be a whole number"),
        ("registration", "maybe", "registration: must be one of: closed, open, invite"),
        ("llm_base_url", "ftp://x", "llm_base_url: must be an http:// or https:// URL"),
        ("time_zone", "Mars/Olympus", "time_zone: unknown time zone"),
    ],
)
def test_settings_set_bad_value_fails(cli: Cli, key: str, value: str, message: str) -> None:
    before = ok(cli("settings", "get", key))
    assert message in failed(cli("settings", "set", key, value))
    assert ok(cli("settings", "get", key)) == before


@pytest.mark.parametrize("command", [("get", "no_such"), ("set", "no_such", "1"), ("reset", "no_such")])
def test_settings_unknown_key_fails(cli: Cli, command: tuple[str, ...]) -> None:
    assert "no_such" in failed(cli("settings", *command))


def test_settings_secret_is_never_printed(cli: Cli) -> None:
    secret = "sk-very-secret-value-123"
    ok(cli("settings", "set", "llm_api_key", secret))
    listed = ok(cli("settings", "list"))
    assert "llm_api_key = (set)  [saved]" in listed
    assert secret not in listed
    result = cli("settings", "get", "llm_api_key")
    assert "is secret and is not printed" in failed(result)
    assert secret not in result.output


def test_settings_set_refuses_a_value_locked_by_the_environment(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DEVCELL_APPLIANCE_NAME", "From Env")
    assert _settings(cli)["appliance_name"] == "From Env  [environment]"
    assert "DEVCELL_APPLIANCE_NAME" in failed(cli("settings", "set", "appliance_name", "Other"))


def test_settings_set_backup_dir_refuses_a_missing_folder(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DEVCELL_PORT", str(free_port()))  # no service answers there
    message = failed(cli("settings", "set", "backup_dir", str(tmp_path / "unmounted")))
    assert "does not exist" in message
    assert "mounted" in message
    assert ok(cli("settings", "get", "backup_dir")).strip() == ""


def test_settings_set_backup_dir_without_a_service_says_who_tried_it(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DEVCELL_PORT", str(free_port()))
    result = cli("settings", "set", "backup_dir", str(tmp_path))
    assert ok(result).strip() == "backup_dir saved"
    assert "tried as this user only" in result.stderr


def test_settings_set_backup_dir_is_tried_by_the_running_service(
    cli: Cli, data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with ServerProcess(data_dir) as server:
        server.wait_ready(timeout=60)
        monkeypatch.setenv("DEVCELL_PORT", str(server.port))
        result = cli("settings", "set", "backup_dir", str(tmp_path))
        assert ok(result).strip() == "backup_dir saved"
        assert result.stderr == ""  # the service answered: no "tried as this user only"
        assert "does not exist" in failed(cli("settings", "set", "backup_dir", str(tmp_path / "gone")))


def _schema_version(database: Path) -> int:
    with contextlib.closing(sqlite3.connect(database)) as db:
        return int(db.execute("SELECT MAX(version) FROM schema_migration").fetchone()[0])


def test_migrate_creates_and_migrates_the_database(cli: Cli, data_dir: Path) -> None:
    assert ok(cli("migrate")).strip() == f"database is at schema version {HEAD}"
    assert _schema_version(data_dir / "devcell.db") == HEAD
    assert ok(cli("migrate")).strip() == f"database is at schema version {HEAD}"  # idempotent


def test_migrate_refuses_a_database_from_a_newer_devcell(cli: Cli, data_dir: Path) -> None:
    ok(cli("migrate"))
    with contextlib.closing(sqlite3.connect(data_dir / "devcell.db")) as db, db:
        db.execute("INSERT INTO schema_migration VALUES (?, 'future', '2100-01-01')", (HEAD + 1,))
    assert "used by a newer DevCell" in failed(cli("migrate"))


def test_snapshot_before_upgrade_copies_the_database_as_it_is(cli: Cli, data_dir: Path) -> None:
    ok(cli("migrate"))
    out = ok(cli("snapshot", "--before-upgrade-from", "0.5.0+20261205015500.abc1234"))
    made = sorted((data_dir / "snapshots").glob("devcell-upgrade-from-*.db"))
    assert [p.name.startswith("devcell-upgrade-from-0.5.0+20261205015500.abc1234-") for p in made] == [True]
    assert str(made[0]) in out
    assert _schema_version(made[0]) == HEAD  # a whole database, not a partial copy
    assert not list((data_dir / "snapshots").glob("*.partial"))


def test_snapshot_before_upgrade_keeps_the_newest_three(cli: Cli, data_dir: Path) -> None:
    ok(cli("migrate"))
    for n in range(5):
        ok(cli("snapshot", "--before-upgrade-from", f"0.{n}.0"))
    kept = sorted(p.name.split("-")[3] for p in (data_dir / "snapshots").glob("devcell-upgrade-from-*.db"))
    assert kept == ["0.2.0", "0.3.0", "0.4.0"]


def test_snapshot_before_upgrade_skips_the_same_version_and_a_missing_database(cli: Cli, data_dir: Path) -> None:
    assert "no database" in ok(cli("snapshot", "--before-upgrade-from", "0.1.0"))
    assert not (data_dir / "devcell.db").exists()  # never created (nor migrated) by the snapshot
    ok(cli("migrate"))
    assert "no snapshot needed" in ok(cli("snapshot", "--before-upgrade-from", __version__))
    assert not list((data_dir / "snapshots").glob("devcell-upgrade-from-*"))


def test_check_passes_on_a_fresh_data_dir(cli: Cli) -> None:
    output = ok(cli("check"))
    assert "FAIL" not in output
    assert f"ok   schema: version {HEAD} of {HEAD}" in output
    assert "ok   journal mode: wal" in output


def test_check_fails_on_a_world_readable_secret_key(cli: Cli, data_dir: Path) -> None:
    ok(cli("check"))
    (data_dir / "secret_key").chmod(0o644)
    result = cli("check")
    assert result.exit_code == 1
    assert re.search(r"^FAIL secret key: .*chmod 600", result.stdout, re.MULTILINE), result.stdout


def test_check_fails_on_a_world_readable_data_dir(cli: Cli, data_dir: Path) -> None:
    ok(cli("check"))
    data_dir.chmod(0o755)
    result = cli("check")
    assert result.exit_code == 1
    assert re.search(r"^FAIL data directory: .*chmod o-rwx", result.stdout, re.MULTILINE), result.stdout


def test_check_warns_near_the_disk_floor_and_fails_below_it(cli: Cli, data_dir: Path) -> None:
    """The floor is the setting the running service refuses changes at; a floor past what is free fails."""
    ok(cli("check"))
    free_mb = shutil.disk_usage(data_dir).free // MB
    ok(cli("settings", "set", "disk_floor_mb", str(free_mb * 2 // 3)))  # free is under twice the floor
    output = ok(cli("check"))
    assert re.search(r"^warn disk space: .*changes will be refused below", output, re.MULTILINE), output
    ok(cli("settings", "set", "disk_floor_mb", str(min(free_mb * 2, 1_000_000))))
    result = cli("check")
    assert result.exit_code == 1
    assert re.search(r"^FAIL disk space: .*changes are refused below .*du -sh", result.stdout, re.MULTILINE)


# devcell reindex (the hashing embedder: instant; tests/search/test_embedding.py covers the real model)


def _handbook(data_dir: Path, pages: dict[str, bytes]) -> None:
    folder = data_dir / "knowledgebase" / "handbook"
    folder.mkdir(parents=True, exist_ok=True)
    for name, content in pages.items():
        (folder / name).write_bytes(content)


def _vectors(data_dir: Path, model: str) -> int:
    from devcell.search._chunking import CHUNKER_VERSION
    from devcell.search._index import VectorIndex
    from devcell.search.embedding import load_embedder

    embedder = load_embedder(data_dir / "models", model)
    version = f"{model}/{embedder.dimension}/{CHUNKER_VERSION}"
    index = VectorIndex(data_dir / "index", model, embedder.dimension, version)
    try:
        return index.count()
    finally:
        index.close()


def _documents(data_dir: Path) -> list[tuple[str, str, int]]:
    with contextlib.closing(sqlite3.connect(data_dir / "devcell.db")) as db:
        rows = db.execute("SELECT title, status, chunk_count FROM document ORDER BY title").fetchall()
    return [(str(t), str(s), int(n)) for t, s, n in rows]


@pytest.fixture
def hashing(monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("DEVCELL_EMBEDDING_MODEL", "hashing-cli")
    return "hashing-cli"


def test_reindex_embeds_every_document_into_a_fresh_index(cli: Cli, data_dir: Path, hashing: str) -> None:
    ok(cli("migrate"))
    _handbook(data_dir, {"a.md": b"# Alpha\n\nThe first page.\n", "b.txt": b"The second page, in plain text.\n"})
    result = cli("reindex")
    assert ok(result).strip().startswith("2 of 2 document(s) indexed, 2 passages")
    steps = sorted(re.sub(r"\d of", "n of", line) for line in result.stderr.splitlines())
    # The Markdown file is titled by its first heading, the text file by its name.
    assert steps == ["Document n of 2 (Alpha) ...", "Document n of 2 (b.txt) ..."]
    assert _documents(data_dir) == [("Alpha", "indexed", 1), ("b.txt", "indexed", 1)]
    ok(cli("reindex"))  # again: the old vectors are gone, not doubled
    assert _vectors(data_dir, hashing) == 2


def test_reindex_is_a_tracked_job(cli: Cli, data_dir: Path, hashing: str) -> None:
    ok(cli("reindex"))
    with contextlib.closing(sqlite3.connect(data_dir / "devcell.db")) as db:
        assert db.execute("SELECT kind, status FROM job_run").fetchall() == [("knowledge.reindex", "succeeded")]


def test_reindex_exits_3_when_a_document_fails(cli: Cli, data_dir: Path, hashing: str) -> None:
    ok(cli("migrate"))
    _handbook(data_dir, {"good.md": b"# Good\n\nFine.\n", "bad.pdf": b"%PDF-1.4 this is not really a pdf"})
    result = cli("reindex")
    assert result.exit_code == 3, result.output
    assert "1 of 2 document(s) indexed" in result.stdout
    assert "failed: bad.pdf: " in result.stderr
    assert "1 document(s) could not be indexed" in result.stderr
    assert [(t, s) for t, s, _ in _documents(data_dir)] == [("Good", "indexed"), ("bad.pdf", "failed")]


def test_reindex_refuses_while_a_server_runs(cli: Cli, data_dir: Path, hashing: str) -> None:
    from devcell.core.scheduler import LOCK_FILE, ProcessLock

    ok(cli("migrate"))
    server = ProcessLock(data_dir / LOCK_FILE)  # what a running server holds
    assert server.acquire()
    try:
        message = failed(cli("reindex"))
    finally:
        server.release()
    assert "is running" in message
    assert "sudo systemctl stop devcell" in message
    assert not (data_dir / "index").exists()


def test_reindex_without_the_model_says_how_to_get_it(
    cli: Cli, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DEVCELL_EMBEDDING_MODEL", "no-such-model")
    message = failed(cli("reindex"))
    assert "The embedding model no-such-model is missing" in message
    assert "build.py models" in message
