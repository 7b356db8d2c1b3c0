"""Standup rows to StandupOut, with authors, projects and linked tasks fetched in a fixed number of queries."""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING

from peewee import JOIN, ModelSelect

from devcell.accounts.models import User
from devcell.projects.models import Project
from devcell.projects.schemas import ProjectRef, UserRef
from devcell.standups import _access
from devcell.standups.models import Standup
from devcell.standups.schemas import LinkedTask, StandupOut
from devcell.tasks import service as tasks

if TYPE_CHECKING:
    from devcell.core.auth import Principal


def with_refs() -> ModelSelect[Standup]:
    """Standups joined to their author and (optional) project, so rendering a page needs no further queries."""
    return (
        Standup.select(Standup, User, Project)
        .join_from(Standup, User, on=(Standup.author == User.id))
        .join_from(Standup, Project, JOIN.LEFT_OUTER, on=(Standup.project == Project.id))
    )


def user_ref(user: User) -> UserRef:
    return UserRef(id=user.id, username=user.username, display_name=user.display_name)


def _linked_tasks(principal: Principal, standup_ids: list[int]) -> dict[int, list[LinkedTask]]:
    """One query for the tasks converted from any of these entries that the caller may see."""
    linked: dict[int, list[LinkedTask]] = defaultdict(list)
    for task_id, title, status, standup_id in tasks.tasks_from_standups(principal, standup_ids):
        linked[standup_id].append(LinkedTask.model_validate({"id": task_id, "title": title, "status": status}))
    return linked


def _project_ref(standup: Standup) -> ProjectRef | None:
    project = standup.project
    return None if project is None else ProjectRef(id=project.id, name=project.name)


def _out(principal: Principal, standup: Standup, tasks: list[LinkedTask]) -> StandupOut:
    return StandupOut(
        id=standup.id,
        author=user_ref(standup.author),
        day=standup.day,
        yesterday=standup.yesterday,
        today=standup.today,
        blockers=standup.blockers,
        project=_project_ref(standup),
        created_at=standup.created_at,
        updated_at=standup.updated_at,
        can_edit=_access.can_edit(principal, standup),
        tasks=tasks,
    )


def render(principal: Principal, rows: list[Standup]) -> list[StandupOut]:
    linked = _linked_tasks(principal, [row.id for row in rows])
    return [_out(principal, row, linked.get(row.id, [])) for row in rows]


def render_one(principal: Principal, standup_id: int) -> StandupOut:
    """Re-read one entry with its references (after a write, or for a single GET)."""
    row = with_refs().where(Standup.id == standup_id).get()
    return render(principal, [row])[0]
