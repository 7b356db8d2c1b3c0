"""HTTP routes of the dashboard slice."""

from __future__ import annotations

from devcell.core.web import ApiRoute

ROUTES: list[ApiRoute] = []
