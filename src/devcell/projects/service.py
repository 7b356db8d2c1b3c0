"""Projects: the role seams other slices use, listing, create, edit, archive and delete."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, Protocol, cast

from peewee import IntegrityError, ModelSelect, fn

from devcell.accounts.service import OwnedData, register_owned_data, user_briefs
from devcell.core.db import contains_folded, is_postgresql, run_sql, unit_of_work, utcnow
from devcell.core.signals import announce
from devcell.projects.errors import ProjectNameTaken, ProjectNotFound, ProjectRoleRequired
from devcell.projects.models import Project, ProjectMember
from devcell.projects.schemas import (
    ProjectCreate,
    ProjectDescribed,
    ProjectOut,
    ProjectPage,
    ProjectPatch,
    ProjectQuery,
    ProjectRole,
    ProjectStatus,
    TaskCounts,
    UserRef,
)

if TYPE_CHECKING:
    from devcell.core.auth import Principal

ROLE_RANK = {"viewer": 1, "member": 2, "owner": 3}

# (project_id, "archive" | "delete", acting user id): the tasks slice registers how it detaches or deletes a
# project's tasks; projects cannot import tasks (tasks imports projects), so it hooks in at import time.
ProjectDeletionHook = Callable[[int, str, int], None]
# project_id -> {status: count} of its non-archived tasks, for ProjectOut.task_counts (registered by tasks).
TaskCounter = Callable[[list[int]], dict[int, dict[str, int]]]
_DELETION_HOOKS: list[ProjectDeletionHook] = []
_TASK_COUNTERS: list[TaskCounter] = []


def rows_of(query: ModelSelect[Any]) -> Iterable[tuple[Any, ...]]:
    """The query's rows as plain tuples (peewee's stub types every row as a model instance)."""
    return cast(Iterable[tuple[Any, ...]], query.tuples())


def on_project_deletion(hook: ProjectDeletionHook) -> None:
    if hook not in _DELETION_HOOKS:
        _DELETION_HOOKS.append(hook)


def provide_task_counts(counter: TaskCounter) -> None:
    _TASK_COUNTERS[:] = [counter]


# Role seams (also used by tasks, standups, dashboard)


# Raw SQL in these seams: they run on every task-list request, and peewee's query building costs ~10x the
# query itself here (measured: 146 us vs 10 us for roles_of).


@unit_of_work()
def project_role(user_id: int, project_id: int) -> str | None:
    """The user's role in the project, or None when not a member."""
    row = run_sql(
        "SELECT role FROM project_member WHERE project_id = ? AND user_id = ?", (project_id, user_id)
    ).fetchone()
    return str(row[0]) if row else None


@unit_of_work()
def project_name(project_id: int) -> str | None:
    project = Project.get_or_none(Project.id == project_id)
    return None if project is None else str(project.name)


@unit_of_work()
def project_names(project_ids: Iterable[int]) -> dict[int, str]:
    """The names of the projects among `project_ids` that exist, by id: one `IN` query for a whole page."""
    ids = sorted(set(project_ids))
    if not ids:
        return {}
    return {
        int(pid): str(name)
        for pid, name in rows_of(Project.select(Project.id, Project.name).where(Project.id.in_(ids)))
    }


def project_name_of(project_id: Any) -> ModelSelect[Project]:
    """The name of the project whose id is in `project_id` (a column of the caller's query), as a correlated
    subquery to select beside each row with `.alias(...)`: a page gets its project names in its one statement,
    without joining the projects table (NULL where the column is NULL)."""
    return Project.select(Project.name).where(Project.id == project_id)


@unit_of_work()
def roles_of(user_id: int) -> dict[int, str]:
    """Every project the user belongs to, with the role: one query for callers that check many projects."""
    rows = run_sql("SELECT project_id, role FROM project_member WHERE user_id = ?", (user_id,))
    return {int(project_id): str(role) for project_id, role in rows.fetchall()}


@unit_of_work()
def project_member_ids(project_id: int) -> set[int]:
    """The ids of everyone in the project, whatever their role."""
    rows = run_sql("SELECT user_id FROM project_member WHERE project_id = ?", (project_id,))
    return {int(row[0]) for row in rows.fetchall()}


@unit_of_work()
def project_owner_ids(project_id: int) -> list[int]:
    """The ids of the project's owners."""
    rows = run_sql(
        "SELECT user_id FROM project_member WHERE project_id = ? AND role = 'owner' ORDER BY user_id", (project_id,)
    )
    return [int(row[0]) for row in rows.fetchall()]


@unit_of_work()
def standup_times() -> dict[int, str]:
    """The projects (not archived) that hold their standup at their own time: project id -> "HH:MM"."""
    rows = run_sql("SELECT id, standup_time FROM project WHERE standup_time != '' AND NOT archived")
    return {int(project_id): str(at) for project_id, at in rows.fetchall()}


def member_project_ids(user_id: int) -> ModelSelect[ProjectMember]:
    """The ids of the projects the user belongs to, as a subquery for `.in_()`: the visibility rule stays part of
    the caller's one SQL statement (nothing runs until the caller's query does)."""
    return ProjectMember.select(ProjectMember.project).where(ProjectMember.user == user_id)


def visible_project_ids(principal: Principal) -> set[int] | None:
    """Projects the caller may read; None for an administrator (everything)."""
    if principal.is_admin:
        return None
    return set(roles_of(principal.user_id))


def has_role(role: str | None, need: str) -> bool:
    return role is not None and ROLE_RANK[role] >= ROLE_RANK[need]


@unit_of_work()
def check_project(principal: Principal, project_id: int, need: str = "viewer") -> str | None:
    """Like require_project without loading the row: returns the caller's role (None for a non-member admin)."""
    row = run_sql(
        "SELECT m.role FROM project p LEFT JOIN project_member m ON m.project_id = p.id AND m.user_id = ? "
        "WHERE p.id = ?",
        (principal.user_id, project_id),
    ).fetchone()
    if row is None or (row[0] is None and not principal.is_admin):
        raise ProjectNotFound(project_id)
    role = None if row[0] is None else str(row[0])
    if not principal.is_admin and not has_role(role, need):
        raise ProjectRoleRequired(need, role)
    return role


@unit_of_work()
def require_project(principal: Principal, project_id: int, need: str = "viewer") -> Project:
    """The project if the caller holds at least `need` in it (administrators always do).

    404 when it does not exist or the caller is not a member (no existence leak); 403 when the role is too low."""
    check_project(principal, project_id, need)
    return Project.get_by_id(project_id)


# Output


class NamedUser(Protocol):
    """What a UserRef is made of: accounts.service.UserBrief (see user_briefs) has it."""

    @property
    def id(self) -> int: ...

    @property
    def username(self) -> str: ...

    @property
    def display_name(self) -> str: ...


def user_ref(user: NamedUser) -> UserRef:
    return UserRef(id=user.id, username=user.username, display_name=user.display_name)


def _member_counts(project_ids: list[int]) -> dict[int, int]:
    rows = (
        ProjectMember.select(ProjectMember.project, fn.COUNT(ProjectMember.user))
        .where(ProjectMember.project.in_(project_ids))
        .group_by(ProjectMember.project)
    )
    return {int(pid): int(n) for pid, n in rows_of(rows)}


def _task_counts(project_ids: list[int]) -> dict[int, TaskCounts]:
    by_status: dict[int, dict[str, int]] = {}
    for counter in _TASK_COUNTERS:
        by_status = counter(project_ids)
    return {pid: TaskCounts(total=sum(counts.values()), **counts) for pid, counts in by_status.items()}


def _outputs(projects: list[Project], principal: Principal) -> list[ProjectOut]:
    """ProjectOut for a page of projects: four grouped queries (creators, member and task counts, roles), not one
    per row."""
    ids = [p.id for p in projects]
    creators = user_briefs(p.created_by_id for p in projects)
    members = _member_counts(ids)
    tasks = _task_counts(ids)
    roles = roles_of(principal.user_id)
    out = []
    for project in projects:
        role = roles.get(project.id)
        out.append(
            ProjectOut(
                id=project.id,
                name=project.name,
                description=project.description,
                status=cast(ProjectStatus, project.status),
                archived=project.archived,
                standup_time=project.standup_time,
                created_by=user_ref(creators[project.created_by_id]),
                created_at=project.created_at,
                updated_at=project.updated_at,
                my_role=cast(ProjectRole | None, role),
                can_edit=principal.is_admin or has_role(role, "member"),
                can_manage=principal.is_admin or has_role(role, "owner"),
                member_count=members.get(project.id, 0),
                task_counts=tasks.get(project.id, TaskCounts()),
            )
        )
    return out


def _one(principal: Principal, project_id: int) -> ProjectOut:
    return _outputs(list(Project.select().where(Project.id == project_id)), principal)[0]


# Reads


@unit_of_work()
def list_projects(principal: Principal, query: ProjectQuery) -> ProjectPage:
    select = Project.select()
    if not principal.is_admin or query.mine:
        select = select.where(Project.id.in_(member_project_ids(principal.user_id)))
    if query.q:
        # instr() rather than LIKE: "50%" or "a_b" mean those characters, not wildcards.
        select = select.where(contains_folded(Project.name, query.q) | contains_folded(Project.description, query.q))
    if query.status is not None:
        select = select.where(Project.status == query.status)
    if query.archived != "all":
        select = select.where(Project.archived == (query.archived == "true"))
    total = select.count()
    # name is COLLATE NOCASE on SQLite; PostgreSQL sorts by lower(name) for the same order.
    by_name = fn.lower(Project.name) if is_postgresql() else Project.name
    page = list(select.order_by(by_name, Project.id).limit(query.limit).offset(query.offset))
    return ProjectPage(items=_outputs(page, principal), total=total, limit=query.limit, offset=query.offset)


@unit_of_work()
def get_project(principal: Principal, project_id: int) -> ProjectOut:
    require_project(principal, project_id, "viewer")
    return _one(principal, project_id)


# Writes


@unit_of_work(write=True)
def create_project(principal: Principal, data: ProjectCreate) -> ProjectOut:
    """Any user may create a project; the creator becomes its owner."""
    now = utcnow()
    try:
        # SQLite undoes only the failing statement, so the unit of work stays usable after a duplicate name.
        project = Project.create(**data.model_dump(), created_by=principal.user_id, created_at=now, updated_at=now)
    except IntegrityError:
        raise ProjectNameTaken(data.name) from None
    ProjectMember.create(project=project.id, user=principal.user_id, role="owner", added_at=now)
    if project.description:
        announce(ProjectDescribed(project.id, principal.user_id, project.name, project.description, ""))
    return _one(principal, project.id)


@unit_of_work(write=True)
def update_project(principal: Principal, project_id: int, patch: ProjectPatch) -> ProjectOut:
    project = require_project(principal, project_id, "owner")
    before = project.description
    changes = patch.model_dump(include=patch.model_fields_set)
    if "description" in changes and changes["description"] is None:
        changes["description"] = ""
    for field, value in changes.items():
        setattr(project, field, value)
    project.updated_at = utcnow()
    try:
        project.save()
    except IntegrityError:
        raise ProjectNameTaken(str(patch.name)) from None
    if project.description != before:
        announce(ProjectDescribed(project.id, principal.user_id, project.name, project.description, before))
    return _one(principal, project_id)


@unit_of_work(write=True)
def delete_project(principal: Principal, project_id: int, tasks: str) -> None:
    """Delete a project after its tasks are archived as personal tasks or deleted (`tasks`); members go with
    it, standups stay (their project becomes empty)."""
    require_project(principal, project_id, "owner")
    for hook in _DELETION_HOOKS:
        hook(project_id, tasks, principal.user_id)
    Project.delete().where(Project.id == project_id).execute()


# Deleting a user: projects they created or solely own must find a new owner first.


def _sole_owner_projects(user_id: int) -> set[int]:
    owned = ProjectMember.select(ProjectMember.project).where(
        ProjectMember.user == user_id, ProjectMember.role == "owner"
    )
    co_owned = (
        ProjectMember.select(ProjectMember.project)
        .where(ProjectMember.project.in_(owned), ProjectMember.role == "owner", ProjectMember.user != user_id)
        .distinct()
    )
    return {int(r[0]) for r in rows_of(owned)} - {int(r[0]) for r in rows_of(co_owned)}


def _owned_projects(user_id: int) -> int:
    created = {int(r[0]) for r in rows_of(Project.select(Project.id).where(Project.created_by == user_id))}
    return len(created | _sole_owner_projects(user_id))


def _reassign_projects(from_id: int, to_id: int) -> None:
    """The new user takes over as creator and as owner wherever the old one was an owner."""
    Project.update(created_by=to_id).where(Project.created_by == from_id).execute()
    owned = ProjectMember.select(ProjectMember.project).where(
        ProjectMember.user == from_id, ProjectMember.role == "owner"
    )
    now = utcnow()
    for (project_id,) in rows_of(owned):
        ProjectMember.insert(project=project_id, user=to_id, role="owner", added_at=now).on_conflict(
            conflict_target=[ProjectMember.project, ProjectMember.user], update={ProjectMember.role: "owner"}
        ).execute()


register_owned_data(OwnedData("projects", _owned_projects, _reassign_projects))
