"""README.md documents every setting, every bootstrap variable and every CLI command."""

from __future__ import annotations

import re
from pathlib import Path

import click
import pytest

from devcell.cli import main
from devcell.settings.registry import SETTINGS

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("spec", SETTINGS, ids=lambda s: s.key)
def test_readme_documents_setting(spec) -> None:  # type: ignore[no-untyped-def]
    assert f"`{spec.key}`" in README
    assert f"`{spec.env_name}`" in README


def bootstrap_variables() -> list[str]:
    source = (ROOT / "src" / "devcell" / "core" / "config.py").read_text(encoding="utf-8")
    return sorted(set(re.findall(r'"(DEVCELL_[A-Z_]+)"', source)) | {"KNOWLEDGEBASE_DIR", "LLM_ENDPOINT", "JWT_SECRET"})


@pytest.mark.parametrize("name", bootstrap_variables())
def test_readme_documents_variable(name: str) -> None:
    assert f"`{name}`" in README


def commands(group: click.Group, prefix: str = "devcell") -> list[str]:
    found = []
    for name, command in group.commands.items():
        path = f"{prefix} {name}"
        found += commands(command, path) if isinstance(command, click.Group) else [path]
    return found


@pytest.mark.parametrize("command", commands(main))
def test_readme_documents_command(command: str) -> None:
    assert f"`{command}" in README


def test_readme_names_the_two_commands() -> None:
    assert "python3 build.py serve" in README
    assert "python3 build.py test" in README


def test_every_build_command_is_in_the_usage_and_the_readme() -> None:
    import build

    usage = build.__doc__ or ""
    for name in build.COMMANDS:
        assert f"python3 build.py {name}" in usage, f"build.py's usage does not list `{name}`"
        assert f"| `{name}" in README, f"README's build.py table does not list `{name}`"


def test_the_cli_docstring_lists_every_command() -> None:
    import devcell.cli

    listed = devcell.cli.__doc__ or ""
    for name in main.commands:
        assert re.search(rf"\b{re.escape(name)}\b", listed), f"devcell/cli/__init__.py's docstring omits `{name}`"
