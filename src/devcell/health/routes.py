"""Liveness and readiness, the health report with its badge summary, and the index rebuild the report offers as
a fix."""

from __future__ import annotations

from starlette.responses import Response

from devcell import __version__
from devcell.core.auth import Access
from devcell.core.errors import ServiceUnavailable
from devcell.core.schemas import JobOut
from devcell.core.web import ApiRoute, Call, json
from devcell.health import service
from devcell.health.schemas import HealthOut, HealthQuery, HealthReportOut, HealthSummaryOut, ReadyOut


async def health(call: Call) -> HealthOut:
    """Liveness: the process answers."""
    return HealthOut(status="ok", version=__version__)


async def ready(call: Call) -> Response:
    """Readiness: database reachable, migrations current, data directory writable (503 when not). Cached for a
    few seconds; only administrators see each check's message."""
    result = await call.run(call.state.need(service.READINESS).get)
    shown = result if call.principal is not None and call.principal.is_admin else service.anonymous_view(result)
    return json(shown, 200 if result.status == "ok" else 503)  # a Response: the status depends on the answer


async def get_health(call: Call, query: HealthQuery) -> HealthReportOut:
    """Every health check with its severity, message and fix (`fresh=true` runs them again now)."""
    return await call.run(service.health_report, call.state.need(service.HEALTH), query.fresh)


async def get_health_summary(call: Call) -> HealthSummaryOut:
    """How many checks warn or are critical: the top-bar badge (no details for non-admins)."""
    return await call.run(service.health_summary, call.state.need(service.HEALTH))


async def rebuild_index(call: Call) -> JobOut:
    """Rebuild the knowledge index from the database and the files (a tracked job; search keeps answering)."""
    index = call.state.need(service.HEALTH).context.index
    if index is None:
        raise ServiceUnavailable("The knowledge index is not running.", code="not_running")
    snap = await call.run(index.start_rebuild, "an administrator asked for it", call.user.user_id)
    return JobOut.model_validate(snap)


ROUTES = [
    ApiRoute("GET", "/api/health", health, access=Access.PUBLIC, response=HealthOut),
    ApiRoute("GET", "/api/health/ready", ready, access=Access.PUBLIC, response=ReadyOut),
    ApiRoute("GET", "/api/system/health", get_health, access=Access.ADMIN, query=HealthQuery, response=HealthReportOut),
    ApiRoute("GET", "/api/system/health/summary", get_health_summary, access=Access.USER, response=HealthSummaryOut),
    ApiRoute("POST", "/api/system/index/rebuild", rebuild_index, access=Access.ADMIN, response=JobOut, status=202),
]
