"""Waiting on a condition, not on a clock: CI is a loaded 2-core machine where "a moment" can be many seconds."""

from __future__ import annotations

import time
from collections.abc import Callable

DEFAULT_TIMEOUT = 90.0


def wait_until(condition: Callable[[], bool], timeout: float = DEFAULT_TIMEOUT, what: str = "") -> None:
    """Poll `condition` (quickly at first, then every 0.2 s) until it is true; AssertionError after `timeout`."""
    deadline = time.monotonic() + timeout
    pause = 0.01
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"not true within {timeout:.0f} s: {what or condition}")
        time.sleep(pause)
        pause = min(pause * 2, 0.2)
