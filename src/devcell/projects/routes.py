"""HTTP routes of the projects slice."""

from __future__ import annotations

from devcell.core.web import ApiRoute

ROUTES: list[ApiRoute] = []
