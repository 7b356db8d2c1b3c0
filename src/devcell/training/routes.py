"""HTTP routes of the training slice: transform a roadmap, the sample, plans, their units, seeding tasks."""

from __future__ import annotations

from starlette.responses import Response

from devcell.core.auth import Access
from devcell.core.web import ApiRoute, Call, json, no_content
from devcell.training import _seed, service
from devcell.training.schemas import (
    PlanCreate,
    PlanOut,
    PlanPage,
    PlanPatch,
    PlanQuery,
    PlanUnitOut,
    SampleOut,
    SeedIn,
    SeedOut,
    TransformIn,
    TransformOut,
    Unit,
    UnitPatch,
)


async def transform(call: Call) -> Response:
    """Turn a roadmap (JSON directly; Markdown or text through the LLM) into units to preview. Stores nothing."""
    data = await call.body(TransformIn)
    settings = call.state.settings
    config, context = settings.llm_config(), settings.get_int("llm_context_tokens")
    return json(await call.run(service.transform, call.user, data, config, context))


async def get_sample(call: Call) -> Response:
    """The sample roadmap shipped with DevCell ("Operating a DevCell appliance"), as Markdown."""
    return json(service.sample())


async def list_plans(call: Call) -> Response:
    """Training plans of the projects I can see."""
    query = call.query(PlanQuery)
    return json(await call.run(service.list_plans, call.user, query))


async def create_plan(call: Call) -> Response:
    """Store units (usually a previewed transform) as a plan of a project where I am a member."""
    data = await call.body(PlanCreate)
    return json(await call.run(service.create_plan, call.user, data), 201)


async def get_plan(call: Call) -> Response:
    """A plan with its units, their tasks' state and progress per week."""
    return json(await call.run(service.get_plan, call.user, call.path_int("plan_id")))


async def patch_plan(call: Call) -> Response:
    """Rename a plan."""
    patch = await call.body(PlanPatch)
    return json(await call.run(service.update_plan, call.user, call.path_int("plan_id"), patch))


async def delete_plan(call: Call) -> Response:
    """Delete a plan and its units; tasks seeded from it stay."""
    await call.run(service.delete_plan, call.user, call.path_int("plan_id"))
    return no_content()


async def add_unit(call: Call) -> Response:
    """Add a unit to a plan."""
    data = await call.body(Unit)
    return json(await call.run(service.add_unit, call.user, call.path_int("plan_id"), data), 201)


async def patch_unit(call: Call) -> Response:
    """Change a unit (a task already seeded from it is not changed)."""
    patch = await call.body(UnitPatch)
    ids = call.path_int("plan_id"), call.path_int("unit_id")
    return json(await call.run(service.update_unit, call.user, *ids, patch))


async def delete_unit(call: Call) -> Response:
    """Remove a unit from a plan (a task seeded from it stays)."""
    await call.run(service.delete_unit, call.user, call.path_int("plan_id"), call.path_int("unit_id"))
    return no_content()


async def seed(call: Call) -> Response:
    """One task per selected unit in the plan's project, due at the end of the unit's week; units that already
    have a task are skipped with the reason."""
    data = await call.body(SeedIn)
    tz = str(call.state.settings.get_str("time_zone"))
    return json(await call.run(_seed.seed, call.user, call.path_int("plan_id"), data, tz), 201)


U = Access.USER
PLANS = "/api/training/plans"
PLAN = PLANS + "/{plan_id:int}"
UNIT = PLAN + "/units/{unit_id:int}"
ROUTES: list[ApiRoute] = [
    ApiRoute("POST", "/api/training/transform", transform, access=U, body=TransformIn, response=TransformOut),
    ApiRoute("GET", "/api/training/sample", get_sample, access=U, response=SampleOut),
    ApiRoute("GET", PLANS, list_plans, access=U, query=PlanQuery, response=PlanPage),
    ApiRoute("POST", PLANS, create_plan, access=U, body=PlanCreate, response=PlanOut, status=201),
    ApiRoute("GET", PLAN, get_plan, access=U, response=PlanOut),
    ApiRoute("PATCH", PLAN, patch_plan, access=U, body=PlanPatch, response=PlanOut),
    ApiRoute("DELETE", PLAN, delete_plan, access=U, status=204),
    ApiRoute("POST", PLAN + "/units", add_unit, access=U, body=Unit, response=PlanUnitOut, status=201),
    ApiRoute("PATCH", UNIT, patch_unit, access=U, body=UnitPatch, response=PlanUnitOut),
    ApiRoute("DELETE", UNIT, delete_unit, access=U, status=204),
    ApiRoute("POST", PLAN + "/seed", seed, access=U, body=SeedIn, response=SeedOut, status=201),
]
