"""HTTP routes of the assistant slice: summaries and SITREPs here, plus review and workflows from their packages."""

from __future__ import annotations

from devcell.assistant.review import routes as review_routes
from devcell.assistant.workflows import routes as workflow_routes
from devcell.core.web import ApiRoute

BRIEF_ROUTES: list[ApiRoute] = []

ROUTES: list[ApiRoute] = [*BRIEF_ROUTES, *review_routes.ROUTES, *workflow_routes.ROUTES]
