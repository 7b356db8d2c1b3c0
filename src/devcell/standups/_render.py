"""Standup rows to StandupOut, with authors, projects and linked tasks fetched in a fixed number of queries."""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING

from peewee import ModelSelect

from devcell.accounts import service as accounts
from devcell.projects import service as projects
from devcell.projects.schemas import ProjectRef, UserRef
from devcell.standups import _access
from devcell.standups.models import Standup
from devcell.standups.schemas import LinkedTask, StandupOut
from devcell.tasks import service as tasks

if TYPE_CHECKING:
    from devcell.core.auth import Principal

# The column with_refs selects beside each row: the entry's project name (None for an unscoped entry).
_PROJECT_NAME = "project_name"


def with_refs() -> ModelSelect[Standup]:
    """Standups with their project's name in the same statement; authors come in one batch (authors())."""
    return Standup.select(Standup, projects.project_name_of(Standup.project).alias(_PROJECT_NAME))


def authors(rows: list[Standup]) -> dict[int, UserRef]:
    """The authors of these entries, by user id: one query for the whole page."""
    briefs = accounts.user_briefs(row.author_id for row in rows)
    return {user_id: projects.user_ref(brief) for user_id, brief in briefs.items()}


def _linked_tasks(principal: Principal, standup_ids: list[int]) -> dict[int, list[LinkedTask]]:
    """One query for the tasks converted from any of these entries that the caller may see."""
    linked: dict[int, list[LinkedTask]] = defaultdict(list)
    for task_id, title, status, standup_id in tasks.tasks_from_standups(principal, standup_ids):
        linked[standup_id].append(LinkedTask.model_validate({"id": task_id, "title": title, "status": status}))
    return linked


def _project_ref(standup: Standup) -> ProjectRef | None:
    project_id = standup.project_id
    return None if project_id is None else ProjectRef(id=project_id, name=getattr(standup, _PROJECT_NAME))


def _out(principal: Principal, standup: Standup, author: UserRef, tasks: list[LinkedTask]) -> StandupOut:
    return StandupOut(
        id=standup.id,
        author=author,
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
    """Rows of with_refs() to StandupOut, in their order: two queries (authors, linked tasks) for the page."""
    names = authors(rows)
    linked = _linked_tasks(principal, [row.id for row in rows])
    return [_out(principal, row, names[row.author_id], linked.get(row.id, [])) for row in rows]


def render_one(principal: Principal, standup_id: int) -> StandupOut:
    """Re-read one entry with its references (after a write, or for a single GET)."""
    row = with_refs().where(Standup.id == standup_id).get()
    return render(principal, [row])[0]
