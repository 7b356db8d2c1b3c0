"""First-run setup (one-time code), registration policy and invite links."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from devcell.accounts import _secrets
from devcell.accounts.errors import InviteNotFound, RegistrationClosed, SetupCodeInvalid, SetupDone
from devcell.accounts.models import Invite, User
from devcell.accounts.schemas import (
    InviteCheckOut,
    InviteCreate,
    InviteCreated,
    InviteList,
    InviteOut,
    RegisterIn,
    SetupIn,
    SetupStatus,
    UserCreate,
    UserOut,
)
from devcell.accounts.service import discard_setup_code, insert_user, needs_setup, setup_code_path
from devcell.core import onetime
from devcell.core.db import transaction, unit_of_work, utcnow
from devcell.settings.service import SettingsStore

INVITE_PREFIX = "dci"


def setup_status(settings: SettingsStore) -> SetupStatus:
    return SetupStatus.model_validate(
        {
            "needs_setup": needs_setup(),
            "registration": settings.get_str("registration"),
            "appliance_name": settings.get_str("appliance_name"),
        }
    )


def complete_setup(data: SetupIn, data_dir: Path) -> UserOut:
    """Create the first administrator if the setup code matches. The code is used up."""
    password_hash = _secrets.hash_password(data.password)  # before the write lock; see insert_user
    with transaction(write=True):
        if User.select().where(User.role == "admin").exists():
            raise SetupDone()
        if not onetime.matches(setup_code_path(data_dir), data.setup_code):
            raise SetupCodeInvalid()
        new = UserCreate(username=data.username, password=data.password, role="admin", display_name=data.display_name)
        user = insert_user(new, password_hash)
        discard_setup_code(data_dir)
        return user


def _invite_status(invite: Invite) -> str:
    if invite.revoked_at is not None:
        return "revoked"
    if invite.used_at is not None:
        return "used"
    return "expired" if invite.expires_at <= utcnow() else "open"


def _invite_out(invite: Invite) -> InviteOut:
    fields = ("id", "role", "note", "created_by_id", "created_at", "expires_at", "used_at", "used_by_id")
    return InviteOut.model_validate(
        {name: getattr(invite, name) for name in fields} | {"status": _invite_status(invite)}
    )


@unit_of_work(write=True)
def create_invite(data: InviteCreate, created_by_id: int) -> InviteCreated:
    token = _secrets.new_token(INVITE_PREFIX)
    now = utcnow()
    invite = Invite.create(
        token_hash=_secrets.token_hash(token),
        role=data.role,
        note=data.note,
        created_by_id=created_by_id,
        created_at=now,
        expires_at=now + timedelta(hours=data.expires_in_hours),
    )
    return InviteCreated(**_invite_out(invite).model_dump(), token=token, path=f"/register?invite={token}")


@unit_of_work()
def list_invites() -> InviteList:
    return InviteList(items=[_invite_out(i) for i in Invite.select().order_by(Invite.id.desc()).limit(200)])


@unit_of_work(write=True)
def revoke_invite(invite_id: int) -> None:
    invite = Invite.get_or_none(Invite.id == invite_id)
    if invite is None:
        raise InviteNotFound(f"There is no invite with id {invite_id}.")
    if invite.used_at is None and invite.revoked_at is None:
        invite.revoked_at = utcnow()
        invite.save()


@unit_of_work()
def check_invite(token: str) -> InviteCheckOut:
    """Whether an invite link still works, so the registration page can say so before the form is filled in."""
    invite = Invite.get_or_none(Invite.token_hash == _secrets.token_hash(token))
    status = "revoked" if invite is None else _invite_status(invite)
    if status == "open":
        return InviteCheckOut(status="valid")
    if status in ("used", "expired"):
        return InviteCheckOut(status="used" if status == "used" else "expired")
    return InviteCheckOut(status="invalid")


def _claim_invite(token: str) -> Invite:
    invite = Invite.get_or_none(Invite.token_hash == _secrets.token_hash(token))
    if invite is None or _invite_status(invite) != "open":
        raise RegistrationClosed(
            "This invite link is not valid any more; ask an administrator for a new one.", code="invite_invalid"
        )
    return invite


def register(data: RegisterIn, policy: str) -> UserOut:
    """Self-registration: allowed when the policy is open, or with a valid unused invite (which is used up)."""
    if policy == "closed" or (policy == "invite" and not data.invite):
        raise RegistrationClosed("Registration is closed. Ask an administrator for an account or an invite link.")
    password_hash = _secrets.hash_password(data.password)  # before the write lock; see insert_user
    with transaction(write=True):
        invite = _claim_invite(data.invite) if data.invite else None
        role = invite.role if invite else "user"
        new = UserCreate.model_validate(data.model_dump(exclude={"invite"}) | {"role": role})
        user = insert_user(new, password_hash)
        if invite is not None:
            invite.used_at, invite.used_by_id = utcnow(), user.id
            invite.save()
        return user
