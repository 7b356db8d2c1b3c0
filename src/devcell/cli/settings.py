"""`devcell settings list|get|set|reset`: the same settings as the settings page."""

from __future__ import annotations

import click

from devcell.cli.common import fail, settings_store
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
