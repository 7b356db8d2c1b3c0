"""The role matrix of the workflow routes. A run is its author's alone (everyone else, administrators included,
gets 404); labelling a run with a project needs its viewer role, making tasks in the project its member role."""

from __future__ import annotations

import pytest
from starlette.applications import Starlette

from tests.assistant.test_workflows import finished, start
from tests.conftest import Actor
from tests.fakes.llm_server import FakeLLM
from tests.rolematrix import ALL, EDITORS, READERS, Request, RoleCase, World, allow, build_world, check_case, send

RUN = "/api/workflows/{workflow_id:int}"
AUTHOR = allow("owner")


def _owners_run(world: World) -> int:
    """A finished run of the project owner's."""
    return int(finished(world.owner, start(world.owner, project_id=world.project_id)["id"])["id"])


def _shared_run(world: World) -> int:
    if "run" not in world.extra:
        world.extra["run"] = _owners_run(world)
    return int(world.extra["run"])


CASES: list[RoleCase] = [
    RoleCase("GET", "/api/workflows/pipelines", lambda w: Request("/api/workflows/pipelines"), ALL),
    RoleCase("GET", "/api/workflows", lambda w: Request("/api/workflows"), ALL),
    RoleCase(
        "POST",
        "/api/workflows",
        lambda w: Request("/api/workflows", {"pipeline": "feature", "input": "An idea", "project_id": w.project_id}),
        READERS,
    ),
    RoleCase("GET", RUN, lambda w: Request(f"/api/workflows/{_shared_run(w)}"), AUTHOR, denied_status=404),
    RoleCase("GET", RUN + "/events", lambda w: Request(f"/api/workflows/{_shared_run(w)}/events"), AUTHOR, 404),
    RoleCase("POST", RUN + "/cancel", lambda w: Request(f"/api/workflows/{_shared_run(w)}/cancel"), AUTHOR, 404),
    RoleCase(
        "POST",
        RUN + "/tasks",
        lambda w: Request(f"/api/workflows/{_shared_run(w)}/tasks", {"titles": ["From the matrix"]}),
        AUTHOR,
        denied_status=404,
    ),
    RoleCase("DELETE", RUN, lambda w: Request(f"/api/workflows/{_owners_run(w)}"), AUTHOR, denied_status=404),
]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_role_matrix(app: Starlette, admin: Actor, fake_llm: FakeLLM, case: RoleCase) -> None:
    check_case(build_world(app, admin), case)


def test_tasks_from_my_run_need_the_member_role_in_the_project(app: Starlette, admin: Actor, fake_llm: FakeLLM) -> None:
    world = build_world(app, admin)
    outcomes = {}
    for role in ("outsider", "viewer", "member", "owner", "admin"):
        actor = world.actor(role)
        run_id = finished(actor, start(actor)["id"])["id"]  # a run of my own, without a project
        body = {"titles": [f"Task of the {role}"], "project_id": world.project_id}
        outcomes[role] = send(actor, "POST", Request(f"/api/workflows/{run_id}/tasks", body)).status_code
    expected = {role: 201 if role in EDITORS else 403 for role in ("viewer", "member", "owner", "admin")}
    assert outcomes == {"outsider": 404, **expected}
