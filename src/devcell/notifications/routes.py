"""HTTP routes of the notifications slice: the inbox, its live stream, preferences, watching tasks and projects."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

from starlette.responses import Response

from devcell.core.auth import Access
from devcell.core.events import frame, sse_response
from devcell.core.web import ApiRoute, Call
from devcell.notifications import _audience, service
from devcell.notifications._live import END, STREAMS, Event
from devcell.notifications.schemas import (
    MentionableOut,
    MentionableQuery,
    NotificationOut,
    NotificationPage,
    NotificationQuery,
    PreferenceList,
    PreferencePatch,
    ReadAllIn,
    UnreadOut,
    WatchOut,
)
from devcell.projects.schemas import UserRef
from devcell.settings.service import SETTINGS_STORE


async def list_notifications(call: Call, query: NotificationQuery) -> NotificationPage:
    """My notifications, newest first, with the unread count; `unread=true` lists only unread ones."""
    return await call.run(service.list_notifications, call.user, query)


async def unread_count(call: Call) -> UnreadOut:
    """How many notifications I have not read (the top bar's badge)."""
    return await call.run(service.unread_count, call.user)


async def mark_read(call: Call) -> NotificationOut:
    """Mark one notification read; every open tab hears the new count."""
    return await call.run(service.mark_read, call.user, call.path_int("notification_id"), True)


async def mark_unread(call: Call) -> NotificationOut:
    """Mark one notification unread again."""
    return await call.run(service.mark_read, call.user, call.path_int("notification_id"), False)


async def read_all(call: Call, body: ReadAllIn) -> UnreadOut:
    """Mark everything read, up to `up_to_id` when given (what the user has seen)."""
    return await call.run(service.mark_all_read, call.user, body.up_to_id)


async def _stream(user_id: int, queue: asyncio.Queue[Event], first: UnreadOut) -> AsyncIterator[bytes]:
    try:
        yield frame("unread", first.model_dump(mode="json"))
        while (event := await queue.get()) is not END:
            yield frame(*event)
    finally:
        STREAMS.close(user_id, queue)


async def notification_events(call: Call) -> Response:
    """Server-sent events for my open tabs: `unread` {unread} now and on every change, `notification` with each
    new one. Open as long as the tab is."""
    user_id = call.user.user_id
    queue = STREAMS.open(user_id)  # before reading the count: nothing that happens in between is lost
    try:
        first = await call.run(service.unread_count, call.user)
    except Exception:
        STREAMS.close(user_id, queue)
        raise
    return sse_response(_stream(user_id, queue, first))


async def get_preferences(call: Call) -> PreferenceList:
    """Which kinds of notification I get (all, until I turn some off)."""
    return await call.run(service.preferences, call.user)


async def patch_preferences(call: Call, body: PreferencePatch) -> PreferenceList:
    """Turn kinds of notification on or off: `{"enabled": {"status": false}}`."""
    return await call.run(service.update_preferences, call.user, body)


async def mentionable(call: Call, query: MentionableQuery) -> MentionableOut:
    """Who I may @mention in an item (autocomplete): the active people who can see it, so a mention reaches them.
    404 when I cannot see the item or the project."""
    visibility = call.state.need(SETTINGS_STORE).get_str("standup_visibility")
    people = await call.run(_audience.mentionable, call.user, query, visibility)
    return MentionableOut(items=[UserRef(id=p.id, username=p.username, display_name=p.display_name) for p in people])


def _watch_routes(subject_type: str, base: str) -> list[ApiRoute]:
    key = f"{subject_type}_id"

    async def get_watch(call: Call) -> WatchOut:
        watching = await call.run(service.is_watching, call.user, subject_type, call.path_int(key))
        return WatchOut(watching=watching)

    async def put_watch(call: Call) -> WatchOut:
        watching = await call.run(service.set_watching, call.user, subject_type, call.path_int(key), True)
        return WatchOut(watching=watching)

    async def delete_watch(call: Call) -> WatchOut:
        watching = await call.run(service.set_watching, call.user, subject_type, call.path_int(key), False)
        return WatchOut(watching=watching)

    get_watch.__doc__ = f"Whether I watch this {subject_type} (creators and assignees of a task do by default)."
    put_watch.__doc__ = f"Watch this {subject_type}: hear about its comments and status changes."
    delete_watch.__doc__ = f"Stop watching this {subject_type}, also when I created it or am assigned to it."
    for handler in (get_watch, put_watch, delete_watch):
        handler.__name__ = f"{handler.__name__}_{subject_type}"
    path = f"{base}/{{{key}:int}}/watch"
    return [
        ApiRoute("GET", path, get_watch, access=U, response=WatchOut),
        ApiRoute("PUT", path, put_watch, access=U, response=WatchOut),
        ApiRoute("DELETE", path, delete_watch, access=U, response=WatchOut),
    ]


U = Access.USER
ONE = "/api/notifications/{notification_id:int}"
ROUTES = [
    ApiRoute(
        "GET", "/api/notifications", list_notifications, access=U, query=NotificationQuery, response=NotificationPage
    ),
    ApiRoute("GET", "/api/notifications/unread", unread_count, access=U, response=UnreadOut),
    ApiRoute(
        "GET",
        "/api/notifications/mentionable",
        mentionable,
        access=U,
        query=MentionableQuery,
        response=MentionableOut,
    ),
    ApiRoute("GET", "/api/notifications/events", notification_events, access=U),
    ApiRoute(
        "POST",
        "/api/notifications/read-all",
        read_all,
        access=U,
        body=ReadAllIn,
        body_required=False,
        response=UnreadOut,
    ),
    ApiRoute("GET", "/api/notifications/preferences", get_preferences, access=U, response=PreferenceList),
    ApiRoute(
        "PATCH",
        "/api/notifications/preferences",
        patch_preferences,
        access=U,
        body=PreferencePatch,
        response=PreferenceList,
    ),
    ApiRoute("POST", ONE + "/read", mark_read, access=U, response=NotificationOut),
    ApiRoute("DELETE", ONE + "/read", mark_unread, access=U, response=NotificationOut),
    *_watch_routes("task", "/api/tasks"),
    *_watch_routes("project", "/api/projects"),
]
