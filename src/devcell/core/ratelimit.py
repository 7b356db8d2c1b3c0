"""In-memory sliding-window limiter (one process owns the app, so memory is the right place)."""

from __future__ import annotations

import math
import threading
import time
from collections import deque
from collections.abc import Callable


class SlidingWindowLimiter:
    """At most `limit` events per `window` seconds per key."""

    def __init__(self, limit: int, window: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.limit = limit
        self.window = window
        self._clock = clock
        self._events: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def _trim(self, key: str, now: float) -> deque[float]:
        events = self._events.setdefault(key, deque())
        while events and events[0] <= now - self.window:
            events.popleft()
        return events

    def retry_after(self, key: str) -> int:
        """Seconds until `key` may try again; 0 when it may now."""
        with self._lock:
            now = self._clock()
            events = self._trim(key, now)
            if len(events) < self.limit:
                return 0
            return max(1, math.ceil(events[0] + self.window - now))

    def hit(self, key: str) -> None:
        with self._lock:
            now = self._clock()
            self._trim(key, now).append(now)
            if len(self._events) > 10_000:  # bound memory under a spray of usernames
                self._events = {k: v for k, v in self._events.items() if v and v[-1] > now - self.window}

    def reset(self, key: str) -> None:
        with self._lock:
            self._events.pop(key, None)
