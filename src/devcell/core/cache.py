"""Rendered answers of hot reads, kept only while the database is unchanged.

A list page that many clients poll (the task board, dashboards refreshing) is rendered once and served again until
anything is written: `db.change_stamp()` moves on every commit by any connection or process and on every write of
this thread's connection, and the whole cache is dropped when it moves. A short time limit covers what the database
does not hold, such as "today" for overdue marks. Keys must name everything the answer depends on (caller, role,
query string, settings used); an answer that raised is never stored.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable

from devcell.core.db import change_stamp

DEFAULT_ENTRIES = 512
DEFAULT_TTL_SECONDS = 5.0
MAX_ENTRY_BYTES = 512 * 1024  # a huge page is cheap to miss and expensive to keep


class ReadCache:
    """A small LRU of rendered bodies, emptied whenever `change_stamp()` differs from when they were stored.

    Meant for reads served inline on the event loop (`Call.read`): the stamp belongs to the calling thread's
    connection, so the same thread should take it and run the read, with no await in between."""

    def __init__(
        self,
        max_entries: int = DEFAULT_ENTRIES,
        ttl: float = DEFAULT_TTL_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.max_entries = max_entries
        self.ttl = ttl
        self._clock = clock
        self._entries: OrderedDict[Hashable, tuple[float, bytes]] = OrderedDict()
        self._stamp: object = None
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def get_or_render(self, key: Hashable, render: Callable[[], bytes]) -> bytes:
        stamp = change_stamp()  # before rendering: a write during the render moves it, so the next call re-renders
        now = self._clock()
        with self._lock:
            if stamp != self._stamp:
                self._entries.clear()
                self._stamp = stamp
            entry = self._entries.get(key)
            if entry is not None and entry[0] > now:
                self._entries.move_to_end(key)
                self.hits += 1
                return entry[1]
        body = render()
        self.misses += 1
        if len(body) <= MAX_ENTRY_BYTES:
            self._store(key, body, stamp, now + self.ttl)
        return body

    def _store(self, key: Hashable, body: bytes, stamp: object, expires: float) -> None:
        with self._lock:
            if stamp != self._stamp:
                return  # the database moved on while rendering; this body may already be stale
            self._entries[key] = (expires, body)
            self._entries.move_to_end(key)
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._stamp = None
