"""The role matrix of the code review: any signed-in user may ask (nothing in it belongs to a project)."""

from __future__ import annotations

import json

import pytest
from starlette.applications import Starlette

from tests.conftest import Actor
from tests.fakes.llm_server import FakeLLM
from tests.rolematrix import ALL, Request, RoleCase, build_world, check_case

ANSWER = {"summary": "Fine.", "issues": [], "suggestions": []}

CASES: list[RoleCase] = [
    RoleCase("POST", "/api/review", lambda w: Request("/api/review", {"code": "print('hello')\n"}), ALL),
]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_role_matrix(app: Starlette, admin: Actor, fake_llm: FakeLLM, case: RoleCase) -> None:
    fake_llm.script = lambda body: json.dumps(ANSWER)
    check_case(build_world(app, admin), case)
