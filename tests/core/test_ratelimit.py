"""The sliding-window limiter, driven by a fake clock."""

from __future__ import annotations

from devcell.core.ratelimit import SlidingWindowLimiter


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def limiter(limit: int = 3, window: float = 60.0) -> tuple[SlidingWindowLimiter, FakeClock]:
    clock = FakeClock()
    return SlidingWindowLimiter(limit, window, clock=clock), clock


def test_limiter_allows_up_to_the_limit() -> None:
    limit, _ = limiter()
    for _ in range(2):
        limit.hit("alice")
    assert limit.retry_after("alice") == 0


def test_limiter_refuses_at_the_limit() -> None:
    limit, _ = limiter()
    for _ in range(3):
        limit.hit("alice")
    assert limit.retry_after("alice") > 0


def test_limiter_retry_after_is_long_enough() -> None:
    limit, clock = limiter()
    for _ in range(3):
        limit.hit("alice")
    clock.now += limit.retry_after("alice")
    assert limit.retry_after("alice") == 0


def test_limiter_retry_after_counts_down_from_the_oldest_event() -> None:
    limit, clock = limiter()
    for _ in range(3):
        limit.hit("alice")
        clock.now += 10
    # The oldest event leaves the window 30 s from now; whole seconds are rounded up.
    assert limit.retry_after("alice") in (30, 31)


def test_limiter_allows_again_when_the_oldest_event_leaves_the_window() -> None:
    limit, clock = limiter()
    limit.hit("alice")
    clock.now += 30
    limit.hit("alice")
    limit.hit("alice")
    clock.now += 30
    assert limit.retry_after("alice") == 0


def test_limiter_keeps_counting_inside_the_window() -> None:
    limit, clock = limiter()
    limit.hit("alice")
    clock.now += 30
    limit.hit("alice")
    limit.hit("alice")
    clock.now += 29.5
    assert limit.retry_after("alice") == 1


def test_limiter_counts_keys_separately() -> None:
    limit, _ = limiter()
    for _ in range(3):
        limit.hit("alice")
    assert limit.retry_after("bob") == 0


def test_limiter_reset_forgets_a_key() -> None:
    limit, _ = limiter()
    for _ in range(3):
        limit.hit("alice")
    limit.reset("alice")
    assert limit.retry_after("alice") == 0


def test_limiter_drops_idle_keys_when_too_many_are_tracked() -> None:
    limit, clock = limiter(limit=1)
    for i in range(10_001):
        limit.hit(f"spray{i}")
    clock.now += 61
    limit.hit("alice")
    assert set(limit._events) == {"alice"}
