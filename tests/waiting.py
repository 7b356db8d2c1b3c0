"""Waiting on a condition, not on a clock: CI is a loaded 2-core machine where "a moment" can be many seconds."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

DEFAULT_TIMEOUT = 90.0
MAX_PAUSE = 0.05  # most waits here are for a job of a few tens of milliseconds: a longer pause is mostly idle

T = TypeVar("T")


def wait_until(
    condition: Callable[[], T],
    timeout: float = DEFAULT_TIMEOUT,
    what: str | Callable[[], str] = "",
    every: float = MAX_PAUSE,
) -> T:
    """Poll `condition` (quickly at first, then at most `every` seconds apart) until it returns something true, and
    return that; AssertionError after `timeout`, naming `what` (or the condition) and the last value it returned.
    `what` may be a function, called only then (to describe the state the wait gave up in). A larger `every` suits
    a condition that costs a server process real work each time."""
    deadline = time.monotonic() + timeout
    pause = 0.005
    while not (found := condition()):
        if time.monotonic() > deadline:
            described = what() if callable(what) else what
            raise AssertionError(f"not true within {timeout:.0f} s: {described or condition} (last: {found!r})")
        time.sleep(pause)
        pause = min(pause * 2, every)
    return found
