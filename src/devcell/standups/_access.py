"""Who may read a standup (visibility setting, project readership) and who may change it (author, admin)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from peewee import Expression

from devcell.projects import service as projects
from devcell.standups.errors import StandupAuthorRequired, StandupNotFound
from devcell.standups.models import Standup

if TYPE_CHECKING:
    from devcell.core.auth import Principal

Visibility = Literal["team", "private"]


def readable(principal: Principal, visibility: str) -> Expression | None:
    """A WHERE clause for the standups the caller may read; None means all (administrators)."""
    if principal.is_admin:
        return None
    own: Expression = Standup.author == principal.user_id
    if visibility == "private":
        return own
    # A project-scoped entry is for that project's readers; an unscoped one is for the whole team.
    project_ids = sorted(projects.visible_project_ids(principal) or ())
    return own | Standup.project.is_null() | Standup.project.in_(project_ids)


def can_read(principal: Principal, visibility: str, standup: Standup) -> bool:
    if principal.is_admin or standup.author_id == principal.user_id:
        return True
    if visibility == "private":
        return False
    return standup.project_id is None or projects.project_role(principal.user_id, standup.project_id) is not None


def can_edit(principal: Principal, standup: Standup) -> bool:
    return principal.is_admin or standup.author_id == principal.user_id


def get_readable(principal: Principal, visibility: str, standup_id: int) -> Standup:
    """The entry, or 404 when it does not exist or the caller may not read it."""
    standup = Standup.get_or_none(Standup.id == standup_id)
    if standup is None or not can_read(principal, visibility, standup):
        raise StandupNotFound(standup_id)
    return standup


def get_editable(principal: Principal, visibility: str, standup_id: int) -> Standup:
    """The entry, 404 as above, or 403 when the caller can read but is not its author (nor an admin)."""
    standup = get_readable(principal, visibility, standup_id)
    if not can_edit(principal, standup):
        raise StandupAuthorRequired()
    return standup
