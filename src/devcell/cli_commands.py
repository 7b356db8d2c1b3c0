"""`devcell user ...`, `devcell settings ...`, `devcell check`, `devcell backup` and `devcell restore`."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import click
from pydantic import ValidationError

from devcell.cli import _config, _errors, _open, _password, fail, main
from devcell.config import prepare_data_dir
from devcell.core.errors import DevCellError


@main.group()
def user() -> None:
    """Manage user accounts."""


@user.command("create")
@click.argument("username")
@click.option("--admin", is_flag=True, help="Make the user an administrator.")
@click.option("--display-name", default="", help="Name shown in the UI.")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input (for scripts).")
@click.pass_context
def user_create(ctx: click.Context, username: str, admin: bool, display_name: str, password_stdin: bool) -> None:
    """Create a user (the CLI alternative to the first-run setup page when used with --admin)."""
    from devcell.accounts import _onboarding, service
    from devcell.accounts.schemas import UserCreate

    config = _open(ctx)
    try:
        data = UserCreate(
            username=username,
            password=_password(password_stdin),
            role="admin" if admin else "user",
            display_name=display_name,
        )
        created = service.create_user(data)
    except ValidationError as exc:
        fail(_errors(exc))
    except DevCellError as exc:
        fail(exc.message)
    if admin:
        _onboarding.discard_setup_code(config.data_dir)
    click.echo(f"created {created.role} {created.username} (id {created.id})")


@user.command("list")
@click.pass_context
def user_list(ctx: click.Context) -> None:
    """List users."""
    from devcell.accounts import service
    from devcell.accounts.schemas import UserQuery

    _open(ctx)
    page = service.list_users(UserQuery(limit=200))
    for item in page.items:
        state = "active" if item.active else "inactive"
        click.echo(f"{item.id}\t{item.username}\t{item.role}\t{state}\t{item.display_name}")


def _user_id(username: str) -> int:
    from devcell.accounts import service

    user_id = service.find_user_id(username)
    if user_id is None:
        fail(f"there is no user {username!r}")
    return user_id


@user.command("set-password")
@click.argument("username")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input (for scripts).")
@click.pass_context
def user_set_password(ctx: click.Context, username: str, password_stdin: bool) -> None:
    """Set a user's password and sign them out everywhere."""
    from devcell.accounts import service
    from devcell.accounts.schemas import PasswordReset

    _open(ctx)
    user_id = _user_id(username)
    try:
        data = PasswordReset(new_password=_password(password_stdin))
    except ValidationError as exc:
        fail(_errors(exc))
    service.reset_password(user_id, data.new_password)
    click.echo(f"password of {username} changed; their sessions were ended")


def _set_active(ctx: click.Context, username: str, active: bool) -> None:
    from devcell.accounts import service
    from devcell.accounts.schemas import AdminUserPatch

    _open(ctx)
    try:
        service.admin_update_user(_user_id(username), AdminUserPatch(active=active))
    except DevCellError as exc:
        fail(exc.message)
    click.echo(f"{username} is now {'active' if active else 'inactive'}")


@user.command("deactivate")
@click.argument("username")
@click.pass_context
def user_deactivate(ctx: click.Context, username: str) -> None:
    """Deactivate a user (they cannot sign in; their data stays)."""
    _set_active(ctx, username, False)


@user.command("activate")
@click.argument("username")
@click.pass_context
def user_activate(ctx: click.Context, username: str) -> None:
    """Reactivate a deactivated user."""
    _set_active(ctx, username, True)


@main.group()
def settings() -> None:
    """Read and change runtime settings (the same ones as the settings page)."""


def _store(ctx: click.Context):  # type: ignore[no-untyped-def]
    from devcell.settings.service import SettingsStore

    config = _open(ctx)
    store = SettingsStore(config.setting_overrides())
    store.refresh(force=True)
    return store


@settings.command("list")
@click.pass_context
def settings_list(ctx: click.Context) -> None:
    """Show every setting with its value and where the value comes from."""
    for item in _store(ctx).describe().items:
        value = ("(set)" if item.is_set else "(not set)") if item.secret else item.value
        click.echo(f"{item.key} = {value!s}  [{item.source}]")


@settings.command("get")
@click.argument("key")
@click.pass_context
def settings_get(ctx: click.Context, key: str) -> None:
    """Print one setting's effective value."""
    from devcell.settings.registry import BY_KEY

    if key not in BY_KEY:
        fail(f"unknown setting {key!r}; see `devcell settings list`")
    store = _store(ctx)
    if BY_KEY[key].secret:
        fail(f"{key} is secret and is not printed")
    click.echo(store.get(key))


@settings.command("set")
@click.argument("key")
@click.argument("value")
@click.pass_context
def settings_set(ctx: click.Context, key: str, value: str) -> None:
    """Save a setting (a running server applies it within seconds). Use `settings reset` for the default."""
    store = _store(ctx)
    try:
        store.save({key: value}, None)
    except DevCellError as exc:
        fail(exc.message)
    click.echo(f"{key} saved")


@settings.command("reset")
@click.argument("key")
@click.pass_context
def settings_reset(ctx: click.Context, key: str) -> None:
    """Forget a saved value so the default applies again."""
    store = _store(ctx)
    try:
        store.save({key: None}, None)
    except DevCellError as exc:
        fail(exc.message)
    click.echo(f"{key} reset to its default")


@main.command()
@click.pass_context
def check(ctx: click.Context) -> None:
    """Self-check: paths, permissions, versions, database state. Exit code 1 when something is wrong."""
    from devcell.app import open_storage
    from devcell.core.db import database_problem
    from devcell.system.selfcheck import run_selfcheck

    config = _config(ctx)
    problem = database_problem(config.database_path)
    if problem is None:
        try:
            open_storage(config)
        except Exception as exc:  # reported as a failed check below, never as a traceback
            problem = f"{type(exc).__name__}: {exc}"
    ok = True
    for line in run_selfcheck(config, problem):
        click.echo(f"{'ok  ' if line.ok else 'FAIL'} {line.name}: {line.message}")
        ok = ok and line.ok
    if not ok:
        raise SystemExit(1)


def _backups(ctx: click.Context, to: Path | None = None, migrate: bool = True):  # type: ignore[no-untyped-def]
    from devcell.backups.service import Backups
    from devcell.core.db import init_database

    if migrate:
        store = _store(ctx)
        config = _config(ctx)
    else:
        # A restore must work even when today's database no longer opens or migrates (disaster recovery).
        config = _config(ctx)
        prepare_data_dir(config)
        init_database(config.database_path)
        store = None

    def setting(key: str) -> object:
        if key == "backup_dir" and to is not None:
            return str(to.absolute())
        if store is None:
            from devcell.settings.registry import BY_KEY

            return BY_KEY[key].default
        return store.get(key)

    return Backups(config.data_dir, config.kb_dir, setting, embedding_model=config.embedding_model)


def _printer() -> Callable[[int, int, str], None]:
    last: list[str] = [""]

    def progress(done: int, total: int, message: str) -> None:
        if message != last[0]:
            click.echo(message + " ...", err=True)
            last[0] = message

    return progress


@main.command()
@click.option("--to", type=click.Path(file_okay=False, path_type=Path), help="Directory for the archive.")
@click.option("--verify/--no-verify", default=True, show_default=True, help="Test-restore the archive afterwards.")
@click.pass_context
def backup(ctx: click.Context, to: Path | None, verify: bool) -> None:
    """Back up the database and knowledgebase into one archive (safe while the service runs). A person asked,
    so it is a manual backup (named ...-manual.tar.gz) that retention never removes."""
    backups = _backups(ctx, to)
    try:
        made = backups.create("manual", _printer())
        checked = backups.verify(made["name"], _printer()) if verify else None
    except DevCellError as exc:
        fail(exc.message)
    click.echo(f"{backups.directory().path / made['name']}\t{made['size']} bytes\t{made['seconds']} s")
    if checked is not None:
        if not checked["ok"]:
            fail("the new backup failed verification: " + " ".join(checked["problems"]))
        click.echo(f"verified in {checked['seconds']} s")


def _refuse_if_served(ctx: click.Context) -> object:
    from devcell.core.scheduler import LOCK_FILE, ProcessLock

    config = _config(ctx)
    prepare_data_dir(config)
    lock = ProcessLock(config.data_dir / LOCK_FILE)
    if not lock.acquire():
        fail(
            f"a DevCell server (pid {lock.holder()}) is running on {config.data_dir}. Stop it first "
            "(sudo systemctl stop devcell), run the restore again, then start it (sudo systemctl start devcell). "
            "Or restore from the System page of the running server (its recovery page when the database is damaged)."
        )
    return lock  # held until the process exits, so no server starts in the middle of the restore


@main.command()
@click.argument("archive", type=click.Path(dir_okay=False, exists=True, path_type=Path))
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@click.option(
    "--no-safety-backup",
    is_flag=True,
    help="Skip the safety backup of today's data. Not needed for a damaged database: its files are copied aside.",
)
@click.pass_context
def restore(ctx: click.Context, archive: Path, yes: bool, no_safety_backup: bool) -> None:
    """Replace all data with a backup archive's. The service must be stopped."""
    lock = _refuse_if_served(ctx)
    if not yes:
        click.confirm(f"Replace every user, task and document with the contents of {archive.name}?", abort=True)
    backups = _backups(ctx, migrate=False)
    try:
        result = backups.restore(archive.absolute(), _printer(), safety=not no_safety_backup)
    except DevCellError as exc:
        fail(exc.message)
    if result["safety_backup"]:
        click.echo(f"safety backup of the previous data: {backups.directory().path / result['safety_backup']}")
    if result.get("damaged_kept"):
        kept = _config(ctx).data_dir / result["damaged_kept"]
        click.echo(f"the previous database was damaged ({result['damage']}); its files are kept in {kept}")
    click.echo(
        f"restored {archive.name} (made {result['created_at']} by DevCell {result['app_version']}, schema "
        f"{result['schema_from']} -> {result['schema_to']}) in {result['seconds']} s"
    )
    click.echo("the knowledge index is checked when DevCell starts, and rebuilt in the background if needed")
    del lock


EXIT_SOME_FAILED = 3  # `devcell reindex`: it ran, but some documents could not be indexed (each has its reason)


def _refuse_while_served(ctx: click.Context, command: str) -> Any:
    """The server owns the vector index (one process owns the data): refuse while one holds the data directory."""
    from devcell.core.scheduler import LOCK_FILE, ProcessLock

    config = _config(ctx)
    prepare_data_dir(config)
    lock = ProcessLock(config.data_dir / LOCK_FILE)
    if not lock.acquire():
        fail(
            f"a DevCell server (pid {lock.holder()}) is running on {config.data_dir}. Stop it first "
            f"(sudo systemctl stop devcell), run `devcell {command}` again, then start it "
            "(sudo systemctl start devcell). A running server repairs its index by itself; one document can be "
            "indexed again with Retry on the Knowledge page."
        )
    return lock  # held until the command ends, so no server starts in the middle


class _Echo:
    """A job's progress that also prints each step it reaches (the document, in `devcell reindex`) to stderr."""

    def __init__(self, ctx: Any) -> None:
        self.ctx = ctx
        self.shown = ""

    def progress(self, done: int, total: int | None = None, message: str | None = None) -> None:
        self.ctx.progress(done, total, message)
        step = (message or "").split(": ", 1)[0]
        if step and step != self.shown and step != "Done":
            click.echo(step + " ...", err=True)
            self.shown = step

    def check_cancelled(self) -> None:
        self.ctx.check_cancelled()


def _wait(runner: Any, job_id: str) -> Any:
    """The job's final snapshot; Ctrl-C cancels it at its next safe point."""
    import time

    try:
        while not (snap := runner.get(job_id)).finished:
            time.sleep(0.1)
    except KeyboardInterrupt:
        click.echo("cancelling after the current step ...", err=True)
        runner.cancel(job_id)
        while not (snap := runner.get(job_id)).finished:
            time.sleep(0.1)
    return snap


def _reindex(ctx: click.Context, work: Callable[[Any, Any], Any]) -> Any:
    from devcell.core.jobs import JobRunner
    from devcell.knowledge import runtime
    from devcell.knowledge.embedding import ModelMissing

    store = _store(ctx)
    runner = JobRunner(1)
    kn = runtime.from_config(_config(ctx), store, runner)
    try:
        kn.embedder()
    except ModelMissing as exc:
        fail(exc.message)
    try:
        job = runner.submit("knowledge.reindex", "Re-index the whole knowledgebase", lambda c: work(kn, _Echo(c)))
        return _wait(runner, job.id)
    finally:
        runner.shutdown()
        kn.close()


@main.command()
@click.pass_context
def reindex(ctx: click.Context) -> None:
    """Embed every knowledgebase document again into a fresh vector index, after a scan of the knowledgebase
    directory (e.g. after replacing the model, or to be sure). The service must be stopped. Exit code 0: all
    indexed; 3: some documents failed (listed, each keeps its reason); 1: it could not run or was cancelled."""
    from devcell.knowledge import indexing

    lock = _refuse_while_served(ctx, "reindex")
    try:
        snap = _reindex(ctx, indexing.reindex_all)
    finally:
        lock.release()
    if snap.status == "cancelled":
        fail("cancelled; the documents not yet indexed are indexed when the service starts.")
    if snap.status != "succeeded":
        fail(f"re-indexing failed: {snap.error}")
    result = snap.result
    click.echo(
        f"{result['indexed']} of {result['documents']} document(s) indexed, {result['chunks']} passages, "
        f"in {result['seconds']} s"
    )
    if result["failed"]:
        for line in result["failures"]:
            click.echo(f"failed: {line}", err=True)
        fail(f"{result['failed']} document(s) could not be indexed; each shows its reason.", EXIT_SOME_FAILED)
