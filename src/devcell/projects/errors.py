"""Projects errors, each with a stable code."""

from __future__ import annotations

from devcell.core.errors import Conflict, Forbidden, NotFound


class ProjectNotFound(NotFound):
    """Also for projects that exist but the caller cannot see: ids must not leak."""

    code = "project_not_found"

    def __init__(self, project_id: int) -> None:
        super().__init__(f"There is no project with id {project_id}, or you are not a member of it.")


class ProjectRoleRequired(Forbidden):
    code = "project_role_required"

    def __init__(self, need: str, have: str | None) -> None:
        verb = {"viewer": "see", "member": "edit", "owner": "manage"}.get(need, "do this in")
        super().__init__(
            f"You need the {need} role (or higher) in this project to {verb} it; you are {have or 'not a member'}.",
            detail={"need": need, "have": have},
        )


class ProjectNameTaken(Conflict):
    code = "project_name_taken"

    def __init__(self, name: str) -> None:
        super().__init__(
            f"There is already a project called {name!r}.",
            detail=[{"field": "name", "message": "is already in use"}],
        )


class AlreadyMember(Conflict):
    code = "already_member"

    def __init__(self, username: str) -> None:
        super().__init__(f"{username} is already a member of this project; change their role instead.")


class MemberNotFound(NotFound):
    code = "member_not_found"

    def __init__(self, username: str) -> None:
        super().__init__(f"{username} is not a member of this project.")


class LastOwner(Conflict):
    code = "last_owner"

    def __init__(self) -> None:
        super().__init__(
            "A project needs at least one owner. Make another member an owner first, or delete the project."
        )
