"""HTTP routes of the dashboard slice."""

from __future__ import annotations

from devcell.core.auth import Access
from devcell.core.web import ApiRoute, Call
from devcell.dashboard import service
from devcell.dashboard.schemas import DashboardOut
from devcell.settings.service import SETTINGS_STORE


async def get_dashboard(call: Call) -> DashboardOut:
    """Your day: standup status, your tasks by status, due soon and overdue, recent activity, projects, a chart."""
    settings = call.state.need(SETTINGS_STORE)
    visibility = settings.get_str("standup_visibility")
    return await call.run(service.dashboard, call.user, visibility, settings.time_zone())


ROUTES = [ApiRoute("GET", "/api/dashboard", get_dashboard, access=Access.USER, response=DashboardOut)]
