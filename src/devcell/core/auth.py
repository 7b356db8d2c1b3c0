"""Who is calling and what a route lets through: the caller (Principal) and the route-level access rule.

Plain types with no HTTP in them, so services and other domain code can name the caller without importing the
web layer (core/web.py)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum


class Access(StrEnum):
    """Who may call a route. Object-level rules (project roles, ownership) are checked in services."""

    PUBLIC = "public"
    USER = "user"
    ADMIN = "admin"


@dataclass(frozen=True)
class Principal:
    """The authenticated caller: a browser session (cookie + CSRF token) or a personal API token."""

    user_id: int
    username: str
    role: str
    session_id: int | None = None
    token_id: int | None = None
    csrf_token: str | None = None

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


# (bearer token or None, session cookie value or None) -> the caller, or None when not signed in.
Authenticator = Callable[[str | None, str | None], Principal | None]
