"""The role matrix of the summaries and SITREP routes (review and workflows: their own test_roles_* files).

Summaries and SITREPs of a project need its viewer role (an outsider gets 404); a SITREP is its author's alone,
so everyone else, administrators included, gets 404 for it."""

from __future__ import annotations

import pytest
from starlette.applications import Starlette

from tests.assistant.briefs import sitrep
from tests.conftest import Actor
from tests.fakes.llm_server import FakeLLM
from tests.rolematrix import ALL, READERS, Request, RoleCase, World, allow, build_world, check_case

SITREP = "/api/sitreps/{sitrep_id:int}"
AUTHOR = allow("owner")


def _owners_sitrep(world: World) -> int:
    return int(sitrep(world.owner, project_id=world.project_id)["id"])


def _shared_sitrep(world: World) -> int:
    """One ready SITREP of the project owner, reused by the read-only cases."""
    if "sitrep" not in world.extra:
        world.extra["sitrep"] = _owners_sitrep(world)
    return int(world.extra["sitrep"])


CASES: list[RoleCase] = [
    RoleCase(
        "POST",
        "/api/assistant/standup-summary",
        lambda w: Request("/api/assistant/standup-summary", {"project_id": w.project_id}),
        READERS,
    ),
    RoleCase(
        "POST",
        "/api/assistant/project-summary",
        lambda w: Request("/api/assistant/project-summary", {"project_id": w.project_id}),
        READERS,
    ),
    RoleCase("POST", "/api/sitreps", lambda w: Request("/api/sitreps", {"project_id": w.project_id}), READERS),
    RoleCase("GET", "/api/sitreps", lambda w: Request("/api/sitreps"), ALL),
    RoleCase("GET", SITREP, lambda w: Request(f"/api/sitreps/{_shared_sitrep(w)}"), AUTHOR, denied_status=404),
    RoleCase("GET", SITREP + "/export", lambda w: Request(f"/api/sitreps/{_shared_sitrep(w)}/export"), AUTHOR, 404),
    RoleCase("DELETE", SITREP, lambda w: Request(f"/api/sitreps/{_owners_sitrep(w)}"), AUTHOR, denied_status=404),
]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_role_matrix(app: Starlette, admin: Actor, fake_llm: FakeLLM, case: RoleCase) -> None:
    check_case(build_world(app, admin), case)
