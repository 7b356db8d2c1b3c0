"""HTTP routes of the projects slice: projects and their members."""

from __future__ import annotations

from devcell.core.auth import Access
from devcell.core.web import ApiRoute, Call
from devcell.projects import _members, service
from devcell.projects.schemas import (
    DeleteProjectQuery,
    MemberAdd,
    MemberList,
    MemberOut,
    MemberPatch,
    ProjectCreate,
    ProjectOut,
    ProjectPage,
    ProjectPatch,
    ProjectQuery,
)


async def list_projects(call: Call, query: ProjectQuery) -> ProjectPage:
    """Projects I am a member of (administrators: all, or only their own with mine=true)."""
    return await call.run(service.list_projects, call.user, query)


async def create_project(call: Call, body: ProjectCreate) -> ProjectOut:
    """Create a project; you become its owner."""
    return await call.run(service.create_project, call.user, body)


async def get_project(call: Call) -> ProjectOut:
    """One project, with my role, member count and task counts."""
    return await call.run(service.get_project, call.user, call.path_int("project_id"))


async def patch_project(call: Call, body: ProjectPatch) -> ProjectOut:
    """Rename, describe, set the status of, or archive a project (owners)."""
    return await call.run(service.update_project, call.user, call.path_int("project_id"), body)


async def delete_project(call: Call, query: DeleteProjectQuery) -> None:
    """Delete a project; `tasks=archive` keeps its tasks as archived personal tasks, `tasks=delete` deletes them."""
    await call.run(service.delete_project, call.user, call.path_int("project_id"), query.tasks)


async def list_members(call: Call) -> MemberList:
    """The project's members and their roles, owners first."""
    return await call.run(_members.list_members, call.user, call.path_int("project_id"))


async def add_member(call: Call, body: MemberAdd) -> MemberOut:
    """Add an existing user to the project by user name (owners)."""
    return await call.run(_members.add_member, call.user, call.path_int("project_id"), body)


async def patch_member(call: Call, body: MemberPatch) -> MemberOut:
    """Change a member's role; make someone owner to hand over the project (owners)."""
    username = call.request.path_params["username"]
    return await call.run(_members.change_role, call.user, call.path_int("project_id"), username, body)


async def remove_member(call: Call) -> None:
    """Remove a member (owners), or leave the project yourself; the last owner cannot go."""
    username = call.request.path_params["username"]
    await call.run(_members.remove_member, call.user, call.path_int("project_id"), username)


U = Access.USER
PROJECT = "/api/projects/{project_id:int}"
MEMBER = PROJECT + "/members/{username}"
ROUTES = [
    ApiRoute("GET", "/api/projects", list_projects, access=U, query=ProjectQuery, response=ProjectPage),
    ApiRoute("POST", "/api/projects", create_project, access=U, body=ProjectCreate, response=ProjectOut, status=201),
    ApiRoute("GET", PROJECT, get_project, access=U, response=ProjectOut),
    ApiRoute("PATCH", PROJECT, patch_project, access=U, body=ProjectPatch, response=ProjectOut),
    ApiRoute("DELETE", PROJECT, delete_project, access=U, query=DeleteProjectQuery, status=204),
    ApiRoute("GET", PROJECT + "/members", list_members, access=U, response=MemberList),
    ApiRoute("POST", PROJECT + "/members", add_member, access=U, body=MemberAdd, response=MemberOut, status=201),
    ApiRoute("PATCH", MEMBER, patch_member, access=U, body=MemberPatch, response=MemberOut),
    ApiRoute("DELETE", MEMBER, remove_member, access=U, status=204),
]
