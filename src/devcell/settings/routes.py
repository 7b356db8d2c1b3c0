"""GET/PATCH /api/settings (administrators)."""

from __future__ import annotations

from starlette.responses import Response

from devcell.core.auth import Access
from devcell.core.web import ApiRoute, Call, json
from devcell.settings.schemas import SettingsOut, SettingsPatch


async def get_settings(call: Call) -> Response:
    """Every runtime setting with its effective value, default and source."""
    return json(call.read(call.state.settings.describe))


async def patch_settings(call: Call) -> Response:
    """Save settings (validated all together) and apply them live; null resets to the default."""
    patch = await call.body(SettingsPatch)
    return json(await call.run(call.state.settings.save, patch.values, call.user.user_id))


ROUTES = [
    ApiRoute("GET", "/api/settings", get_settings, access=Access.ADMIN, response=SettingsOut),
    ApiRoute("PATCH", "/api/settings", patch_settings, access=Access.ADMIN, body=SettingsPatch, response=SettingsOut),
]
