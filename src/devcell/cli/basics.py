"""`devcell serve` (the default), `setup-code`, `recovery-code`, `migrate` and `version`."""

from __future__ import annotations

import click

from devcell import __version__
from devcell.cli.common import config_of, fail, open_database
from devcell.core.config import prepare_data_dir


@click.command()
@click.option("--host", help="Address to listen on (default 0.0.0.0; 127.0.0.1 behind nginx).")
@click.option("--port", type=click.IntRange(1, 65535), help="Port to listen on (default 9000).")
@click.pass_context
def serve(ctx: click.Context, host: str | None, port: int | None) -> None:
    """Run the DevCell server (one process: web app, jobs and scheduler)."""
    from dataclasses import replace

    from devcell.core.logs import configure_logging
    from devcell.server import serve as run_server

    config = config_of(ctx)
    config = replace(config, host=host or config.host, port=port or config.port)
    try:
        prepare_data_dir(config)
    except PermissionError as exc:
        fail(f"cannot create the data directory: {exc}")
    configure_logging(config.log_level, config.logs_dir)
    run_server(config)


@click.command("setup-code")
@click.pass_context
def setup_code(ctx: click.Context) -> None:
    """Print the one-time code that the first-run setup page asks for."""
    from devcell.accounts import service as accounts

    config = open_database(ctx)
    if not accounts.needs_setup():
        fail(
            "DevCell is already set up; sign in with an administrator account "
            "(or create one with: devcell user create --admin NAME)."
        )
    click.echo(accounts.ensure_setup_code(config.data_dir))


@click.command("recovery-code")
@click.pass_context
def recovery_code(ctx: click.Context) -> None:
    """Print the one-time code that the recovery page asks for while the database cannot be opened."""
    from devcell.core import onetime
    from devcell.core.db import database_problem
    from devcell.recovery.service import recovery_code_path

    config = config_of(ctx)
    path = recovery_code_path(config.data_dir)
    if not path.is_file() and database_problem(config.database_path) is None:
        fail("the database opens, so there is nothing to recover; sign in as usual (or see `devcell check`).")
    click.echo(onetime.ensure_code(path))


@click.command()
@click.pass_context
def migrate(ctx: click.Context) -> None:
    """Apply pending database migrations (the server also does this at start)."""
    from devcell.core.migrations.runner import HEAD

    open_database(ctx)
    click.echo(f"database is at schema version {HEAD}")


@click.command()
def version() -> None:
    """Print the DevCell version."""
    click.echo(__version__)


@click.command("knowledge-worker", hidden=True)
@click.option("--fds", required=True, help="The server's connections: file descriptors, comma-separated.")
def knowledge_worker(fds: str) -> None:
    """The server starts this itself: the embedding model and the vector index in a process of their own, which
    exits when the knowledgebase is idle (DEVCELL_KNOWLEDGE_WORKER). Not for people to run."""
    from devcell.search.worker import main as run_worker

    try:
        numbers = [int(fd) for fd in fds.split(",")]
    except ValueError:
        fail(f"--fds {fds!r} is not a list of file descriptors")
    run_worker(numbers)
