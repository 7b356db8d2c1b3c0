"""Project membership: list, add by user name, change role (ownership transfer), remove or leave."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from devcell.accounts.service import UserBrief, user_brief_by_name, user_briefs
from devcell.core.db import unit_of_work, utcnow
from devcell.core.errors import ValidationFailed
from devcell.projects.errors import AlreadyMember, LastOwner, MemberNotFound
from devcell.projects.models import ProjectMember
from devcell.projects.schemas import MemberAdd, MemberList, MemberOut, MemberPatch, ProjectRole
from devcell.projects.service import check_project, require_project, user_ref

if TYPE_CHECKING:
    from devcell.core.auth import Principal

# Owners first, then members, then viewers: the order a members panel reads best in.
_ROLE_ORDER = {"owner": 0, "member": 1}


def _out(member: ProjectMember, user: UserBrief) -> MemberOut:
    return MemberOut(user=user_ref(user), role=cast(ProjectRole, member.role), added_at=member.added_at)


def _member(project_id: int, username: str) -> tuple[ProjectMember, UserBrief]:
    user = user_brief_by_name(username)
    member = (
        None
        if user is None
        else ProjectMember.get_or_none(ProjectMember.project == project_id, ProjectMember.user == user.id)
    )
    if member is None or user is None:
        raise MemberNotFound(username)
    return member, user


def _other_owners(project_id: int, user_id: int) -> int:
    return int(
        ProjectMember.select()
        .where(ProjectMember.project == project_id, ProjectMember.role == "owner", ProjectMember.user != user_id)
        .count()
    )


def _guard_last_owner(project_id: int, member: ProjectMember) -> None:
    if member.role == "owner" and _other_owners(project_id, member.user_id) == 0:
        raise LastOwner()


@unit_of_work()
def list_members(principal: Principal, project_id: int) -> MemberList:
    check_project(principal, project_id, "viewer")
    members = list(ProjectMember.select().where(ProjectMember.project == project_id))
    users = user_briefs(m.user_id for m in members)
    members.sort(key=lambda m: (_ROLE_ORDER.get(m.role, 2), users[m.user_id].username))
    return MemberList(items=[_out(m, users[m.user_id]) for m in members])


@unit_of_work(write=True)
def add_member(principal: Principal, project_id: int, data: MemberAdd) -> MemberOut:
    """Add an existing, active user by user name (never creates one, never guesses case)."""
    require_project(principal, project_id, "owner")
    user = user_brief_by_name(data.username)
    if user is None or not user.active:
        raise ValidationFailed.for_field("username", "there is no active user with this user name")
    exists = ProjectMember.get_or_none(ProjectMember.project == project_id, ProjectMember.user == user.id)
    if exists is not None:
        raise AlreadyMember(user.username)
    member = ProjectMember.create(project=project_id, user=user.id, role=data.role, added_at=utcnow())
    return _out(member, user)


@unit_of_work(write=True)
def change_role(principal: Principal, project_id: int, username: str, data: MemberPatch) -> MemberOut:
    """Change a member's role; making someone owner is how ownership is handed over."""
    require_project(principal, project_id, "owner")
    member, user = _member(project_id, username)
    if data.role != "owner":
        _guard_last_owner(project_id, member)
    ProjectMember.update(role=data.role).where(
        ProjectMember.project == project_id, ProjectMember.user == user.id
    ).execute()
    member.role = data.role
    return _out(member, user)


@unit_of_work(write=True)
def remove_member(principal: Principal, project_id: int, username: str) -> None:
    """Owners remove anyone; any member may remove themself (leave). The last owner stays."""
    leaving = username.strip().lower() == principal.username
    require_project(principal, project_id, "viewer" if leaving else "owner")
    member, user = _member(project_id, username)
    _guard_last_owner(project_id, member)
    ProjectMember.delete().where(ProjectMember.project == project_id, ProjectMember.user == user.id).execute()
