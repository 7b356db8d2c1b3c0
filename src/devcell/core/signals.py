"""In-process domain signals: a slice announces what happened, other slices listen.

A slice that changes something (a task is assigned, a standup is filed, a job ends) announces a small frozen
dataclass; listeners registered by the composition root (wiring.py) run synchronously, inside the announcer's
unit of work, so what they write (a notification) commits or rolls back with the change itself. The announcer
never imports its listeners: this is how the notifications slice hears from tasks and standups without them
depending on it (import-linter forbids the cycle).

A listener that fails is logged and skipped: a notification must never cost the user the change they made.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any, TypeVar

log = logging.getLogger(__name__)

S = TypeVar("S")

_listeners: dict[type, list[Callable[[Any], None]]] = {}
_lock = threading.Lock()


def listen(signal: type[S], listener: Callable[[S], None]) -> None:
    """Call `listener` with every announced `signal`; registering the same listener again changes nothing."""
    with _lock:
        listeners = _listeners.setdefault(signal, [])
        if listener not in listeners:
            listeners.append(listener)


def announce(signal: object) -> None:
    """Tell every listener of this signal's type, in registration order."""
    with _lock:
        listeners = list(_listeners.get(type(signal), ()))
    for listener in listeners:
        try:
            listener(signal)
        except Exception:
            log.exception("a listener of %s failed; the change itself stands", type(signal).__name__)
