"""HTTP routes of the standups slice."""

from __future__ import annotations

from devcell.core.web import ApiRoute

ROUTES: list[ApiRoute] = []
