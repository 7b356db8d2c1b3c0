"""GET/PATCH /api/settings (administrators)."""

from __future__ import annotations

from devcell.core.auth import Access
from devcell.core.web import ApiRoute, Call
from devcell.settings.schemas import SettingsOut, SettingsPatch
from devcell.settings.service import SETTINGS_STORE


async def get_settings(call: Call) -> SettingsOut:
    """Every runtime setting with its effective value, default and source."""
    return call.read(call.state.need(SETTINGS_STORE).describe)


async def patch_settings(call: Call, body: SettingsPatch) -> SettingsOut:
    """Save settings (validated all together) and apply them live; null resets to the default."""
    return await call.run(call.state.need(SETTINGS_STORE).save, body.values, call.user.user_id)


ROUTES = [
    ApiRoute("GET", "/api/settings", get_settings, access=Access.ADMIN, response=SettingsOut),
    ApiRoute("PATCH", "/api/settings", patch_settings, access=Access.ADMIN, body=SettingsPatch, response=SettingsOut),
]
