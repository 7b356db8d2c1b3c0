"""Notifications errors, each with a stable code."""

from __future__ import annotations

from devcell.core.errors import NotFound


class NotificationNotFound(NotFound):
    """Also for another user's notifications: ids must not leak."""

    code = "notification_not_found"

    def __init__(self, notification_id: int) -> None:
        super().__init__(f"There is no notification with id {notification_id} in your inbox.")
