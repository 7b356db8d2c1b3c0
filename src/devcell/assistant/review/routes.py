"""HTTP routes (placeholder: the owning helper fills it)."""

from __future__ import annotations

from devcell.core.web import ApiRoute

ROUTES: list[ApiRoute] = []
