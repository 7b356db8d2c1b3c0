"""Workflow errors, each with a stable code."""

from __future__ import annotations

from devcell.core.errors import NotFound


class WorkflowNotFound(NotFound):
    """Also for someone else's workflow (administrators included): a run is its author's."""

    code = "workflow_not_found"

    def __init__(self, run_id: int) -> None:
        super().__init__(f"You have no workflow with id {run_id}.")
