"""`devcell settings list|get|set|reset`: the same settings as the settings page."""

from __future__ import annotations

from pathlib import Path

import click

from devcell.cli.common import config_of, fail, settings_store
from devcell.core.config import Config
from devcell.core.errors import DevCellError


@click.group()
def settings() -> None:
    """Read and change runtime settings (the same ones as the settings page)."""


@settings.command("list")
@click.pass_context
def settings_list(ctx: click.Context) -> None:
    """Show every setting with its value and where the value comes from."""
    for item in settings_store(ctx).describe().items:
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
    store = settings_store(ctx)
    if BY_KEY[key].secret:
        fail(f"{key} is secret and is not printed")
    click.echo(store.get(key))


@settings.command("set")
@click.argument("key")
@click.argument("value")
@click.pass_context
def settings_set(ctx: click.Context, key: str, value: str) -> None:
    """Save a setting (a running server applies it within seconds). Use `settings reset` for the default."""
    store = settings_store(ctx)
    if key == "backup_dir" and value:
        _check_backup_folder(ctx, value)
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
    store = settings_store(ctx)
    try:
        store.save({key: None}, None)
    except DevCellError as exc:
        fail(exc.message)
    click.echo(f"{key} reset to its default")


def _check_backup_folder(ctx: click.Context, folder: str) -> None:
    """The running service tries the folder (its sandbox decides, not this command's user); when no service
    answers, this process tries it and says that the service may still be refused."""
    from devcell.backups.folders import folder_problem

    config = config_of(ctx)
    answer = _ask_service(config, folder)
    if answer is None:
        problem = folder_problem(Path(folder))
        if problem is None:
            click.echo(
                f"note: no DevCell service answers on port {config.port}, so {folder} was tried as this user only; "
                "the service's sandbox may still refuse it (the health check will say).",
                err=True,
            )
    else:
        problem = answer
    if problem:
        fail(f"backup_dir: {problem}")


def _ask_service(config: Config, folder: str) -> str | None:
    """The service's answer ("" when it can write there, else why not), or None when no service answers."""
    import http.client
    import json

    from devcell.backups.folders import folder_check_token
    from devcell.core.config import load_or_create_secret

    host = "127.0.0.1" if config.host in ("0.0.0.0", "::", "") else config.host  # noqa: S104 - a listen address
    body = json.dumps({"token": folder_check_token(load_or_create_secret(config), folder)})
    connection = http.client.HTTPConnection(host, config.port, timeout=30)
    try:
        connection.request("POST", "/api/backups/folder-check", body, {"Content-Type": "application/json"})
        response = connection.getresponse()
        answer = json.loads(response.read() or b"null")
    except (OSError, ValueError):
        return None
    finally:
        connection.close()
    if response.status != 200 or not isinstance(answer, dict):
        return None
    return "" if answer.get("ok") else str(answer.get("message") or "the service cannot write there")
