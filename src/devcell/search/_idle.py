"""Giving memory back when the knowledgebase is idle: the embedding model loaded in this process (inline) and the
knowledge worker process are each released once nothing has used them for `model_idle_minutes`."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any


class IdleTimer:
    """One timer at a time, firing when the resource may have been unused for `seconds` (0: kept for good).

    The owner calls every method under its own `lock`, which the timer takes as well when it fires. Then, if the
    resource is `held()` and not `busy()`: used again meanwhile, the timer waits for the new deadline; unused long
    enough, `release(idle_seconds)` runs, under the lock. A busy resource is watched again when its use ends
    (the owner calls `used()`)."""

    def __init__(
        self,
        lock: AbstractContextManager[Any],
        held: Callable[[], bool],
        busy: Callable[[], bool],
        release: Callable[[float], None],
    ) -> None:
        self._lock = lock
        self._held = held
        self._busy = busy
        self._release = release
        self.seconds = 0.0
        self._last_used = time.monotonic()
        self._timer: threading.Timer | None = None

    def set(self, seconds: float) -> None:
        """The idle time (the setting is read on every use, so a change applies without a restart)."""
        seconds = max(0.0, seconds)
        if seconds != self.seconds:
            self.cancel()  # armed for the old idle time: a shorter one must not wait for it
            self.seconds = seconds
        self.arm()

    def used(self) -> None:
        """A use has ended: the idle clock starts again."""
        self._last_used = time.monotonic()
        self.arm()

    def idle_for(self) -> float:
        return time.monotonic() - self._last_used

    def arm(self) -> None:
        if self._timer is not None or not self.seconds or not self._held():
            return
        wait = max(0.0, self._last_used + self.seconds - time.monotonic())
        self._timer = threading.Timer(wait + 0.05, self._fire)
        self._timer.daemon = True
        self._timer.start()

    def cancel(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

    def _fire(self) -> None:
        with self._lock:
            self._timer = None
            if not self.seconds or not self._held() or self._busy():
                return
            idle = self.idle_for()
            if idle < self.seconds:
                self.arm()  # used again meanwhile: wait for the new deadline
                return
            self._release(idle)
