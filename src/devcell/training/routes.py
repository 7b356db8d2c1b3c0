"""HTTP routes of the training slice: transform a roadmap, the sample, plans, their units, seeding tasks."""

from __future__ import annotations

from devcell.core.auth import Access
from devcell.core.web import ApiRoute, Call
from devcell.settings.service import SETTINGS_STORE
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


async def transform(call: Call, body: TransformIn) -> TransformOut:
    """Turn a roadmap (JSON directly; Markdown or text through the LLM) into units to preview. Stores nothing."""
    settings = call.state.need(SETTINGS_STORE)
    config, context = settings.llm_config(), settings.context_tokens()
    return await call.run(service.transform, call.user, body, config, context)


async def get_sample(call: Call) -> SampleOut:
    """The sample roadmap shipped with DevCell ("Operating a DevCell appliance"), as Markdown."""
    return service.sample()


async def list_plans(call: Call, query: PlanQuery) -> PlanPage:
    """Training plans of the projects I can see."""
    return await call.run(service.list_plans, call.user, query)


async def create_plan(call: Call, body: PlanCreate) -> PlanOut:
    """Store units (usually a previewed transform) as a plan of a project where I am a member."""
    return await call.run(service.create_plan, call.user, body)


async def get_plan(call: Call) -> PlanOut:
    """A plan with its units, their tasks' state and progress per week."""
    return await call.run(service.get_plan, call.user, call.path_int("plan_id"))


async def patch_plan(call: Call, body: PlanPatch) -> PlanOut:
    """Rename a plan."""
    return await call.run(service.update_plan, call.user, call.path_int("plan_id"), body)


async def delete_plan(call: Call) -> None:
    """Delete a plan and its units; tasks seeded from it stay."""
    await call.run(service.delete_plan, call.user, call.path_int("plan_id"))


async def add_unit(call: Call, body: Unit) -> PlanUnitOut:
    """Add a unit to a plan."""
    return await call.run(service.add_unit, call.user, call.path_int("plan_id"), body)


async def patch_unit(call: Call, body: UnitPatch) -> PlanUnitOut:
    """Change a unit (a task already seeded from it is not changed)."""
    ids = call.path_int("plan_id"), call.path_int("unit_id")
    return await call.run(service.update_unit, call.user, *ids, body)


async def delete_unit(call: Call) -> None:
    """Remove a unit from a plan (a task seeded from it stays)."""
    await call.run(service.delete_unit, call.user, call.path_int("plan_id"), call.path_int("unit_id"))


async def seed(call: Call, body: SeedIn) -> SeedOut:
    """One task per selected unit in the plan's project, due at the end of the unit's week; units that already
    have a task are skipped with the reason."""
    tz = call.state.need(SETTINGS_STORE).time_zone()
    return await call.run(_seed.seed, call.user, call.path_int("plan_id"), body, tz)


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
