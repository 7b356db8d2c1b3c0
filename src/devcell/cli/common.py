"""What every command shares: the config from the root group, opening the database, failing with a message."""

from __future__ import annotations

import sys
from typing import Any, NoReturn

import click
from pydantic import ValidationError

from devcell.core.config import Config, ConfigError
from devcell.core.errors import DevCellError
from devcell.core.field_errors import field_errors

EXIT_ERROR = 1


def fail(message: str, code: int = EXIT_ERROR) -> NoReturn:
    click.echo(f"devcell: {message}", err=True)
    sys.exit(code)


def config_of(ctx: click.Context) -> Config:
    obj: dict[str, Any] = ctx.find_root().obj
    return obj["config"]  # type: ignore[no-any-return]


def open_database(ctx: click.Context) -> Config:
    """Open and migrate the database for a command that works on it (safe beside the running service: WAL)."""
    from devcell.app import open_storage
    from devcell.core.db import DatabaseUnreachable, database_problem, is_damage
    from devcell.core.migrations.runner import MigrationFailed, SchemaTooNew

    config = config_of(ctx)
    damaged = None if config.uses_postgresql else database_problem(config.database_path)
    if damaged is not None:
        fail(damaged_message(damaged))
    try:
        open_storage(config)
    except (SchemaTooNew, MigrationFailed, ConfigError, DevCellError, DatabaseUnreachable) as exc:
        fail(str(exc))
    except PermissionError as exc:  # before Exception, which would take it first
        fail(f"{exc}. Run this as the service user: sudo -u devcell devcell ...")
    except Exception as exc:
        if not is_damage(exc):
            raise
        fail(damaged_message(str(exc)))
    return config


def damaged_message(problem: str) -> str:
    return (
        f"the database is damaged ({problem}). Restore a backup: `devcell restore ARCHIVE` with the service stopped "
        "(the damaged files are kept in damaged/), or open the recovery page of the running service "
        "(code: `devcell recovery-code`)."
    )


def validation_errors(exc: ValidationError) -> str:
    """Every problem, in the same plain words as the API's 422 ("password: use at least 10 characters")."""
    found = field_errors(exc, lambda loc: ".".join(str(part) for part in loc))
    return "; ".join(f"{error['field']}: {error['message']}" for error in found)


def read_password(password_stdin: bool) -> str:
    if password_stdin:
        return sys.stdin.readline().rstrip("\n")
    value: str = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    return value


def settings_store(ctx: click.Context):  # type: ignore[no-untyped-def]
    from devcell.settings.service import SettingsStore

    config = open_database(ctx)
    store = SettingsStore(config.setting_overrides())
    store.refresh(force=True)
    return store
