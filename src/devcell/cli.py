"""The `devcell` command: serve (default), setup-code, user, settings, migrate, check, version."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any, NoReturn

import click
from pydantic import ValidationError

from devcell import __version__
from devcell.config import Config, ConfigError, from_environment, prepare_data_dir

EXIT_ERROR = 1


def fail(message: str, code: int = EXIT_ERROR) -> NoReturn:
    click.echo(f"devcell: {message}", err=True)
    sys.exit(code)


def _config(ctx: click.Context) -> Config:
    obj: dict[str, Any] = ctx.find_root().obj
    return obj["config"]  # type: ignore[no-any-return]


def _open(ctx: click.Context) -> Config:
    """Open and migrate the database for a command that works on it (safe beside the running service: WAL)."""
    from devcell.app import open_storage
    from devcell.core.db import database_problem, is_damage
    from devcell.core.errors import DevCellError
    from devcell.core.migrations.runner import MigrationFailed, SchemaTooNew

    config = _config(ctx)
    damaged = database_problem(config.database_path)
    if damaged is not None:
        fail(_damaged_message(damaged))
    try:
        open_storage(config)
    except (SchemaTooNew, MigrationFailed, ConfigError, DevCellError) as exc:
        fail(str(exc))
    except Exception as exc:
        if not is_damage(exc):
            raise
        fail(_damaged_message(str(exc)))
    except PermissionError as exc:
        fail(f"{exc}. Run this as the service user: sudo -u devcell devcell ...")
    return config


def _damaged_message(problem: str) -> str:
    return (
        f"the database is damaged ({problem}). Restore a backup: `devcell restore ARCHIVE` with the service stopped "
        "(the damaged files are kept in damaged/), or open the recovery page of the running service "
        "(code: `devcell recovery-code`)."
    )


class DefaultGroup(click.Group):
    """`devcell` with no subcommand means `devcell serve`."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if not self._names_a_command(args):
            args = [*args, "serve"]
        return super().parse_args(ctx, args)

    def _names_a_command(self, args: list[str]) -> bool:
        """True when the first argument that is not a group option (or its value) is present, or help is asked."""
        takes_value = {
            name
            for param in self.params
            if isinstance(param, click.Option) and not param.is_flag and not param.count
            for name in param.opts
        }
        skip_next = False
        for arg in args:
            if skip_next:
                skip_next = False
            elif arg in ("--help", "-h", "--version"):
                return True
            elif arg in takes_value:
                skip_next = True
            elif not arg.startswith("-"):
                return True
        return False


@click.group(cls=DefaultGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--config",
    "config_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Env file with DEVCELL_* settings (default when installed: /etc/devcell/devcell.env).",
)
@click.option(
    "--data-dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Data directory (default: /var/lib/devcell installed, ./var from a checkout).",
)
@click.version_option(__version__, prog_name="devcell")
@click.pass_context
def main(ctx: click.Context, config_file: Path | None, data_dir: Path | None) -> None:
    """DevCell: the self-hosted team platform. Without a command, runs the server."""
    # Every file the server or a command creates (database, WAL, logs, backups, uploads) is 0640 and every
    # directory 0750, whatever umask the shell, sudo or systemd handed over: team data is not world-readable.
    os.umask(0o027)
    try:
        config = from_environment(config_file=config_file, data_dir=data_dir)
    except ConfigError as exc:
        fail(str(exc))
    ctx.obj = {"config": config}


@main.command()
@click.option("--host", help="Address to listen on (default 0.0.0.0; 127.0.0.1 behind nginx).")
@click.option("--port", type=click.IntRange(1, 65535), help="Port to listen on (default 9000).")
@click.pass_context
def serve(ctx: click.Context, host: str | None, port: int | None) -> None:
    """Run the DevCell server (one process: web app, jobs and scheduler)."""
    from dataclasses import replace

    from devcell.core.logs import configure_logging
    from devcell.server import serve as run_server

    config = _config(ctx)
    config = replace(config, host=host or config.host, port=port or config.port)
    try:
        prepare_data_dir(config)
    except PermissionError as exc:
        fail(f"cannot create the data directory: {exc}")
    configure_logging(config.log_level, config.logs_dir)
    run_server(config)


@main.command("setup-code")
@click.pass_context
def setup_code(ctx: click.Context) -> None:
    """Print the one-time code that the first-run setup page asks for."""
    from devcell.accounts import _onboarding

    config = _open(ctx)
    if not _onboarding.needs_setup():
        fail(
            "DevCell is already set up; sign in with an administrator account "
            "(or create one with: devcell user create --admin NAME)."
        )
    click.echo(_onboarding.ensure_setup_code(config.data_dir))


@main.command("recovery-code")
@click.pass_context
def recovery_code(ctx: click.Context) -> None:
    """Print the one-time code that the recovery page asks for while the database cannot be opened."""
    from devcell.core import onetime
    from devcell.core.db import database_problem
    from devcell.recovery.service import recovery_code_path

    config = _config(ctx)
    path = recovery_code_path(config.data_dir)
    if not path.is_file() and database_problem(config.database_path) is None:
        fail("the database opens, so there is nothing to recover; sign in as usual (or see `devcell check`).")
    click.echo(onetime.ensure_code(path))


@main.command()
@click.pass_context
def migrate(ctx: click.Context) -> None:
    """Apply pending database migrations (the server also does this at start)."""
    from devcell.core.migrations.runner import HEAD

    _open(ctx)
    click.echo(f"database is at schema version {HEAD}")


@main.command()
def version() -> None:
    """Print the DevCell version."""
    click.echo(__version__)


def _errors(exc: ValidationError) -> str:
    return "; ".join(f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors(include_url=False))


def _password(password_stdin: bool) -> str:
    if password_stdin:
        return sys.stdin.readline().rstrip("\n")
    value: str = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    return value


from devcell import cli_commands  # noqa: E402,F401  (registers the user, settings and check groups)
