"""Request and response bodies of the accounts API."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Annotated, Literal
from zoneinfo import available_timezones

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from devcell.core.errors import ValidationFailed

Role = Literal["admin", "user"]
USERNAME_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{2,31}$")
WEAK_PASSWORDS = frozenset(
    {
        "password",
        "password1",
        "password123",
        "admin123",
        "administrator",
        "changeme",
        "letmein123",
        "qwertyuiop",
        "1234567890",
        "devcell123",
        "welcome123",
    }
)
MIN_PASSWORD = 10
MAX_PASSWORD = 256


def _username(value: str) -> str:
    value = value.strip().lower()
    if not USERNAME_RE.match(value):
        raise ValueError(
            "use 3-32 characters: letters, digits, dot, dash or underscore, starting with a letter or digit"
        )
    return value


def _password(value: str) -> str:
    if len(value) < MIN_PASSWORD:
        raise ValueError(f"use at least {MIN_PASSWORD} characters")
    if len(value) > MAX_PASSWORD:
        raise ValueError(f"use at most {MAX_PASSWORD} characters")
    if value.lower() in WEAK_PASSWORDS or len(set(value)) < 4:
        raise ValueError("this password is too easy to guess")
    return value


def _time_zone(value: str) -> str:
    value = value.strip()
    if value and value != "UTC" and value not in available_timezones():
        raise ValueError("unknown time zone; use a name like Europe/Berlin or UTC")
    return value


def check_username(value: str) -> str:
    """A user name taken from a URL path: lower-cased, or 422 naming the field."""
    try:
        return _username(value)
    except ValueError as exc:
        raise ValidationFailed.for_field("username", str(exc)) from None


Username = Annotated[str, AfterValidator(_username)]
Password = Annotated[str, AfterValidator(_password)]
ShortText = Annotated[str, Field(max_length=120)]
TimeZone = Annotated[str, Field(max_length=64), AfterValidator(_time_zone)]


class StrictModel(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class UserOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    username: str
    display_name: str
    job_title: str
    team: str
    rank: str
    skills: str
    time_zone: str
    away_from: date | None
    away_until: date | None
    role: Role
    active: bool
    created_at: datetime
    last_login_at: datetime | None


class ProfilePatch(StrictModel):
    """Only the fields sent change; null or "" clears a field."""

    display_name: ShortText | None = None
    job_title: ShortText | None = None
    team: ShortText | None = None
    rank: ShortText | None = None
    skills: Annotated[str, Field(max_length=1000)] | None = None
    time_zone: TimeZone | None = None
    # Away / out of office, both days included; null clears. The last day must not be before the first.
    away_from: date | None = None
    away_until: date | None = None


class AdminUserPatch(ProfilePatch):
    role: Role | None = None
    active: bool | None = None


class UserCreate(StrictModel):
    username: Username
    password: Password
    role: Role = "user"
    display_name: ShortText = ""
    job_title: ShortText = ""
    team: ShortText = ""
    rank: ShortText = ""
    skills: Annotated[str, Field(max_length=1000)] = ""
    time_zone: TimeZone = ""


class LoginIn(BaseModel):
    username: Annotated[str, Field(max_length=64)]
    password: Annotated[str, Field(max_length=MAX_PASSWORD)]


class SignedIn(BaseModel):
    user: UserOut
    csrf_token: str | None


class SetupStatus(BaseModel):
    needs_setup: bool
    registration: Literal["closed", "open", "invite"]
    appliance_name: str


class SetupIn(StrictModel):
    setup_code: Annotated[str, Field(max_length=64)]
    username: Username
    password: Password
    display_name: ShortText = ""


class RegisterIn(StrictModel):
    username: Username
    password: Password
    display_name: ShortText = ""
    invite: Annotated[str, Field(max_length=128)] | None = None


class InviteCheckIn(StrictModel):
    invite: Annotated[str, Field(max_length=128)]


class InviteCheckOut(BaseModel):
    """Only whether the link still works: nothing about who made it, for whom, or when."""

    status: Literal["valid", "used", "expired", "invalid"] = Field(
        description="invalid: unknown or revoked; used: someone registered with it; expired: past its expiry"
    )


# Signing out everywhere (or changing the password) also revokes the API tokens unless the user unticks it.
RevokeTokens = Annotated[bool, Field(description="Also delete all your API tokens.")]


class PasswordChange(StrictModel):
    current_password: Annotated[str, Field(max_length=MAX_PASSWORD)]
    new_password: Password
    revoke_tokens: RevokeTokens = True


class LogoutAllIn(StrictModel):
    revoke_tokens: RevokeTokens = True


class PasswordReset(StrictModel):
    new_password: Password


class SessionOut(BaseModel):
    id: int
    created_at: datetime
    last_seen_at: datetime
    expires_at: datetime
    user_agent: str
    client_address: str
    current: bool


class SessionList(BaseModel):
    items: list[SessionOut]


class TokenCreate(StrictModel):
    name: Annotated[str, Field(min_length=1, max_length=80)]
    expires_in_days: Annotated[int, Field(ge=1, le=3650)] | None = None


class TokenOut(BaseModel):
    id: int
    name: str
    prefix: str
    created_at: datetime
    last_used_at: datetime | None
    expires_at: datetime | None


class TokenCreated(TokenOut):
    token: str = Field(description="Shown once; DevCell stores only its hash.")


class TokenList(BaseModel):
    items: list[TokenOut]


class UserQuery(StrictModel):
    q: Annotated[str, Field(max_length=100)] = ""
    role: Role | None = None
    active: bool | None = None
    limit: Annotated[int, Field(ge=1, le=200)] = 50
    offset: Annotated[int, Field(ge=0)] = 0


class UserPage(BaseModel):
    items: list[UserOut]
    total: int
    limit: int
    offset: int


class PeopleQuery(StrictModel):
    q: Annotated[str, Field(max_length=100)] = ""
    limit: Annotated[int, Field(ge=1, le=200)] = 200
    offset: Annotated[int, Field(ge=0)] = 0


class PersonOut(BaseModel):
    """What every signed-in user may know about a colleague: enough to pick them (assignee, member, author)."""

    id: int
    username: str
    display_name: str


class PersonDetail(PersonOut):
    """A colleague's page: who they are, and the days they said they are away (both null when not set)."""

    away_from: date | None
    away_until: date | None


class PeoplePage(BaseModel):
    items: list[PersonOut]
    total: int
    limit: int
    offset: int


class DeleteUserQuery(StrictModel):
    reassign_to: int | None = None


class InviteCreate(StrictModel):
    role: Role = "user"
    note: ShortText = ""
    expires_in_hours: Annotated[int, Field(ge=1, le=720)] = 72


class InviteOut(BaseModel):
    id: int
    role: Role
    note: str
    created_by_id: int | None
    created_at: datetime
    expires_at: datetime
    used_at: datetime | None
    used_by_id: int | None
    status: Literal["open", "used", "expired", "revoked"]


class InviteCreated(InviteOut):
    token: str
    path: str = Field(description="Relative URL of the registration page with this invite.")


class InviteList(BaseModel):
    items: list[InviteOut]


class ResetCreate(StrictModel):
    expires_in_hours: Annotated[int, Field(ge=1, le=168)] = 24


class ResetOut(BaseModel):
    id: int
    user_id: int
    username: str
    created_by_id: int | None
    created_at: datetime
    expires_at: datetime
    used_at: datetime | None
    status: Literal["open", "used", "expired", "revoked"]


class ResetCreated(ResetOut):
    token: str
    path: str = Field(description="Relative URL of the page where the user sets a new password with this link.")


class ResetList(BaseModel):
    items: list[ResetOut]


class ResetCheckIn(StrictModel):
    token: Annotated[str, Field(max_length=128)]


class ResetCheckOut(BaseModel):
    """Only whether the link works, and for whom (the user name it resets, so the page can say so)."""

    status: Literal["valid", "used", "expired", "invalid"]
    username: str | None = None


class ResetIn(StrictModel):
    token: Annotated[str, Field(max_length=128)]
    password: Password
