"""The role matrix of every training route, on plans of the matrix project (viewers read, members write)."""

from __future__ import annotations

import json

import pytest
from starlette.applications import Starlette

from tests.conftest import Actor
from tests.rolematrix import ALL, EDITORS, READERS, Request, RoleCase, World, build_world, check_case
from tests.training.conftest import UNITS

PLANS = "/api/training/plans"
PLAN = PLANS + "/{plan_id:int}"
UNIT = PLAN + "/units/{unit_id:int}"


def _plan(world: World) -> dict[str, object]:
    """A fresh plan made by the admin, so a PATCH or DELETE in one role never changes another's target."""
    body = {"project_id": world.project_id, "title": "Matrix plan", "units": UNITS}
    response = world.admin.post(PLANS, json=body)
    assert response.status_code == 201, response.text
    return dict(response.json())


def _unit_url(world: World) -> Request:
    plan = _plan(world)
    return Request(f"{PLANS}/{plan['id']}/units/{plan['units'][0]['id']}")  # type: ignore[index]


def _transform(world: World) -> Request:
    """JSON input: answered without an LLM, so the matrix needs none."""
    return Request("/api/training/transform", {"text": json.dumps(UNITS), "project_id": world.project_id})


def _seed(world: World) -> Request:
    plan = _plan(world)
    units = [u["id"] for u in plan["units"]]  # type: ignore[attr-defined]
    return Request(f"{PLANS}/{plan['id']}/seed", {"unit_ids": units, "start_date": "2026-03-02"})


CASES: list[RoleCase] = [
    RoleCase("POST", "/api/training/transform", _transform, EDITORS),
    RoleCase("GET", "/api/training/sample", lambda w: Request("/api/training/sample"), ALL),
    RoleCase("GET", PLANS, lambda w: Request(f"{PLANS}?project={w.project_id}"), READERS),
    RoleCase(
        "POST", PLANS, lambda w: Request(PLANS, {"project_id": w.project_id, "title": "Mine", "units": UNITS}), EDITORS
    ),
    RoleCase("GET", PLAN, lambda w: Request(f"{PLANS}/{_plan(w)['id']}"), READERS),
    RoleCase("PATCH", PLAN, lambda w: Request(f"{PLANS}/{_plan(w)['id']}", {"title": "Renamed"}), EDITORS),
    RoleCase("DELETE", PLAN, lambda w: Request(f"{PLANS}/{_plan(w)['id']}"), EDITORS),
    RoleCase("POST", PLAN + "/units", lambda w: Request(f"{PLANS}/{_plan(w)['id']}/units", UNITS[0]), EDITORS),
    RoleCase("PATCH", UNIT, lambda w: Request(_unit_url(w).url, {"week": 5}), EDITORS),
    RoleCase("DELETE", UNIT, _unit_url, EDITORS),
    RoleCase("POST", PLAN + "/seed", _seed, EDITORS),
]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_role_matrix(app: Starlette, admin: Actor, case: RoleCase) -> None:
    check_case(build_world(app, admin), case)
