"""The application's typed state: what the composition root (`devcell/wiring.py`) builds and endpoints read.

Two kinds of parts, one rule. What every running server has, even in recovery mode (the configuration, the route
table, the authenticator, the request guard, the anonymous rate limiter), is a typed attribute. What exists only
once the services started (settings, jobs, scheduler, knowledge runtime, backups, health ...) is provided under a
typed `Key` that the owning module declares next to its type, like Home Assistant's `HassKey`: core names no slice,
and `state.need(KNOWLEDGE)` is a `Knowledge` to mypy. Reading a key that is not provided (recovery mode, or a server
still starting) answers 503 instead of an AttributeError.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Generic, Protocol, TypeVar

from starlette.datastructures import State
from starlette.requests import Request

from devcell.core.auth import Authenticator
from devcell.core.config import Config
from devcell.core.errors import ServiceUnavailable
from devcell.core.ratelimit import SlidingWindowLimiter

if TYPE_CHECKING:
    from devcell.core.web import ApiRoute

T = TypeVar("T")

# Anonymous routes that cost work (setup, sign-in, recovery) share one budget per address.
ANONYMOUS_CALLS = 20
ANONYMOUS_WINDOW_SECONDS = 15 * 60


class Key(Generic[T]):
    """The typed name of one part of the application state."""

    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return f"Key({self.name!r})"


class RequestGuard(Protocol):
    """Runs before every API call: may refuse it (507 disk nearly full, 503 while a restore runs)."""

    def __call__(self, request: Request) -> None: ...

    def forget(self) -> None:
        """Drop cached answers (after the admin freed space or changed the floor)."""


def _no_one(_bearer: str | None, _cookie: str | None) -> None:
    return None


class AppState(State):
    """`app.state`: typed attributes for what always exists, typed keys for the started services."""

    config: Config
    api_routes: list[ApiRoute]
    openapi: dict[str, Any] | None
    authenticator: Authenticator
    request_guard: RequestGuard | None
    anonymous_limiter: SlidingWindowLimiter
    parts: dict[Key[Any], Any]

    def __init__(self, config: Config, api_routes: list[ApiRoute]) -> None:
        super().__init__()
        self.config = config
        self.api_routes = api_routes
        self.openapi = None
        self.authenticator = _no_one  # until the accounts are open: nobody is signed in
        self.request_guard = None
        self.anonymous_limiter = SlidingWindowLimiter(ANONYMOUS_CALLS, ANONYMOUS_WINDOW_SECONDS)
        self.parts = {}

    def provide(self, key: Key[T], part: T) -> T:
        self.parts[key] = part
        return part

    def get(self, key: Key[T]) -> T | None:
        found: T | None = self.parts.get(key)
        return found

    def need(self, key: Key[T]) -> T:
        try:
            found: T = self.parts[key]
        except KeyError:
            raise ServiceUnavailable(
                f"DevCell's {key.name} is not running (the server is starting, or in recovery mode).",
                code="not_running",
            ) from None
        return found

    def drop(self, key: Key[Any]) -> None:
        self.parts.pop(key, None)
