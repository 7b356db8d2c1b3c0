"""`devcell user create|list|set-password|deactivate|activate`."""

from __future__ import annotations

import click
from pydantic import ValidationError

from devcell.cli.common import fail, open_database, read_password, validation_errors
from devcell.core.errors import DevCellError


@click.group()
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
    from devcell.accounts import service
    from devcell.accounts.schemas import UserCreate

    config = open_database(ctx)
    try:
        data = UserCreate(
            username=username,
            password=read_password(password_stdin),
            role="admin" if admin else "user",
            display_name=display_name,
        )
        created = service.create_user(data)
    except ValidationError as exc:
        fail(validation_errors(exc))
    except DevCellError as exc:
        fail(exc.message)
    if admin:
        service.discard_setup_code(config.data_dir)
    click.echo(f"created {created.role} {created.username} (id {created.id})")


@user.command("list")
@click.pass_context
def user_list(ctx: click.Context) -> None:
    """List users."""
    from devcell.accounts import service
    from devcell.accounts.schemas import UserQuery

    open_database(ctx)
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

    open_database(ctx)
    user_id = _user_id(username)
    try:
        data = PasswordReset(new_password=read_password(password_stdin))
    except ValidationError as exc:
        fail(validation_errors(exc))
    service.reset_password(user_id, data.new_password)
    click.echo(f"password of {username} changed; their sessions were ended")


def _set_active(ctx: click.Context, username: str, active: bool) -> None:
    from devcell.accounts import service
    from devcell.accounts.schemas import AdminUserPatch

    open_database(ctx)
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
