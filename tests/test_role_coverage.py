"""Every route of the project-scoped slices has a row in the role matrix (tests/<slice>/test_roles.py)."""

from __future__ import annotations

import importlib
from pathlib import Path

from devcell.app import api_routes
from tests.rolematrix import RoleCase

ROLE_SCOPED_PREFIXES = (
    "/api/projects",
    "/api/tasks",
    "/api/standups",
    "/api/dashboard",
    "/api/documents",
    "/api/assistant",
    "/api/sitreps",
    "/api/review",
    "/api/workflows",
    "/api/training",
)
TESTS = Path(__file__).resolve().parent


def declared_cases() -> list[RoleCase]:
    cases: list[RoleCase] = []
    for module_file in sorted(TESTS.glob("*/test_roles*.py")):
        module = importlib.import_module(f"tests.{module_file.parent.name}.{module_file.stem}")
        cases.extend(module.CASES)
    return cases


def test_every_project_scoped_route_has_a_role_case() -> None:
    covered = {(case.method, case.route) for case in declared_cases()}
    scoped = {(r.method, r.path) for r in api_routes() if r.path.startswith(ROLE_SCOPED_PREFIXES)}
    assert sorted(scoped - covered) == []


def test_role_cases_name_real_routes() -> None:
    routes = {(r.method, r.path) for r in api_routes()}
    assert sorted({(c.method, c.route) for c in declared_cases()} - routes) == []
