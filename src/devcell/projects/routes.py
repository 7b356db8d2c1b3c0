"""HTTP routes of the projects slice: projects and their members."""

from __future__ import annotations

from starlette.responses import Response

from devcell.core.auth import Access
from devcell.core.web import ApiRoute, Call, json, no_content
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


async def list_projects(call: Call) -> Response:
    """Projects I am a member of (administrators: all, or only their own with mine=true)."""
    query = call.query(ProjectQuery)
    return json(await call.run(service.list_projects, call.user, query))


async def create_project(call: Call) -> Response:
    """Create a project; you become its owner."""
    data = await call.body(ProjectCreate)
    return json(await call.run(service.create_project, call.user, data), 201)


async def get_project(call: Call) -> Response:
    """One project, with my role, member count and task counts."""
    return json(await call.run(service.get_project, call.user, call.path_int("project_id")))


async def patch_project(call: Call) -> Response:
    """Rename, describe, set the status of, or archive a project (owners)."""
    patch = await call.body(ProjectPatch)
    return json(await call.run(service.update_project, call.user, call.path_int("project_id"), patch))


async def delete_project(call: Call) -> Response:
    """Delete a project; `tasks=archive` keeps its tasks as archived personal tasks, `tasks=delete` deletes them."""
    query = call.query(DeleteProjectQuery)
    await call.run(service.delete_project, call.user, call.path_int("project_id"), query.tasks)
    return no_content()


async def list_members(call: Call) -> Response:
    """The project's members and their roles, owners first."""
    return json(await call.run(_members.list_members, call.user, call.path_int("project_id")))


async def add_member(call: Call) -> Response:
    """Add an existing user to the project by user name (owners)."""
    data = await call.body(MemberAdd)
    return json(await call.run(_members.add_member, call.user, call.path_int("project_id"), data), 201)


async def patch_member(call: Call) -> Response:
    """Change a member's role; make someone owner to hand over the project (owners)."""
    data = await call.body(MemberPatch)
    username = call.request.path_params["username"]
    return json(await call.run(_members.change_role, call.user, call.path_int("project_id"), username, data))


async def remove_member(call: Call) -> Response:
    """Remove a member (owners), or leave the project yourself; the last owner cannot go."""
    username = call.request.path_params["username"]
    await call.run(_members.remove_member, call.user, call.path_int("project_id"), username)
    return no_content()


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
