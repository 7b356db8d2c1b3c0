"""Live delivery: each open browser tab of a user holds an event stream; a new notification or a change of the
unread count is pushed to all of that user's streams (so marking read in one tab updates the others).

In-process: one DevCell process serves every stream. Events are published after the row is committed
(core/db.after_commit), so a tab that re-reads on an event always finds what it was told about.
"""

from __future__ import annotations

import asyncio
import threading
from typing import Any

Event = tuple[str, dict[str, Any]]  # (event name, data)
_Subscriber = tuple[asyncio.AbstractEventLoop, asyncio.Queue[Event]]

MAX_QUEUED = 100  # a stalled tab drops events beyond this; it re-reads the count when it reconnects
END: Event = ("end", {})  # tells a stream to finish: the server is stopping (the browser reconnects by itself)


class Streams:
    def __init__(self) -> None:
        self._by_user: dict[int, list[_Subscriber]] = {}
        self._lock = threading.Lock()

    def open(self, user_id: int) -> asyncio.Queue[Event]:
        queue: asyncio.Queue[Event] = asyncio.Queue(MAX_QUEUED)
        with self._lock:
            self._by_user.setdefault(user_id, []).append((asyncio.get_running_loop(), queue))
        return queue

    def close(self, user_id: int, queue: asyncio.Queue[Event]) -> None:
        with self._lock:
            left = [s for s in self._by_user.get(user_id, []) if s[1] is not queue]
            if left:
                self._by_user[user_id] = left
            else:
                self._by_user.pop(user_id, None)

    def publish(self, user_id: int, event: Event) -> None:
        """From any thread: queue the event on every stream the user has open."""
        with self._lock:
            subscribers = list(self._by_user.get(user_id, []))
        for loop, queue in subscribers:
            try:
                loop.call_soon_threadsafe(_offer, queue, event)
            except RuntimeError:  # the stream's loop has closed (server shutting down)
                continue

    def end_all(self) -> None:
        """Finish every open stream, so a stopping server is not held up by idle tabs (uvicorn waits for open
        responses before it stops; an EventSource opens its stream again by itself once the server is back)."""
        with self._lock:
            subscribers = [s for streams in self._by_user.values() for s in streams]
        for loop, queue in subscribers:
            try:
                loop.call_soon_threadsafe(queue.put_nowait, END)  # never dropped, unlike an event for a full queue
            except RuntimeError:
                continue

    def open_count(self, user_id: int) -> int:
        with self._lock:
            return len(self._by_user.get(user_id, []))


def _offer(queue: asyncio.Queue[Event], event: Event) -> None:
    if not queue.full():
        queue.put_nowait(event)


STREAMS = Streams()
