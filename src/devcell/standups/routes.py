"""HTTP routes of the standups slice: file, read, edit, convert to tasks, export a day."""

from __future__ import annotations

from starlette.responses import Response

from devcell.core.auth import Access
from devcell.core.web import ApiRoute, Call
from devcell.settings.service import SETTINGS_STORE
from devcell.standups import _conversion, _export, service
from devcell.standups.schemas import (
    ConvertIn,
    ConvertOut,
    ExportQuery,
    RosterOut,
    RosterQuery,
    StandupCreate,
    StandupOut,
    StandupPage,
    StandupPatch,
    StandupQuery,
    TodayOut,
)


def _visibility(call: Call) -> str:
    return call.state.need(SETTINGS_STORE).get_str("standup_visibility")


def _appliance_zone(call: Call) -> str:
    return call.state.need(SETTINGS_STORE).time_zone()


async def list_standups(call: Call, query: StandupQuery) -> StandupPage:
    """Standups you may read, newest day first; filter by day, from/to, author and project."""
    return await call.run(service.list_standups, call.user, _visibility(call), query)


async def create_standup(call: Call, body: StandupCreate) -> StandupOut:
    """File your standup for today or your next working day; 409 standup_exists (detail.id) if already filed."""
    return await call.run(service.create_standup, call.user, body, _appliance_zone(call))


async def today(call: Call) -> TodayOut:
    """Your local today, your next working day, and your entry for today if you filed one."""
    return call.read(service.today_overview, call.user, _appliance_zone(call))


async def roster(call: Call, query: RosterQuery) -> RosterOut:
    """Who filed a standup for the day, who has not, who is away (everyone, or a project's members)."""
    return await call.run(service.roster, call.user, _visibility(call), query, _appliance_zone(call))


async def export_day(call: Call, query: ExportQuery) -> Response:
    """One day's standups you may read, as a Markdown file."""
    text = await call.run(service.export_day, call.user, _visibility(call), query.day, query.project)
    disposition = f'attachment; filename="{_export.filename(query.day)}"'
    return Response(text, media_type="text/markdown; charset=utf-8", headers={"Content-Disposition": disposition})


async def get_standup(call: Call) -> StandupOut:
    """One standup with the tasks converted from it that you can see."""
    return call.read(service.get_standup, call.user, _visibility(call), call.path_int("standup_id"))


async def patch_standup(call: Call, body: StandupPatch) -> StandupOut:
    """Edit your standup's sections or project (administrators: anyone's); the day cannot change."""
    standup_id = call.path_int("standup_id")
    return await call.run(service.update_standup, call.user, _visibility(call), standup_id, body)


async def delete_standup(call: Call) -> None:
    """Delete your standup (administrators: anyone's); tasks made from it stay."""
    await call.run(service.delete_standup, call.user, _visibility(call), call.path_int("standup_id"))


async def convert_standup(call: Call, body: ConvertIn) -> ConvertOut:
    """Turn chosen lines of your standup into tasks that link back to it (all or none)."""
    standup_id = call.path_int("standup_id")
    return await call.run(_conversion.convert, call.user, _visibility(call), _appliance_zone(call), standup_id, body)


U = Access.USER
ONE = "/api/standups/{standup_id:int}"
ROUTES = [
    ApiRoute("GET", "/api/standups", list_standups, access=U, query=StandupQuery, response=StandupPage),
    ApiRoute("POST", "/api/standups", create_standup, access=U, body=StandupCreate, response=StandupOut, status=201),
    ApiRoute("GET", "/api/standups/today", today, access=U, response=TodayOut),
    ApiRoute("GET", "/api/standups/roster", roster, access=U, query=RosterQuery, response=RosterOut),
    ApiRoute("GET", "/api/standups/export", export_day, access=U, query=ExportQuery),
    ApiRoute("GET", ONE, get_standup, access=U, response=StandupOut),
    ApiRoute("PATCH", ONE, patch_standup, access=U, body=StandupPatch, response=StandupOut),
    ApiRoute("DELETE", ONE, delete_standup, access=U, status=204),
    ApiRoute("POST", ONE + "/convert", convert_standup, access=U, body=ConvertIn, response=ConvertOut, status=201),
]
