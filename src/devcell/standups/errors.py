"""Standups errors, each with a stable code."""

from __future__ import annotations

from datetime import date

from devcell.core.errors import Conflict, Forbidden, NotFound


class StandupNotFound(NotFound):
    """Also for entries that exist but the caller may not read: ids must not leak."""

    code = "standup_not_found"

    def __init__(self, standup_id: int) -> None:
        super().__init__(f"There is no standup with id {standup_id}, or you may not read it.")


class StandupExists(Conflict):
    """The UI opens the existing entry (detail.id) for editing instead."""

    code = "standup_exists"

    def __init__(self, standup_id: int, day: date) -> None:
        super().__init__(
            f"You already filed a standup for {day.isoformat()}; edit that one instead.", detail={"id": standup_id}
        )


class StandupAuthorRequired(Forbidden):
    code = "standup_author_required"

    def __init__(self) -> None:
        super().__init__("Only the author of this standup (or an administrator) can change it.")
