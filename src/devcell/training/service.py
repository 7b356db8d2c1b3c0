"""Training: turn a roadmap into units (JSON directly, anything else through the LLM), keep plans of units per
project, seed tasks from units and report progress per week from those tasks' state."""

from __future__ import annotations

import json
import logging
import time
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from peewee import fn

from devcell.accounts.service import OwnedData, register_owned_data, user_briefs
from devcell.core import llm, structured
from devcell.core.db import unit_of_work, utcnow
from devcell.projects.errors import ProjectNotFound
from devcell.projects.schemas import ProjectRef, UserRef
from devcell.projects.service import (
    check_project,
    has_role,
    project_name,
    project_name_of,
    rows_of,
    user_ref,
    visible_project_ids,
)
from devcell.tasks.service import task_states, visible_task_ids
from devcell.training import _parse, _prompt
from devcell.training.errors import PlanFull, PlanNotFound, UnitNotFound
from devcell.training.models import TrainingPlan, TrainingUnit
from devcell.training.schemas import (
    MAX_UNITS,
    PlanCreate,
    PlanOut,
    PlanPage,
    PlanPatch,
    PlanQuery,
    PlanSummary,
    PlanUnitOut,
    SampleOut,
    TransformIn,
    TransformOut,
    Unit,
    UnitPatch,
    WeekProgress,
)

if TYPE_CHECKING:
    from devcell.core.auth import Principal
    from devcell.tasks.service import TaskState

log = logging.getLogger(__name__)

SAMPLE_FILE = Path(__file__).with_name("sample_roadmap.md")  # bundled beside this module (packaging/devcell.spec)
NOT_CONFIGURED = (
    "No LLM is configured, so only JSON roadmaps can be imported. An administrator can set one in Settings → LLM."
)


# --- Transform ---------------------------------------------------------------------------------------------


@unit_of_work()
def _require_member(principal: Principal, project_id: int) -> None:
    check_project(principal, project_id, "member")


def transform(principal: Principal, data: TransformIn, config: llm.LLMConfig, context_tokens: int) -> TransformOut:
    """Units to preview; nothing is stored. Runs in a worker thread; no transaction is open during the LLM calls
    (one per part of the roadmap, see training._prompt)."""
    _require_member(principal, data.project_id)
    if _is_json(data):
        found = _parse.parse_json_input(data.text)
        return TransformOut(units=found.units, warnings=found.warnings, source="json")
    if not config.configured:
        raise llm.LLMNotConfigured(NOT_CONFIGURED)
    prompt = _prompt.build(data.text, data.notes, context_tokens)
    started = time.monotonic()
    units: list[Unit] = []
    warnings = list(prompt.warnings)
    failed: list[tuple[_prompt.Part, str]] = []
    for request in prompt.parts:
        try:
            found = _transform_part(config, request)
        except _parse.PartInvalid as exc:
            failed.append((request.part, str(exc)))
            continue
        except llm.LLMError as exc:
            if exc.status != 502:  # the server is down or too slow: the other parts would fail the same way
                raise
            failed.append((request.part, exc.message))  # a bad answer for this part: the others may be fine
            continue
        units += found.units
        warnings += found.warnings
    if not units:
        raise llm.LLMError(
            "The model did not turn any part of the roadmap into training units in the required JSON format, so "
            f"nothing was imported ({failed[0][1]}). Try again, try another model, or paste the roadmap as JSON."
        )
    if failed:
        names = ", ".join(f"“{part.label}”" for part, _ in failed[:8])
        warnings.append(f"The model's answer for {len(failed)} part(s) was not usable, so they have no units: "
                        f"{names}. Add their units by hand, or import those parts again.")  # fmt: skip
    log.info(
        "training transform: %d units from %d of %d parts in %.1f s (%d warnings)",
        len(units), len(prompt.parts) - len(failed), len(prompt.parts), time.monotonic() - started, len(warnings),
    )  # fmt: skip
    return TransformOut(units=units[:MAX_UNITS], warnings=warnings, source="llm")


def _transform_part(config: llm.LLMConfig, request: _prompt.PartPrompt) -> _parse.Units:
    """One part's units: one request, and once more with the rules restated when the answer is not usable."""
    answer = structured.complete_json_sync(config, request.messages, request.schema, request.max_tokens)
    try:
        return _parse.parse_part(answer.completion.text, request.week)
    except _parse.PartInvalid as exc:
        log.info("training transform: week %d answer rejected, asking once more: %s", request.week, exc)
        error = f"{exc}; the answer was cut off at the length limit" if answer.completion.truncated else str(exc)
    again = request.repair(error)
    answer = structured.complete_json_sync(config, again, request.schema, request.max_tokens)
    return _parse.parse_part(answer.completion.text, request.week)


def _is_json(data: TransformIn) -> bool:
    """format=json is always JSON; auto is JSON when the text parses as JSON (a Markdown roadmap may start
    with "[Draft]", which must still go to the model)."""
    if data.format == "json":
        return True
    if data.format != "auto" or not _parse.looks_like_json(data.text):
        return False
    try:
        json.loads(data.text)
    except ValueError:
        return False
    return True


@cache
def sample() -> SampleOut:
    """The roadmap shipped with DevCell, written for operating the appliance itself."""
    text = SAMPLE_FILE.read_text(encoding="utf-8")
    title = next((line.lstrip("#").strip() for line in text.splitlines() if line.startswith("# ")), "Sample")
    return SampleOut(title=title, format="markdown", text=text)


# --- Plans -------------------------------------------------------------------------------------------------


def load_plan(principal: Principal, plan_id: int, need: str) -> tuple[TrainingPlan, str | None]:
    """The plan and the caller's role in its project: 404 when either is invisible, 403 when the role is low."""
    plan = TrainingPlan.get_or_none(TrainingPlan.id == plan_id)
    if plan is None:
        raise PlanNotFound(plan_id)
    try:
        role = check_project(principal, plan.project_id, need)
    except ProjectNotFound:
        raise PlanNotFound(plan_id) from None
    return plan, role


def _units(principal: Principal, plan_id: int) -> list[PlanUnitOut]:
    """The plan's units in roadmap order, each with its task only when the caller may see that task (a seeded task
    may move to another project): two queries, the units and their tasks' states."""
    columns = (
        TrainingUnit.id, TrainingUnit.title, TrainingUnit.description, TrainingUnit.week, TrainingUnit.priority,
        TrainingUnit.task,
    )  # fmt: skip
    rows = list(
        rows_of(
            TrainingUnit.select(*columns)
            .where(TrainingUnit.plan == plan_id)
            .order_by(TrainingUnit.week, TrainingUnit.position, TrainingUnit.id)
        )
    )
    states = task_states(principal, (row[-1] for row in rows if row[-1] is not None))
    return [_unit_row(row, states) for row in rows]


def _unit_row(row: tuple[Any, ...], states: dict[int, TaskState]) -> PlanUnitOut:
    unit_id, title, description, week, priority, task_id = row
    state = None if task_id is None else states.get(task_id)  # a task the caller cannot see shows as no task
    return PlanUnitOut(
        id=unit_id, title=title, description=description, week=week, priority=priority,
        task_id=None if state is None else task_id, task_status=None if state is None else state.status,
        task_due_date=None if state is None else state.due_date,
    )  # fmt: skip


def progress(units: list[PlanUnitOut]) -> list[WeekProgress]:
    """Per week: units, how many have a task, and how many of those tasks are done or in progress."""
    weeks: dict[int, WeekProgress] = {}
    for unit in units:
        week = weeks.setdefault(unit.week, WeekProgress(week=unit.week, units=0, seeded=0, done=0, in_progress=0))
        week.units += 1
        week.seeded += unit.task_id is not None
        week.done += unit.task_status == "done"
        week.in_progress += unit.task_status == "in_progress"
    return [weeks[w] for w in sorted(weeks)]


def _out(principal: Principal, plan: TrainingPlan, role: str | None) -> PlanOut:
    units = _units(principal, plan.id)
    name = project_name(plan.project_id) or ""  # the plan's foreign key keeps its project
    creator = user_briefs([plan.created_by_id])[plan.created_by_id]
    return PlanOut(
        id=plan.id, project_id=plan.project_id, project=ProjectRef(id=plan.project_id, name=name),
        title=plan.title, created_by=user_ref(creator), created_at=plan.created_at,
        updated_at=plan.updated_at, can_edit=principal.is_admin or has_role(role, "member"), units=units,
        progress=progress(units),
    )  # fmt: skip


@unit_of_work()
def get_plan(principal: Principal, plan_id: int) -> PlanOut:
    plan, role = load_plan(principal, plan_id, "viewer")
    return _out(principal, plan, role)


def _insert_units(plan_id: int, units: list[Unit], first_position: int) -> None:
    rows = [{"plan": plan_id, "position": first_position + n, **unit.model_dump()} for n, unit in enumerate(units)]
    for start in range(0, len(rows), 100):  # SQLite caps the variables of one statement
        TrainingUnit.insert_many(rows[start : start + 100]).execute()


@unit_of_work(write=True)
def create_plan(principal: Principal, data: PlanCreate) -> PlanOut:
    """Store previewed units as a plan of a project where the caller is a member (or more)."""
    role = check_project(principal, data.project_id, "member")
    now = utcnow()
    plan = TrainingPlan.create(
        project=data.project_id, title=data.title, created_by=principal.user_id, created_at=now, updated_at=now
    )
    _insert_units(plan.id, data.units, 1)
    return _out(principal, plan, role)


@unit_of_work(write=True)
def update_plan(principal: Principal, plan_id: int, patch: PlanPatch) -> PlanOut:
    plan, role = load_plan(principal, plan_id, "member")
    if patch.title is not None:
        plan.title = patch.title
    touch(plan)
    return _out(principal, plan, role)


@unit_of_work(write=True)
def delete_plan(principal: Principal, plan_id: int) -> None:
    """The plan and its units go; tasks seeded from it stay (they are the team's work now)."""
    load_plan(principal, plan_id, "member")
    TrainingPlan.delete().where(TrainingPlan.id == plan_id).execute()


def touch(plan: TrainingPlan) -> None:
    plan.updated_at = utcnow()
    plan.save()


# --- The list ----------------------------------------------------------------------------------------------

# The column list_plans selects beside each plan: its project's name.
_PROJECT_NAME = "project_name"


@unit_of_work()
def list_plans(principal: Principal, query: PlanQuery) -> PlanPage:
    """Plans of the projects the caller sees, newest change first."""
    where = TrainingPlan.id.is_null(False)
    if query.project is not None:
        check_project(principal, query.project, "viewer")
        where = TrainingPlan.project == query.project
    visible = visible_project_ids(principal)
    if visible is not None:
        where &= TrainingPlan.project.in_(list(visible))
    base = TrainingPlan.select().where(where)
    plans = list(
        TrainingPlan.select(TrainingPlan, project_name_of(TrainingPlan.project).alias(_PROJECT_NAME))
        .where(where)
        .order_by(TrainingPlan.updated_at.desc(), TrainingPlan.id.desc())
        .limit(query.limit)
        .offset(query.offset)
    )
    counts = _counts(principal, [plan.id for plan in plans])
    creators = {user_id: user_ref(brief) for user_id, brief in user_briefs(p.created_by_id for p in plans).items()}
    items = [_summary(plan, creators[plan.created_by_id], counts.get(plan.id, (0, 0, 0, 0))) for plan in plans]
    return PlanPage(items=items, total=base.count(), limit=query.limit, offset=query.offset)


def _counts(principal: Principal, plan_ids: list[int]) -> dict[int, tuple[int, int, int, int]]:
    """Per plan: units, distinct weeks, seeded units, done units (one grouped query for the page). Seeded and done
    count only tasks the caller may see (a seeded task may move to another project)."""
    if not plan_ids:
        return {}
    rows = (
        TrainingUnit.select(
            TrainingUnit.plan,
            fn.COUNT(TrainingUnit.id),
            fn.COUNT(TrainingUnit.week.distinct()),
            # A condition is a boolean on PostgreSQL: cast to 0/1 before adding up (as SQLite already has it).
            fn.SUM(TrainingUnit.task.in_(visible_task_ids(principal)).cast("INTEGER")),
            fn.SUM(TrainingUnit.task.in_(visible_task_ids(principal, "done")).cast("INTEGER")),
        )
        .where(TrainingUnit.plan.in_(plan_ids))
        .group_by(TrainingUnit.plan)
    )
    return {int(p): (int(n), int(w), int(s or 0), int(d or 0)) for p, n, w, s, d in rows_of(rows)}


def _summary(plan: TrainingPlan, creator: UserRef, counts: tuple[int, int, int, int]) -> PlanSummary:
    units, weeks, seeded, done = counts
    project = ProjectRef(id=plan.project_id, name=getattr(plan, _PROJECT_NAME))
    return PlanSummary(
        id=plan.id, project_id=plan.project_id, project=project,
        title=plan.title, created_by=creator, created_at=plan.created_at,
        updated_at=plan.updated_at, units=units, weeks=weeks, seeded=seeded, done=done,
    )  # fmt: skip


# --- Units -------------------------------------------------------------------------------------------------


def _unit(plan_id: int, unit_id: int) -> TrainingUnit:
    unit = TrainingUnit.get_or_none((TrainingUnit.id == unit_id) & (TrainingUnit.plan == plan_id))
    if unit is None:
        raise UnitNotFound(plan_id, unit_id)
    return unit


def _unit_out(principal: Principal, plan_id: int, unit_id: int) -> PlanUnitOut:
    return next(unit for unit in _units(principal, plan_id) if unit.id == unit_id)


@unit_of_work(write=True)
def add_unit(principal: Principal, plan_id: int, data: Unit) -> PlanUnitOut:
    plan, _ = load_plan(principal, plan_id, "member")
    count, last = TrainingUnit.select(fn.COUNT(TrainingUnit.id), fn.MAX(TrainingUnit.position)).where(
        TrainingUnit.plan == plan_id
    ).scalar(as_tuple=True)  # fmt: skip
    if count >= MAX_UNITS:
        raise PlanFull(MAX_UNITS)
    _insert_units(plan_id, [data], int(last or 0) + 1)
    touch(plan)
    unit_id = TrainingUnit.select(fn.MAX(TrainingUnit.id)).where(TrainingUnit.plan == plan_id).scalar()
    return _unit_out(principal, plan_id, int(unit_id))


@unit_of_work(write=True)
def update_unit(principal: Principal, plan_id: int, unit_id: int, patch: UnitPatch) -> PlanUnitOut:
    """Change a unit; a task already seeded from it keeps its own title and due date."""
    plan, _ = load_plan(principal, plan_id, "member")
    unit = _unit(plan_id, unit_id)
    for name, value in patch.model_dump(include=patch.model_fields_set).items():
        setattr(unit, name, value)
    unit.save()
    touch(plan)
    return _unit_out(principal, plan_id, unit_id)


@unit_of_work(write=True)
def delete_unit(principal: Principal, plan_id: int, unit_id: int) -> None:
    """The unit goes; a task seeded from it stays."""
    plan, _ = load_plan(principal, plan_id, "member")
    _unit(plan_id, unit_id).delete_instance()
    touch(plan)


# --- Deleting a user: the plans they made move to the user who takes over ----------------------------------


def _owned_plans(user_id: int) -> int:
    return int(TrainingPlan.select().where(TrainingPlan.created_by == user_id).count())


def _reassign_plans(from_id: int, to_id: int) -> None:
    TrainingPlan.update(created_by=to_id).where(TrainingPlan.created_by == from_id).execute()


register_owned_data(OwnedData("training plans", _owned_plans, _reassign_plans))
