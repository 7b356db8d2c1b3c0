"""Assistant errors (summaries and SITREPs), each with a stable code. LLM failures are core.llm's errors."""

from __future__ import annotations

from devcell.core.errors import Conflict, NotFound


class SitrepNotFound(NotFound):
    """Also for another user's SITREP: a SITREP is its author's alone, so ids must not leak."""

    code = "sitrep_not_found"

    def __init__(self, sitrep_id: int) -> None:
        super().__init__(f"There is no SITREP with id {sitrep_id}, or it is not yours.")


class SitrepNotReady(Conflict):
    code = "sitrep_not_ready"
