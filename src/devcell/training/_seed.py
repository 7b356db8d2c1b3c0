"""Seeding tasks from a plan's units: one task per unit in the plan's project, due at the end of the unit's week,
never twice for the same unit while its task exists (the original created duplicates on every click, B22)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING, cast

from devcell.core.db import unit_of_work, utcnow
from devcell.projects.service import rows_of
from devcell.tasks import service as tasks
from devcell.tasks.schemas import TaskCreate
from devcell.training.models import TrainingPlan, TrainingUnit
from devcell.training.schemas import Priority, SeedCreated, SeedIn, SeedOut, SeedSkipped
from devcell.training.service import load_plan, touch

if TYPE_CHECKING:
    from devcell.core.auth import Principal


def due_date(start: date, week: int) -> date:
    """Week 1 runs from the start date for seven days; a unit is due on the last day of its week."""
    return start + timedelta(days=7 * week - 1)


def _description(plan: TrainingPlan, unit: TrainingUnit) -> str:
    title = plan.title.replace("[", "(").replace("]", ")")  # keep the Markdown link intact
    origin = f"From the training plan [{title}](/training/{plan.id}), week {unit.week}."
    return f"{unit.description}\n\n{origin}" if unit.description else origin


def _visible_task_ids(principal: Principal, plan_id: int) -> set[int]:
    """The plan's seeded tasks the caller may see (a seeded task may move to another project): one query."""
    rows = TrainingUnit.select(TrainingUnit.task).where(
        TrainingUnit.plan == plan_id, TrainingUnit.task.in_(tasks.visible_task_ids(principal))
    )
    return {int(task_id) for (task_id,) in rows_of(rows)}


@unit_of_work(write=True)
def seed(principal: Principal, plan_id: int, data: SeedIn, default_tz: str = "UTC") -> SeedOut:
    """All or nothing: a refused assignee (not a project member) leaves no task behind."""
    plan, _ = load_plan(principal, plan_id, "member")
    chosen = TrainingUnit.select().where(TrainingUnit.plan == plan_id, TrainingUnit.id.in_(data.unit_ids))
    units = {unit.id: unit for unit in chosen}
    visible = _visible_task_ids(principal, plan_id)
    out = SeedOut(created=[], skipped=[])
    for unit_id in dict.fromkeys(data.unit_ids):  # a unit listed twice is seeded once
        unit = units.get(unit_id)
        if unit is None:
            out.skipped.append(SeedSkipped(unit_id=unit_id, task_id=None, reason="not a unit of this plan"))
        elif unit.task_id is not None:
            out.skipped.append(_already(unit.id, unit.task_id, visible))
        else:
            out.created.append(_create(principal, plan, unit, data, default_tz))
    if out.created:
        touch(plan)
    return out


def _already(unit_id: int, task_id: int, visible: set[int]) -> SeedSkipped:
    if task_id in visible:
        return SeedSkipped(unit_id=unit_id, task_id=task_id, reason=f"already seeded as task #{task_id}")
    return SeedSkipped(unit_id=unit_id, task_id=None, reason="already seeded as a task you cannot see")


def _create(principal: Principal, plan: TrainingPlan, unit: TrainingUnit, data: SeedIn, tz: str) -> SeedCreated:
    due = due_date(data.start_date, unit.week)
    task = tasks.create_task(
        principal,
        TaskCreate(
            title=unit.title, description=_description(plan, unit), priority=cast(Priority, unit.priority),
            due_date=due,
            assignee_id=data.assignee_id, project_id=plan.project_id,
        ),
        None,
        tz,
    )  # fmt: skip
    unit.task_id = task.id
    unit.seeded_at = utcnow()
    unit.save()
    return SeedCreated(unit_id=unit.id, task_id=task.id, title=task.title, due_date=due)
