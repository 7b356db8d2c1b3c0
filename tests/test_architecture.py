"""The layer rules of DESIGN §2 hold: the import contracts in pyproject.toml pass, they are live (a forbidden import
added to a copy of the package breaks them), and the top-level packages of devcell import each other without
cycles."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import grimp
import pytest
from importlinter import api  # noqa: F401  # configures import-linter (reader, filesystem) on import
from importlinter.application.use_cases import lint_imports

ROOT = Path(__file__).resolve().parents[1]
PYPROJECT = ROOT / "pyproject.toml"
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def test_architecture_contracts_pass(capsys: pytest.CaptureFixture[str]) -> None:
    passed = lint_imports(str(PYPROJECT), cache_dir=None, no_logo=True)
    report = capsys.readouterr().out
    assert passed, report
    assert "6 kept, 0 broken" in report


def _lint_copy(tmp_path: Path, module: str, source: str) -> subprocess.CompletedProcess[str]:
    """lint-imports, as `build.py check` runs it, over a copy of src/devcell with one module added."""
    src = tmp_path / "src"
    shutil.copytree(ROOT / "src" / "devcell", src / "devcell", ignore=shutil.ignore_patterns("__pycache__"))
    target = src / Path(*module.split(".")).with_suffix(".py")
    target.write_text(f'"""Added by tests/test_architecture.py."""\n\n{source}\n')
    env = {**os.environ, "PYTHONPATH": str(src)}
    return subprocess.run(
        [str(LINT_IMPORTS), "--config", str(PYPROJECT), "--no-cache"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


@pytest.mark.parametrize(
    ("module", "source", "broken"),
    [
        # Another slice reaching into tasks' private access rules.
        ("devcell.dashboard._leak", "from devcell.tasks import _access", "_private modules are imported only"),
        # The shared kernel importing a slice.
        ("devcell.core.leak", "from devcell.tasks import service", "core imports no slice"),
        # tasks importing standups, which imports tasks.
        ("devcell.tasks.leak", "from devcell.standups import service", "no import cycles between"),
    ],
)
def test_architecture_contracts_are_live(tmp_path: Path, module: str, source: str, broken: str) -> None:
    clean = _lint_copy(tmp_path / "clean", "devcell.tasks.harmless", "from devcell.tasks import service")
    assert clean.returncode == 0, clean.stdout + clean.stderr
    result = _lint_copy(tmp_path / "leak", module, source)
    assert result.returncode != 0
    broken_lines = [line for line in result.stdout.splitlines() if line.endswith("BROKEN")]
    assert any(line.startswith(broken) for line in broken_lines), result.stdout


def _top(module: str) -> str:
    return ".".join(module.split(".")[:2])


def test_architecture_no_cycle_between_top_level_packages() -> None:
    graph = grimp.build_graph("devcell", cache_dir=None)
    edges: dict[str, set[str]] = {}
    for importer in graph.modules:
        for imported in graph.find_modules_directly_imported_by(importer):
            if _top(importer) != _top(imported) and "devcell" not in (importer, imported):
                edges.setdefault(_top(importer), set()).add(_top(imported))

    def reachable(start: str) -> set[str]:
        seen: set[str] = set()
        todo = [start]
        while todo:
            for nxt in edges.get(todo.pop(), set()) - seen:
                seen.add(nxt)
                todo.append(nxt)
        return seen

    assert len(edges) > 10  # the walk saw the slices
    in_cycles = sorted((a, b) for a, targets in edges.items() for b in targets if a in reachable(b))
    assert in_cycles == []


def _sources() -> list[tuple[Path, str]]:
    package = ROOT / "src" / "devcell"
    return [(path, path.read_text(encoding="utf-8")) for path in sorted(package.rglob("*.py"))]


def test_handlers_never_parse_their_own_input() -> None:
    """ApiRoute parses what a route row declares and passes it in; nothing else calls the parsers."""
    web = ROOT / "src" / "devcell" / "core" / "web.py"
    callers = [str(path) for path, text in _sources() if path != web and re.search(r"\.parse_(body|query)\(", text)]
    assert callers == []


def test_a_handler_that_disagrees_with_its_row_is_refused_at_import() -> None:
    from pydantic import BaseModel

    from devcell.core.auth import Access
    from devcell.core.web import ApiRoute, Call

    class Thing(BaseModel):
        name: str

    async def ignores_its_body(call: Call) -> None:
        """Takes no body."""

    async def takes_a_query(call: Call, query: Thing) -> None:
        """Takes a query."""

    with pytest.raises(TypeError, match=r"must take \(call, body\)"):
        ApiRoute("POST", "/api/things", ignores_its_body, access=Access.USER, body=Thing)
    with pytest.raises(TypeError, match=r"must take \(call, \)"):
        ApiRoute("GET", "/api/things", takes_a_query, access=Access.USER)


def test_app_state_is_read_through_typed_attributes_and_keys() -> None:
    """No untyped `getattr(state, ...)` lookups: AppState (core/state.py) has a type for everything."""
    found = [
        f"{path}:{number}"
        for path, text in _sources()
        for number, line in enumerate(text.splitlines(), 1)
        if re.search(r"getattr\(.*state", line)
    ]
    assert found == []


SURFACE = {"__init__", "routes", "service", "schemas", "errors", "models"}
NOT_SLICES = {"core", "cli"}


def test_a_module_is_private_exactly_when_nothing_outside_its_slice_imports_it() -> None:
    """The one rule for `_private` modules: a slice module outside the surface (service, schemas, errors, models,
    routes) is named `_x` unless something outside its slice imports it (the composition root builds it, or the
    command line uses it). The private-modules contract checks the other half: `_x` is imported only inside."""
    graph = grimp.build_graph("devcell", cache_dir=None)
    misnamed = []
    for module in sorted(graph.modules):
        parts = module.split(".")
        if len(parts) < 3 or parts[1] in NOT_SLICES or graph.find_children(module):
            continue
        if parts[-1] in SURFACE or parts[-1].startswith("_"):
            continue
        importers = graph.find_modules_that_directly_import(module)
        if all(importer.split(".")[1] == parts[1] for importer in importers):
            misnamed.append(module)
    assert misnamed == [], "used only inside their slice, so name them _private: " + ", ".join(misnamed)
