"""HTTP route of the finder: the command palette's search."""

from __future__ import annotations

from devcell.core.auth import Access
from devcell.core.web import ApiRoute, Call
from devcell.finder import service
from devcell.finder.schemas import FindOut, FindQuery


async def find(call: Call, query: FindQuery) -> FindOut:
    """Tasks, projects, documents and people I may open whose names hold every word of `q`, best first."""
    return await call.run(service.find, call.user, query)


ROUTES = [ApiRoute("GET", "/api/find", find, access=Access.USER, query=FindQuery, response=FindOut)]
