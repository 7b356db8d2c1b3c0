"""Who may see, edit and delete a task: personal tasks belong to creator and assignee, project tasks to the
project's members by role, administrators to everyone."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from peewee import Expression

from devcell.projects.errors import ProjectRoleRequired
from devcell.projects.service import has_role, member_project_ids, project_role
from devcell.tasks.errors import TaskEditForbidden, TaskMoveForbidden, TaskNotFound
from devcell.tasks.models import Task

if TYPE_CHECKING:
    from devcell.core.auth import Principal


@dataclass(frozen=True)
class Perms:
    see: bool
    edit: bool
    delete: bool


EVERYTHING = Perms(True, True, True)


def perms(
    principal: Principal, project_id: int | None, creator_id: int, assignee_id: int | None, role: str | None
) -> Perms:
    """`role` is the caller's role in the task's project (ignored for personal tasks)."""
    if principal.is_admin:
        return EVERYTHING
    if project_id is None:
        involved = principal.user_id in (creator_id, assignee_id)
        return Perms(involved, involved, principal.user_id == creator_id)
    return Perms(role is not None, has_role(role, "member"), has_role(role, "owner"))


def task_perms(principal: Principal, task: Task) -> tuple[Perms, str | None]:
    project_id = task.project_id
    role = None if project_id is None or principal.is_admin else project_role(principal.user_id, project_id)
    return perms(principal, project_id, task.creator_id, task.assignee_id, role), role


def require_task(principal: Principal, task_id: int, need: str = "see") -> Task:
    """The task if the caller may `need` (see | edit | delete) it: 404 when it is invisible, else 403."""
    task = Task.get_or_none(Task.id == task_id)
    if task is None:
        raise TaskNotFound(task_id)
    allowed, role = task_perms(principal, task)
    if not allowed.see:
        raise TaskNotFound(task_id)
    if need == "edit" and not allowed.edit:
        _refuse(task, role, "member", "Only the creator and the assignee can change a personal task.")
    if need == "delete" and not allowed.delete:
        _refuse(task, role, "owner", "Only the creator can delete a personal task; archive it instead.")
    return task


def check_move_out(principal: Principal, task: Task, target_project_id: int | None) -> None:
    """Moving a task to another scope (another project, or personal, or from personal into a project) removes it
    from everyone who saw it where it was, so it needs the right to delete it there: an owner of its project, the
    creator of a personal task, or an administrator. Being a member (even its creator) is not enough: a member
    could otherwise take a task away from the owner and the viewers. The target is checked separately."""
    if target_project_id == task.project_id:
        return
    allowed, role = task_perms(principal, task)
    if allowed.delete:
        return
    if task.project_id is None:
        message = "Only the creator of a personal task (or an administrator) may move it into a project."
    else:
        message = (
            "Moving a task out of its project removes it from the project: only an owner of the project or an "
            f"administrator may do it; you are {role or 'not a member'}."
        )
    raise TaskMoveForbidden(task.id, message, role)


def _refuse(task: Task, role: str | None, need: str, personal_message: str) -> None:
    if task.project_id is None:
        raise TaskEditForbidden(personal_message)
    raise ProjectRoleRequired(need, role)


def visible_tasks(principal: Principal) -> Expression | None:
    """The visibility rule above as a peewee WHERE clause, for other slices' task lookups (None: all, for
    administrators): personal tasks belong to their creator and assignee, project tasks to the project's members."""
    if principal.is_admin:
        return None
    me = principal.user_id
    personal: Expression = Task.project.is_null() & ((Task.creator == me) | (Task.assignee == me))
    return personal | Task.project.in_(member_project_ids(me))
