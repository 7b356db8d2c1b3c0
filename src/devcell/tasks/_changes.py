"""Changing a task: the status/progress rules, membership checks on assignee and project, and one activity row
per changed field. PATCH, bulk actions and project deletion all go through here, so the rules hold everywhere."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from devcell.accounts import service as accounts
from devcell.core.db import utcnow
from devcell.core.errors import ValidationFailed
from devcell.core.signals import announce
from devcell.projects.service import project_name, project_role, require_project
from devcell.tasks.models import Label, Task, TaskActivity, TaskLabel
from devcell.tasks.schemas import TaskChanged, TaskSignal

if TYPE_CHECKING:
    from devcell.core.auth import Principal

FIELDS = ("title", "description", "status", "progress", "priority", "due_date", "assignee_id", "project_id", "archived")
MAX_LOGGED_TEXT = 1000  # descriptions can be 20,000 characters; the log keeps enough to see what changed


def log(task_id: int, actor_id: int | None, action: str, field: str = "", old: Any = None, new: Any = None) -> None:
    TaskActivity.create(
        task=task_id,
        actor=actor_id,
        action=action,
        field=field,
        old_value=_text(old),
        new_value=_text(new),
        created_at=utcnow(),
    )


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, date | datetime):
        return value.isoformat()
    text = str(value)
    return text if len(text) <= MAX_LOGGED_TEXT else text[: MAX_LOGGED_TEXT - 1] + "…"


def check_assignee(assignee_id: int | None, project_id: int | None, field: str = "assignee_id") -> None:
    """The assignee must be an active user and, for a project task, someone who can work on it there: a member or
    an owner of that project, not a viewer (422 otherwise)."""
    if assignee_id is None:
        return
    if not accounts.is_active_user(assignee_id):
        raise ValidationFailed.for_field(field, "there is no active user with this id")
    if project_id is not None and not can_be_assigned(assignee_id, project_id):
        raise ValidationFailed.for_field(field, NOT_ASSIGNABLE)


NOT_ASSIGNABLE = "must be a member or owner of the task's project (viewers can't be assigned tasks)"


def can_be_assigned(user_id: int, project_id: int) -> bool:
    """Whether the user can work on the project's tasks: members and owners can, viewers and outsiders cannot."""
    return project_role(user_id, project_id) in ("member", "owner")


def check_target_project(principal: Principal, project_id: int | None) -> None:
    """Putting a task into a project needs the member role there (the original never checked, A5)."""
    if project_id is not None:
        require_project(principal, project_id, "member")


def normalise(task: Task, changes: dict[str, Any]) -> dict[str, Any]:
    """Apply the progress rules to the requested changes: done means 100 %; lowering the progress of a done task
    reopens it as in progress; 100 % alone does not close a task."""
    out = dict(changes)
    status = out.get("status", task.status)
    if out.get("status") == "done":
        out["progress"] = 100
    elif task.status == "done" and "status" not in out and out.get("progress", 100) < 100:
        out["status"] = status = "in_progress"
    if status == "done" and task.status != "done":
        out["completed_at"] = utcnow()
    elif status != "done" and task.status == "done":
        out["completed_at"] = None
    return out


def _names(task: Task, field: str, new: Any) -> tuple[Any, Any]:
    """Old and new values as people read them: user names and project names rather than ids."""
    old = getattr(task, field)
    if field == "assignee_id":
        return _username(old), _username(new)
    if field == "project_id":
        return _project_name(old), _project_name(new)
    return old, new


def _username(user_id: int | None) -> str | None:
    return None if user_id is None else accounts.username_of(user_id)


def _project_name(project_id: int | None) -> str | None:
    return None if project_id is None else project_name(project_id)


def _action(field: str, new: Any) -> str:
    if field == "archived":
        return "archived" if new else "restored"
    return "moved" if field == "project_id" else "updated"


def apply(task: Task, changes: dict[str, Any], actor_id: int | None) -> bool:
    """Save the changes that differ from the task, logging each; returns whether anything changed."""
    changes = normalise(task, changes)
    changed = {f: v for f, v in changes.items() if getattr(task, f) != v}
    if not changed:
        return False
    for field, new in changed.items():
        if field in FIELDS:
            old, new_text = _names(task, field, new)
            log(task.id, actor_id, _action(field, new), field.removesuffix("_id"), old, new_text)
    before = {field: getattr(task, field) for field in changed}
    for field, new in changed.items():
        setattr(task, field, new)
    task.updated_at = utcnow()
    task.save()
    if "project_id" in changed:
        _drop_other_projects_labels(task.id, task.project_id)
    changes_seen = {field: (before[field], new) for field, new in changed.items() if field in FIELDS}
    announce(TaskChanged(**signal_fields(task, actor_id), changes=changes_seen))
    return True


def _drop_other_projects_labels(task_id: int, project_id: int | None) -> None:
    """A moved task keeps its global labels and loses the old project's: those mean nothing where it went."""
    others = Label.select(Label.id).where(Label.project.is_null(False))
    if project_id is not None:
        others = others.where(Label.project != project_id)
    TaskLabel.delete().where(TaskLabel.task == task_id, TaskLabel.label.in_(others)).execute()


def signal_fields(task: Task, actor_id: int | None) -> dict[str, Any]:
    """What every task signal carries, as the task is now."""
    fields = TaskSignal(task.id, actor_id, task.project_id, task.title, task.creator_id, task.assignee_id)
    return dict(fields.__dict__)
