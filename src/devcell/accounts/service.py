"""Users: create, find, list, edit profiles, passwords, deactivate and delete (with the last-admin guard); the
first-run setup code."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, cast

from peewee import IntegrityError, fn

from devcell.accounts import _secrets
from devcell.accounts.errors import LastAdmin, PersonNotFound, UsernameTaken, UserNotFound, UserOwnsData
from devcell.accounts.models import User
from devcell.accounts.schemas import (
    AdminUserPatch,
    PasswordChange,
    PeopleQuery,
    PersonDetail,
    PersonOut,
    ProfilePatch,
    UserCreate,
    UserOut,
    UserPage,
    UserQuery,
)
from devcell.accounts.sessions import LoginGuard, delete_credentials
from devcell.core import onetime
from devcell.core.auth import Principal
from devcell.core.db import Prepared, contains, contains_folded, transaction, unit_of_work, utcnow
from devcell.core.errors import Conflict, ValidationFailed
from devcell.core.logs import announce_secret

PROFILE_FIELDS = ("display_name", "job_title", "team", "rank", "skills", "time_zone")
AWAY_FIELDS = ("away_from", "away_until")


@dataclass(frozen=True)
class OwnedData:
    """A slice's answer to "what does this user own?", so deleting a user never orphans data.

    `count(user_id)` says how many items; `reassign(from_id, to_id)` moves them (inside the caller's
    write transaction)."""

    name: str
    count: Callable[[int], int]
    reassign: Callable[[int, int], None]


OWNED_DATA: list[OwnedData] = []


def register_owned_data(owned: OwnedData) -> None:
    """Slices that store per-user data call this once at import time."""
    if all(o.name != owned.name for o in OWNED_DATA):
        OWNED_DATA.append(owned)


def _get(user_id: int) -> User:
    user = User.get_or_none(User.id == user_id)
    if user is None:
        raise UserNotFound(user_id)
    return user


def _out(user: User) -> UserOut:
    return UserOut.model_validate(user)


# Hot reads (GET /api/auth/me, GET /api/users) run prepared SQL inline on the event loop and hand plain dicts to
# the JSON encoder: building the SQL, a model object and a pydantic model per row cost ~10x the query itself.
_OUT_COLUMNS = tuple(getattr(User, name) for name in UserOut.model_fields)
_BY_ID = Prepared(lambda: User.select(*_OUT_COLUMNS).where(User.id == 0))
# User names are stored lower-case (schemas.Username), so the UNIQUE index on username gives the order.
_PAGE = Prepared(lambda: User.select(*_OUT_COLUMNS).order_by(User.username).limit(1).offset(0))
_COUNT = Prepared(lambda: User.select(fn.COUNT(User.id).alias("n")))


def _active_admins_except(user_id: int) -> int:
    return int(User.select().where(User.role == "admin", User.active == True, User.id != user_id).count())  # noqa: E712


def get_user(user_id: int) -> UserOut:
    """One user; a single indexed read, fast enough to run on the event loop (Call.read)."""
    row = _BY_ID.first(user_id)
    if row is None:
        raise UserNotFound(user_id)
    return UserOut.model_validate(row)


@unit_of_work()
def count_users() -> int:
    return int(User.select().count())


@unit_of_work()
def find_user_id(username: str) -> int | None:
    user = User.get_or_none(User.username == username.strip().lower())
    return int(user.id) if user else None


@unit_of_work()
def is_active_user(user_id: int) -> bool:
    user = User.get_or_none(User.id == user_id)
    return user is not None and bool(user.active)


@unit_of_work()
def principal_of(user_id: int) -> Principal | None:
    """An active user as a caller without a session: to decide what may be shown to them when they are not the
    one asking (a notification for them is made during someone else's request)."""
    user = User.get_or_none((User.id == user_id) & (User.active == True))  # noqa: E712
    return None if user is None else Principal(user_id=user.id, username=user.username, role=user.role)


@unit_of_work()
def active_user_ids(usernames: Iterable[str]) -> dict[str, int]:
    """The ids of the active users among `usernames` (lower-cased), by user name: one query."""
    names = sorted({name.lower() for name in usernames})
    if not names:
        return {}
    found = User.select(User.username, User.id).where(User.username.in_(names) & (User.active == True))  # noqa: E712
    return {str(user.username): int(user.id) for user in found}


@dataclass(frozen=True)
class Member:
    """An active user as the team's day sees them: who, in which time zone, away when."""

    id: int
    username: str
    display_name: str
    time_zone: str
    away_from: date | None
    away_until: date | None

    def away_on(self, day: date) -> bool:
        return self.away_from is not None and self.away_until is not None and self.away_from <= day <= self.away_until


@unit_of_work()
def active_members() -> list[Member]:
    """Every active user, by user name."""
    columns = (User.id, User.username, User.display_name, User.time_zone, User.away_from, User.away_until)
    query = User.select(*columns).where(User.active == True).order_by(User.username)  # noqa: E712
    return [Member(*row) for row in cast(Iterable[tuple[Any, ...]], query.tuples())]


@unit_of_work()
def username_of(user_id: int) -> str | None:
    user = User.get_or_none(User.id == user_id)
    return None if user is None else str(user.username)


@dataclass(frozen=True)
class UserBrief:
    """A user as other slices show and pick them: id, user name, display name, and whether they may sign in."""

    id: int
    username: str
    display_name: str
    active: bool


_BRIEF_COLUMNS = (User.id, User.username, User.display_name, User.active)


def _brief(row: tuple[Any, ...]) -> UserBrief:
    return UserBrief(id=int(row[0]), username=str(row[1]), display_name=str(row[2]), active=bool(row[3]))


@unit_of_work()
def user_briefs(user_ids: Iterable[int]) -> dict[int, UserBrief]:
    """The users among `user_ids` that exist, by id: one `IN` query for a whole page (absent ids are left out), so
    callers merge names into their rows in Python instead of joining the users table."""
    ids = sorted(set(user_ids))
    if not ids:
        return {}
    rows = cast(Iterable[tuple[Any, ...]], User.select(*_BRIEF_COLUMNS).where(User.id.in_(ids)).tuples())
    return {brief.id: brief for brief in map(_brief, rows)}


@unit_of_work()
def user_brief_by_name(username: str) -> UserBrief | None:
    """The user with this user name (compared stripped and lower-case, as stored), or None."""
    row = User.select(*_BRIEF_COLUMNS).where(User.username == username.strip().lower()).tuples().first()
    return None if row is None else _brief(cast(tuple[Any, ...], row))


def insert_user(data: UserCreate, password_hash: str) -> UserOut:
    """Create a user inside the caller's write transaction. Raises UsernameTaken.

    The caller hashes the password first (`_secrets.hash_password`): scrypt takes ~100 ms on a Pi and must not run
    while the write lock is held, or every other writer waits for it."""
    now = utcnow()
    fields = data.model_dump(exclude={"password"})
    try:
        with transaction(write=True):
            user = User.create(
                **fields, password_hash=password_hash, created_at=now, updated_at=now, password_changed_at=now
            )
    except IntegrityError:
        raise UsernameTaken(data.username) from None
    return _out(user)


def create_user(data: UserCreate) -> UserOut:
    password_hash = _secrets.hash_password(data.password)
    with transaction(write=True):
        return insert_user(data, password_hash)


def _filtered(query: UserQuery) -> Any:
    select = User.select(*_OUT_COLUMNS)
    if query.q:
        # instr() rather than LIKE: a search for "50%" or "a_b" means those characters, not wildcards.
        needle = query.q.lower()
        select = select.where(
            contains(User.username, needle)
            | contains_folded(User.display_name, needle)
            | contains_folded(User.team, needle)
        )
    if query.role is not None:
        select = select.where(User.role == query.role)
    if query.active is not None:
        select = select.where(User.active == query.active)
    return select


@unit_of_work()
def users_page(query: UserQuery) -> dict[str, Any]:
    """A page of users as a plain dict shaped like UserPage (what GET /api/users answers). Short reads: fine on
    the event loop (Call.read); without filters they run prepared SQL."""
    if not query.q and query.role is None and query.active is None:
        [counted] = _COUNT.rows()
        total, items = counted["n"], _PAGE.rows(query.limit, query.offset)
    else:
        select = _filtered(query)
        total = select.count()
        items = list(select.order_by(User.username).limit(query.limit).offset(query.offset).dicts())
    return {"items": items, "total": total, "limit": query.limit, "offset": query.offset}


@unit_of_work()
def people_page(query: PeopleQuery) -> dict[str, Any]:
    """Active users by name, for pickers: id, user name and display name only (no role, team or activity)."""
    select = User.select(User.id, User.username, User.display_name).where(User.active)
    if query.q:
        needle = query.q.lower()
        select = select.where(contains(User.username, needle) | contains_folded(User.display_name, needle))
    total = select.count()
    items = list(select.order_by(User.username).limit(query.limit).offset(query.offset).dicts())
    return {"items": items, "total": total, "limit": query.limit, "offset": query.offset}


@unit_of_work()
def person(username: str) -> PersonDetail:
    """An active user's page by user name (compared lower-case, as stored); 404 for anyone else."""
    columns = (User.id, User.username, User.display_name, User.away_from, User.away_until)
    row = User.select(*columns).where((User.username == username.lower()) & (User.active == True)).dicts().first()  # noqa: E712
    if row is None:
        raise PersonNotFound(username)
    return PersonDetail.model_validate(row)


@unit_of_work()
def active_admin_ids() -> set[int]:
    """The active administrators: they may see every item."""
    return {int(user.id) for user in User.select(User.id).where((User.role == "admin") & (User.active == True))}  # noqa: E712


def _match_rank(person: PersonOut, needle: str) -> tuple[int, str]:
    """Autocomplete order: user names starting with what was typed, then display names (or a word of one)
    starting with it, then the rest; by user name within each."""
    words = person.display_name.lower().split()
    if person.username.startswith(needle):
        return (0, person.username)
    return (1 if any(word.startswith(needle) for word in words) else 2, person.username)


@unit_of_work()
def people_among(needle: str, user_ids: Iterable[int] | None, limit: int) -> list[PersonOut]:
    """Active users whose user or display name contains `needle`, among `user_ids` (None: everyone), best
    matches first (see _match_rank)."""
    select = User.select(User.id, User.username, User.display_name).where(User.active == True)  # noqa: E712
    if user_ids is not None:
        select = select.where(User.id.in_(sorted(set(user_ids))))
    needle = needle.lower()
    if needle:
        select = select.where(contains(User.username, needle) | contains_folded(User.display_name, needle))
    people = [PersonOut.model_validate(row) for row in select.dicts()]
    return sorted(people, key=lambda person: _match_rank(person, needle))[:limit]


def list_users(query: UserQuery) -> UserPage:
    """The same page as a validated model (for the CLI and other Python callers)."""
    return UserPage.model_validate(users_page(query))


def _apply_profile(user: User, patch: ProfilePatch) -> None:
    for field in PROFILE_FIELDS:
        if field in patch.model_fields_set:
            setattr(user, field, getattr(patch, field) or "")
    for field in AWAY_FIELDS:
        if field in patch.model_fields_set:
            setattr(user, field, getattr(patch, field))
    if user.away_from and user.away_until and user.away_until < user.away_from:
        raise ValidationFailed.for_field("away_until", "must not be before the first day away")
    if bool(user.away_from) != bool(user.away_until):
        raise ValidationFailed.for_field("away_until" if user.away_from else "away_from", "give both days, or neither")


@unit_of_work(write=True)
def update_profile(user_id: int, patch: ProfilePatch) -> UserOut:
    user = _get(user_id)
    _apply_profile(user, patch)
    user.updated_at = utcnow()
    user.save()
    return _out(user)


@unit_of_work(write=True)
def admin_update_user(user_id: int, patch: AdminUserPatch) -> UserOut:
    """Edit another user's profile, role and active flag. Deactivating and reactivating end the user's sessions
    and delete their API tokens, so a reactivated user gets back no old credential."""
    user = _get(user_id)
    losing_admin = (patch.role == "user" or patch.active is False) and user.role == "admin" and user.active
    if losing_admin and _active_admins_except(user_id) == 0:
        raise LastAdmin()
    _apply_profile(user, patch)
    if patch.role is not None:
        user.role = patch.role
    if patch.active is not None and patch.active != user.active:
        # Both ways: a user deactivated before tokens were revoked with it (or by a direct database edit) must
        # not get old tokens back on reactivation either.
        delete_credentials(user_id, tokens=True)
        user.active = patch.active
    user.updated_at = utcnow()
    user.save()
    return _out(user)


def _set_password(user: User, password_hash: str) -> None:
    user.password_hash = password_hash
    user.password_changed_at = user.updated_at = utcnow()
    user.save()


def _check_current_password(user_id: int, password: str, stored: str, guard: LoginGuard) -> None:
    """Refuse a wrong current password; guesses are rate limited per user (429), like sign-ins."""
    guard.check_password(user_id)
    if not _secrets.verify_password(password, stored):
        guard.password_failed(user_id)
        raise ValidationFailed.for_field("current_password", "is not your current password")
    guard.password_succeeded(user_id)


def change_password(user_id: int, data: PasswordChange, keep_session_id: int | None, guard: LoginGuard) -> None:
    """Check the current password, set the new one, end every other session of the user and, unless
    `data.revoke_tokens` is false, delete their API tokens."""
    if data.current_password == data.new_password:
        raise ValidationFailed.for_field("new_password", "must differ from the current password")
    with transaction():
        stored = _get(user_id).password_hash
    # Both scrypt runs happen outside the write lock; the update below only applies if nobody changed the
    # password in between.
    _check_current_password(user_id, data.current_password, stored, guard)
    new_hash = _secrets.hash_password(data.new_password)
    with transaction(write=True):
        user = _get(user_id)
        if user.password_hash != stored:
            raise ValidationFailed.for_field("current_password", "changed meanwhile; sign in again and retry")
        _set_password(user, new_hash)
        delete_credentials(user_id, tokens=data.revoke_tokens, keep_session_id=keep_session_id)


def reset_password(user_id: int, password: str) -> None:
    """Set a user's password (admin or CLI), end all of that user's sessions and delete their API tokens:
    whoever had their old credentials, token or password, is locked out."""
    new_hash = _secrets.hash_password(password)
    with transaction(write=True):
        _set_password(_get(user_id), new_hash)
        delete_credentials(user_id, tokens=True)


def _owned_by(user_id: int) -> dict[str, int]:
    counts = {owned.name: owned.count(user_id) for owned in OWNED_DATA}
    return {name: n for name, n in counts.items() if n}


@unit_of_work(write=True)
def delete_user(user_id: int, acting_user_id: int, reassign_to: int | None) -> None:
    """Delete a user. Refused (409) while they own data unless `reassign_to` names an active user to take it."""
    user = _get(user_id)
    if user_id == acting_user_id:
        raise Conflict("You cannot delete your own account; ask another administrator.", code="delete_self")
    if user.role == "admin" and user.active and _active_admins_except(user_id) == 0:
        raise LastAdmin()
    owned = _owned_by(user_id)
    if owned and reassign_to is None:
        listing = ", ".join(f"{n} {name}" for name, n in owned.items())
        raise UserOwnsData(
            f"{user.username} owns {listing}. Reassign them to another user (reassign_to) or "
            "deactivate the account instead.",
            detail=owned,
        )
    if owned and reassign_to is not None:
        target = _get(reassign_to)
        if target.id == user_id or not target.active:
            raise ValidationFailed.for_field("reassign_to", "must be another, active user")
        for item in OWNED_DATA:
            item.reassign(user_id, reassign_to)
    user.delete_instance()


# The first-run setup code: the setup page, `devcell setup-code`, the app's start and a restore check it.

SETUP_CODE_FILE = "setup_code"


def setup_code_path(data_dir: Path) -> Path:
    return data_dir / SETUP_CODE_FILE


def ensure_setup_code(data_dir: Path) -> str:
    """The setup code, created (0600) if missing. Only meaningful while no user exists."""
    return onetime.ensure_code(setup_code_path(data_dir))


def announce_setup_code(data_dir: Path) -> None:
    """Show the setup code in the service log only (see core.logs.announce_secret)."""
    announce_secret(
        "devcell.setup_code",
        logging.WARNING,
        "DevCell is not set up yet. Open it in a browser and enter the setup code %s "
        "(also printed by `devcell setup-code`).",
        ensure_setup_code(data_dir),
    )


def discard_setup_code(data_dir: Path) -> None:
    onetime.discard(setup_code_path(data_dir))


@unit_of_work()
def needs_setup() -> bool:
    return not User.select().where(User.role == "admin").exists()
