"""HTTP routes of the dashboard slice."""

from __future__ import annotations

from starlette.responses import Response

from devcell.core.auth import Access
from devcell.core.web import ApiRoute, Call, json
from devcell.dashboard import service
from devcell.dashboard.schemas import DashboardOut


async def get_dashboard(call: Call) -> Response:
    """Your day: standup status, your tasks by status, due soon and overdue, recent activity, projects, a chart."""
    settings = call.state.settings
    visibility, zone = settings.get_str("standup_visibility"), settings.get_str("time_zone")
    return json(await call.run(service.dashboard, call.user, visibility, zone))


ROUTES = [ApiRoute("GET", "/api/dashboard", get_dashboard, access=Access.USER, response=DashboardOut)]
