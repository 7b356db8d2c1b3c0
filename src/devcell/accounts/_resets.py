"""Password reset links: an administrator makes a one-time link for a user who forgot their password (there is no
e-mail on an air-gapped box); the user opens it and sets a new password. A link expires, works once and can be
revoked; making a new one revokes the user's older open links. Using it ends the user's sessions and API tokens,
like an administrator's reset."""

from __future__ import annotations

from datetime import timedelta

from devcell.accounts import _secrets
from devcell.accounts.errors import ResetLinkInvalid, ResetNotFound, UserNotFound
from devcell.accounts.models import ResetLink, User
from devcell.accounts.schemas import ResetCheckOut, ResetCreate, ResetCreated, ResetIn, ResetList, ResetOut
from devcell.accounts.sessions import delete_credentials
from devcell.core.db import transaction, unit_of_work, utcnow

RESET_PREFIX = "dcr"


def _status(reset: ResetLink) -> str:
    if reset.revoked_at is not None:
        return "revoked"
    if reset.used_at is not None:
        return "used"
    return "expired" if reset.expires_at <= utcnow() else "open"


def _out(reset: ResetLink, username: str) -> ResetOut:
    fields = ("id", "created_by_id", "created_at", "expires_at", "used_at")
    values = {name: getattr(reset, name) for name in fields}
    return ResetOut.model_validate(values | {"user_id": reset.user_id, "username": username, "status": _status(reset)})


def _revoke_open(user_id: int) -> None:
    ResetLink.update(revoked_at=utcnow()).where(
        (ResetLink.user == user_id) & ResetLink.used_at.is_null() & ResetLink.revoked_at.is_null()
    ).execute()


@unit_of_work(write=True)
def create_reset(user_id: int, data: ResetCreate, created_by_id: int) -> ResetCreated:
    """A new link for an active user; their older open links stop working (one link in circulation)."""
    user = User.get_or_none((User.id == user_id) & (User.active == True))  # noqa: E712
    if user is None:
        raise UserNotFound(user_id)
    _revoke_open(user_id)
    token = _secrets.new_token(RESET_PREFIX)
    now = utcnow()
    reset = ResetLink.create(
        user=user_id,
        token_hash=_secrets.token_hash(token),
        created_by_id=created_by_id,
        created_at=now,
        expires_at=now + timedelta(hours=data.expires_in_hours),
    )
    return ResetCreated(**_out(reset, user.username).model_dump(), token=token, path=f"/reset?token={token}")


@unit_of_work()
def list_resets() -> ResetList:
    """The newest 200 links, open or not (the Users page lists the open ones with a revoke button)."""
    rows = list(ResetLink.select().order_by(ResetLink.id.desc()).limit(200))
    names = {
        u.id: u.username for u in User.select(User.id, User.username).where(User.id.in_({r.user_id for r in rows}))
    }
    return ResetList(items=[_out(row, names.get(row.user_id, "")) for row in rows])


@unit_of_work(write=True)
def revoke_reset(reset_id: int) -> None:
    reset = ResetLink.get_or_none(ResetLink.id == reset_id)
    if reset is None:
        raise ResetNotFound(f"There is no reset link with id {reset_id}.")
    if reset.used_at is None and reset.revoked_at is None:
        reset.revoked_at = utcnow()
        reset.save()


def _find(token: str) -> ResetLink | None:
    return ResetLink.get_or_none(ResetLink.token_hash == _secrets.token_hash(token))


@unit_of_work()
def check_reset(token: str) -> ResetCheckOut:
    """Whether the link works; the user name only when it does (the page says whose password it sets)."""
    reset = _find(token)
    status = "revoked" if reset is None else _status(reset)
    if reset is not None and status == "open":
        user = User.get_or_none((User.id == reset.user_id) & (User.active == True))  # noqa: E712
        if user is not None:
            return ResetCheckOut(status="valid", username=user.username)
    if status in ("used", "expired"):
        return ResetCheckOut(status=status)  # type: ignore[arg-type]
    return ResetCheckOut(status="invalid")


def use_reset(data: ResetIn) -> int:
    """Set the new password with a working link (used up), end the user's sessions and API tokens; returns the
    user's id, for signing in."""
    new_hash = _secrets.hash_password(data.password)  # scrypt before the write lock
    with transaction(write=True):
        reset = _find(data.token)
        if reset is None or _status(reset) != "open":
            raise ResetLinkInvalid()
        user = User.get_or_none((User.id == reset.user_id) & (User.active == True))  # noqa: E712
        if user is None:
            raise ResetLinkInvalid()
        user.password_hash = new_hash
        user.password_changed_at = user.updated_at = utcnow()
        user.save()
        reset.used_at = utcnow()
        reset.save()
        delete_credentials(user.id, tokens=True)
        return int(user.id)
