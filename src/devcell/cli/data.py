"""`devcell check`, `backup`, `restore` and `reindex`: the commands that look after the data."""

from __future__ import annotations

import sqlite3
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from devcell.cli.common import config_of, fail, settings_store
from devcell.core.config import prepare_data_dir
from devcell.core.errors import DevCellError

if TYPE_CHECKING:
    from devcell.core.scheduler import ProcessLock


@click.command()
@click.pass_context
def check(ctx: click.Context) -> None:
    """Self-check: paths, permissions, versions, database state. Exit code 1 when something is wrong."""
    from devcell.app import open_storage
    from devcell.core.db import DatabaseUnreachable, database_problem
    from devcell.health.selfcheck import run_selfcheck
    from devcell.settings.service import SettingsStore

    config = config_of(ctx)
    problem = None if config.uses_postgresql else database_problem(config.database_path)
    if problem is None:
        try:
            open_storage(config)
        except DatabaseUnreachable as exc:
            problem = str(exc)
        except Exception as exc:  # reported as a failed check below, never as a traceback
            problem = f"{type(exc).__name__}: {exc}"
    # An unreadable database leaves the environment and the defaults (salvaged={} never reads it).
    settings = SettingsStore(config.setting_overrides(), None if problem is None else {})
    ok = True
    for line in run_selfcheck(config, problem, settings.get_int("disk_floor_mb")):
        status = "FAIL" if not line.ok else "warn" if line.warning else "ok  "
        click.echo(f"{status} {line.name}: {line.message}")
        ok = ok and line.ok
    if not ok:
        raise SystemExit(1)


def _backups(ctx: click.Context, to: Path | None = None, migrate: bool = True):  # type: ignore[no-untyped-def]
    from devcell.backups.service import Backups
    from devcell.core.db import init_database

    if migrate:
        store = settings_store(ctx)
        config = config_of(ctx)
    else:
        # A restore must work even when today's database no longer opens or migrates (disaster recovery).
        config = config_of(ctx)
        prepare_data_dir(config)
        init_database(config.database_target)
        store = None

    def setting(key: str) -> object:
        if key == "backup_dir" and to is not None:
            return str(to.absolute())
        if store is None:
            from devcell.settings.registry import BY_KEY

            return BY_KEY[key].default
        return store.get(key)

    return Backups(
        config.data_dir,
        config.kb_dir,
        setting,
        embedding_model=config.embedding_model,
        database_url=config.database_url,
    )


def _printer() -> Callable[[int, int, str], None]:
    last: list[str] = [""]

    def progress(done: int, total: int, message: str) -> None:
        if message != last[0]:
            click.echo(message + " ...", err=True)
            last[0] = message

    return progress


def _check_target(directory: Path) -> None:
    """An existing directory this process can write, or a clear message. A missing one is not created: a folder on
    a USB disk that is not mounted would otherwise be made, and filled, on the SD card."""
    if not directory.is_dir():
        fail(f"{directory} does not exist. Create the folder (or mount the disk) first, then run the backup again.")
    try:
        with tempfile.NamedTemporaryFile(dir=directory, prefix=".devcell-write-check-"):
            pass
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        fail(f"cannot write to {directory} ({reason}). Choose a folder this user can write to.")


@click.command()
@click.option("--to", type=click.Path(file_okay=False, path_type=Path), help="Directory for the archive.")
@click.option("--verify/--no-verify", default=True, show_default=True, help="Test-restore the archive afterwards.")
@click.pass_context
def backup(ctx: click.Context, to: Path | None, verify: bool) -> None:
    """Back up the database and knowledgebase into one archive (safe while the service runs). A person asked,
    so it is a manual backup (named ...-manual.tar.gz) that retention never removes."""
    if to is not None:
        _check_target(to)
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


@click.command()
@click.option(
    "--before-upgrade-from",
    "from_version",
    required=True,
    metavar="VERSION",
    help="The version being upgraded from (the package's postinst passes it).",
)
@click.pass_context
def snapshot(ctx: click.Context, from_version: str) -> None:
    """Copy the database into <data>/snapshots/ before an upgrade (the newest 3 are kept). Run by the package's
    postinst with the service stopped; nothing happens when the version does not change."""
    from devcell import __version__
    from devcell.backups.upgrade import KEEP_UPGRADE_SNAPSHOTS, snapshot_before_upgrade

    if from_version == __version__:
        click.echo(f"DevCell: still version {__version__}, no snapshot needed.")
        return
    config = config_of(ctx)
    try:
        made = snapshot_before_upgrade(config.database_path, config.snapshots_dir, from_version)
    except (OSError, sqlite3.Error) as exc:
        fail(f"cannot snapshot {config.database_path} into {config.snapshots_dir}: {exc}")
    if made is None:
        click.echo(f"DevCell: no database in {config.data_dir} yet, so no snapshot before the upgrade.")
        return
    click.echo(
        f"DevCell: snapshot of the database before the upgrade from {from_version}: {made} "
        f"(the newest {KEEP_UPGRADE_SNAPSHOTS} are kept)."
    )


def _refuse_if_served(ctx: click.Context, then: str) -> ProcessLock:
    """Refuse while a server holds the data directory, and hold it ourselves until this process exits, so none
    starts in the middle; `then` says what to do once it is stopped."""
    from devcell.core.scheduler import LOCK_FILE, ProcessLock

    config = config_of(ctx)
    prepare_data_dir(config)
    lock = ProcessLock(config.data_dir / LOCK_FILE)
    if not lock.acquire():
        fail(
            f"a DevCell server (pid {lock.holder()}) is running on {config.data_dir}. Stop it first "
            f"(sudo systemctl stop devcell), {then}"
        )
    return lock


def _refuse_if_cluster_serves(ctx: click.Context) -> None:
    """On PostgreSQL, servers on other hosts share the database: the data directory's lock cannot see them, their
    heartbeats can."""
    if not config_of(ctx).uses_postgresql:
        return
    from devcell.core.processes import live_processes

    try:
        serving = live_processes()
    except Exception:  # a database too old or too broken for the process list is what a restore is for
        return
    if serving:
        names = ", ".join(row.name for row in serving)
        fail(
            f"{len(serving)} DevCell process(es) serve this database ({names}). Stop them all first, run the "
            "restore again, then start them. Or restore from the System page of a running one."
        )


@click.command()
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
    lock = _refuse_if_served(
        ctx,
        "run the restore again, then start it (sudo systemctl start devcell). Or restore from the System page of "
        "the running server (its recovery page when the database is damaged).",
    )
    if not yes:
        click.confirm(f"Replace every user, task and document with the contents of {archive.name}?", abort=True)
    backups = _backups(ctx, migrate=False)
    _refuse_if_cluster_serves(ctx)
    try:
        result = backups.restore(archive.absolute(), _printer(), safety=not no_safety_backup)
    except DevCellError as exc:
        fail(exc.message)
    if result["safety_backup"]:
        click.echo(f"safety backup of the previous data: {backups.directory().path / result['safety_backup']}")
    if result.get("damaged_kept"):
        kept = config_of(ctx).data_dir / result["damaged_kept"]
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

    config = config_of(ctx)
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
    from devcell.search import runtime
    from devcell.search.embedding import ModelMissing

    store = settings_store(ctx)
    runner = JobRunner(1)
    kn = runtime.from_config(config_of(ctx), store, runner)
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


@click.command()
@click.pass_context
def reindex(ctx: click.Context) -> None:
    """Embed every knowledgebase document again into a fresh vector index, after a scan of the knowledgebase
    directory (e.g. after replacing the model, or to be sure). The service must be stopped. Exit code 0: all
    indexed; 3: some documents failed (listed, each keeps its reason); 1: it could not run or was cancelled."""
    from devcell.search import indexing

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


def _target_url(url: str) -> str:
    """The target's URL in the form the database layer opens (postgres:// is the same scheme), or a usage error."""
    scheme, sep, rest = url.partition("://")
    if not sep or scheme not in ("postgresql", "postgres"):
        raise click.BadParameter("must start with postgresql:// (e.g. postgresql://devcell:PASSWORD@db.lan/devcell)")
    if not rest.split("?", 1)[0].partition("/")[2].strip("/"):
        raise click.BadParameter("names no database (e.g. postgresql://devcell:PASSWORD@db.lan/devcell)")
    return "postgresql://" + rest


def _print_copy(report: Any) -> None:
    width = max(len(t.table) for t in report.tables)
    click.echo(f"{'table':<{width}}  {'sqlite':>10}  {'postgresql':>10}  checksum")
    for t in report.tables:
        click.echo(
            f"{t.table:<{width}}  {t.source_rows:>10,}  {t.target_rows:>10,}  {'equal' if t.equal else 'DIFFERS'}"
        )


@click.command("migrate-to")
@click.argument("url", metavar="URL")
@click.pass_context
def migrate_to(ctx: click.Context, url: str) -> None:
    """Copy this appliance's SQLite data into an EMPTY PostgreSQL database (URL: postgresql://user:password@host/name)
    and prove the copy: row counts and a checksum per table, equal on both sides. The service must be stopped; the
    copy is one transaction, so a failure leaves the target without data. The vector index is not copied: DevCell
    rebuilds it on first start with the new configuration. Then set DEVCELL_DATABASE_URL and start DevCell."""
    from peewee import DatabaseError

    from devcell.cli import migrate_to as copy
    from devcell.core.config import redacted_url
    from devcell.core.db import close_database, init_database
    from devcell.core.migrations.runner import MigrationFailed, SchemaTooNew

    target = _target_url(url)
    shown = redacted_url(target)
    config = config_of(ctx)
    # A server writing to the SQLite file during the copy would leave its last writes behind.
    lock = _refuse_if_served(
        ctx,
        "run `devcell migrate-to` again, then configure DEVCELL_DATABASE_URL and start it "
        "(sudo systemctl start devcell).",
    )
    source = None
    try:
        source = copy.open_source(config.database_path)
        init_database(target)
        click.echo(f"copying {config.database_path} into {shown} ...", err=True)
        copy.prepare_target(config.database_path, config.snapshots_dir)
        report = copy.copy_into_open_target(source)
    except (copy.CopyRefused, copy.CopyFailed, SchemaTooNew, MigrationFailed) as exc:
        rolled_back = " (rolled back: the target holds no DevCell data)" if isinstance(exc, copy.CopyFailed) else ""
        fail(f"{exc}{rolled_back}")
    except DatabaseError as exc:
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        fail(f"cannot use the target database {shown}: {reason}")
    finally:
        if source is not None:
            source.close()
        close_database()
        lock.release()
    _print_copy(report)
    click.echo(f"copied {report.rows:,} rows in {len(report.tables)} tables in {report.seconds} s: checksums equal")
    click.echo(
        "the vector index is not copied: DevCell rebuilds it in the background on first start with the new "
        "configuration (on the Chroma server when DEVCELL_CHROMA_URL is set)"
    )
    click.echo(
        f"next: set DEVCELL_DATABASE_URL={shown} in the configuration (/etc/devcell/devcell.env), then start DevCell"
    )
