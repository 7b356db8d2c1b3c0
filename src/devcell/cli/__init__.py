"""The `devcell` command: serve (default), setup-code, recovery-code, user, settings, migrate, check, backup,
snapshot, restore, reindex, migrate-to, version; and knowledge-worker, which the server starts itself.

Each command lives in a module of this package and is registered below by name, so the import graph (and
PyInstaller) sees every one and no module registers itself into another."""

from __future__ import annotations

import os
from pathlib import Path

import click

from devcell import __version__
from devcell.cli import basics, data, settings, users
from devcell.cli.common import fail
from devcell.core.config import ConfigError, from_environment


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
    if ctx.invoked_subcommand == "knowledge-worker":
        return  # started by the server with everything it needs: reading the configuration again could only fail
    try:
        config = from_environment(config_file=config_file, data_dir=data_dir)
    except ConfigError as exc:
        fail(str(exc))
    ctx.obj = {"config": config}


for command in (
    basics.serve,
    basics.setup_code,
    basics.recovery_code,
    basics.migrate,
    basics.version,
    basics.knowledge_worker,
    users.user,
    settings.settings,
    data.check,
    data.backup,
    data.snapshot,
    data.restore,
    data.reindex,
    data.migrate_to,
):
    main.add_command(command)
