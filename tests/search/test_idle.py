"""The idle timer behind model_idle_minutes: the embedding model (inline) and the knowledge worker share it."""

from __future__ import annotations

import threading

from devcell.search._idle import IdleTimer
from tests.waiting import wait_until


class Resource:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.held = True
        self.users = 0
        self.released: list[float] = []
        self.timer = IdleTimer(self.lock, lambda: self.held, lambda: self.users > 0, self.release)

    def release(self, idle: float) -> None:
        self.held = False
        self.released.append(idle)


def test_a_shorter_idle_time_does_not_wait_for_the_timer_armed_for_the_longer_one() -> None:
    resource = Resource()
    with resource.lock:
        resource.timer.set(600)
        resource.timer.set(0.2)
    wait_until(lambda: resource.released, 30, "released after 0.2 s, not 600")
    assert resource.released[0] >= 0.2


def test_a_resource_in_use_is_not_released_and_is_watched_again_after_its_use() -> None:
    resource = Resource()
    with resource.lock:
        resource.users = 1
        resource.timer.set(0.1)
    # The timer fires while the resource is busy and lets it be; the end of the use arms it again.
    wait_until(lambda: resource.timer.idle_for() > 0.5, 30, "time passes")
    assert resource.held
    with resource.lock:
        resource.users = 0
        resource.timer.used()
    wait_until(lambda: resource.released, 30, "released once unused")


def test_zero_keeps_the_resource() -> None:
    resource = Resource()
    with resource.lock:
        resource.timer.set(0.1)
        resource.timer.set(0)
    wait_until(lambda: resource.timer.idle_for() > 0.5, 30, "time passes")
    assert resource.held
    assert not resource.released
