"""Who can see an item, as the notification rules decide it, for @mention autocomplete and for notes' mentions:
only people who would be told of a mention are offered (a mention of anyone else notifies nobody).

The same rules as the slices' own: a project's items are for its members (any role), a personal task for its
creator and assignee, a standup for its author and (team visibility) everyone or its project's members, a note for
everyone or its project's members; administrators see everything."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from devcell.accounts.schemas import PersonOut
from devcell.accounts.service import active_admin_ids, people_among
from devcell.core.db import unit_of_work
from devcell.core.errors import ValidationFailed
from devcell.documents.service import document_project
from devcell.notifications.schemas import MentionableQuery
from devcell.projects.service import check_project, project_member_ids
from devcell.standups import service as standups
from devcell.tasks import service as tasks
from devcell.tasks.errors import TaskNotFound

if TYPE_CHECKING:
    from devcell.core.auth import Principal


@dataclass(frozen=True)
class Audience:
    """Everyone active (`user_ids` None), or these users."""

    user_ids: frozenset[int] | None

    def includes(self, user_id: int) -> bool:
        return self.user_ids is None or user_id in self.user_ids


EVERYONE = Audience(None)


def _with_admins(user_ids: set[int]) -> Audience:
    return Audience(frozenset(user_ids | active_admin_ids()))


def of_project(project_id: int) -> Audience:
    return _with_admins(project_member_ids(project_id))


def of_note(project_id: int | None) -> Audience:
    return EVERYONE if project_id is None else of_project(project_id)


def of_standup(author_id: int, project_id: int | None, visibility: str) -> Audience:
    if visibility == "private":
        return _with_admins({author_id})
    if project_id is None:
        return EVERYONE
    return _with_admins(project_member_ids(project_id) | {author_id})


def _of_task(principal: Principal, task_id: int) -> Audience:
    task = tasks.task_people(task_id)
    if task is None or not tasks.can_see(principal, task_id):
        raise TaskNotFound(task_id)
    if task.project_id is not None:
        return of_project(task.project_id)
    return _with_admins({task.creator_id} | ({task.assignee_id} if task.assignee_id is not None else set()))


def _of_existing(principal: Principal, kind: str, item_id: int, visibility: str) -> Audience:
    """The audience of an item being edited; 404 when the caller may not see it."""
    if kind == "task":
        return _of_task(principal, item_id)
    if kind == "standup":
        entry = standups.get_standup(principal, visibility, item_id)
        return of_standup(entry.author.id, entry.project.id if entry.project else None, visibility)
    if kind == "note":
        return of_note(document_project(principal, item_id))
    check_project(principal, item_id, "viewer")
    return of_project(item_id)


def _of_new(principal: Principal, kind: str, project_id: int | None, visibility: str) -> Audience:
    """The audience of an item being written, in `project_id` (None: a personal task, a new project, the team's
    standup, a note for everyone); 404 for a project the caller cannot see."""
    if project_id is not None:
        check_project(principal, project_id, "viewer")
    if kind in ("task", "project"):  # a new personal task or a new project: only its creator (and admins)
        return of_project(project_id) if project_id is not None else _with_admins({principal.user_id})
    if kind == "standup":
        return of_standup(principal.user_id, project_id, visibility)
    return of_note(project_id)


def audience(principal: Principal, query: MentionableQuery, visibility: str) -> Audience:
    if query.id is not None and query.project_id is not None:
        raise ValidationFailed.for_field("query.project_id", "give id (an item being edited) or project_id, not both")
    if query.kind == "project" and query.project_id is not None:
        raise ValidationFailed.for_field("query.project_id", "for kind project, give the project as id")
    if query.id is not None:
        return _of_existing(principal, query.kind, query.id, visibility)
    return _of_new(principal, query.kind, query.project_id, visibility)


@unit_of_work()
def mentionable(principal: Principal, query: MentionableQuery, visibility: str) -> list[PersonOut]:
    """The people the caller may @mention in an item: those who can see it, matching `q`, best first."""
    ids = audience(principal, query, visibility).user_ids
    return people_among(query.q, ids, query.limit)
