"""The recovery API: anonymous (nobody can sign in while the database is damaged), unlocked by the recovery code."""

from __future__ import annotations

from devcell.backups.service import receive_upload
from devcell.core.auth import Access
from devcell.core.errors import RateLimited, UnsupportedMediaType
from devcell.core.web import ApiRoute, Call
from devcell.recovery import service
from devcell.recovery.errors import NotInRecovery
from devcell.recovery.schemas import CodeIn, RecoveryBackups, RecoveryRestored, RecoveryRestoreIn, RecoveryStatus
from devcell.recovery.service import RECOVERY_MODE, RecoveryMode

CODE_HEADER = "x-recovery-code"
GZIP_TYPES = ("application/gzip", "application/x-gzip", "application/octet-stream")


def _mode(call: Call) -> RecoveryMode:
    mode = call.state.get(RECOVERY_MODE)
    if mode is None:
        raise NotInRecovery()
    return mode


def _throttle(call: Call) -> None:
    """Guessing the code: the same per-address limit as the setup page's restore."""
    limiter = call.state.anonymous_limiter
    wait = limiter.retry_after(call.client_address)
    if wait:
        raise RateLimited(f"Too many attempts. Try again in {wait // 60 + 1} minutes.", retry_after=wait)
    limiter.hit(call.client_address)


async def _unlocked(call: Call, code: str) -> RecoveryMode:
    mode = _mode(call)
    _throttle(call)
    await call.run(service.check_code, mode, code)
    return mode


async def status(call: Call) -> RecoveryStatus:
    """Whether DevCell is in recovery mode, and why (anonymous: the page that offers the restore asks this)."""
    mode = call.state.get(RECOVERY_MODE)
    return mode.status() if mode is not None else RecoveryStatus(active=False, problem=None, since=None)


async def list_archives(call: Call, body: CodeIn) -> RecoveryBackups:
    """The backups that can be restored (the recovery code in the body)."""
    mode = await _unlocked(call, body.code)
    return await call.run(service.backups, mode)


async def upload_archive(call: Call) -> RecoveryBackups:
    """Add a backup archive from elsewhere (the raw .tar.gz as the body, the code in X-Recovery-Code)."""
    content_type = call.request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type not in GZIP_TYPES:
        raise UnsupportedMediaType("Send the backup archive (.tar.gz) as the body, with Content-Type application/gzip.")
    mode = await _unlocked(call, call.request.headers.get(CODE_HEADER, ""))
    limit = mode.settings.get_int("backup_upload_max_mb") * 1024 * 1024
    name = await receive_upload(call.request, mode.backups, limit, "upload")
    listed = await call.run(service.backups, mode)
    return listed.model_copy(update={"uploaded": name})


async def restore(call: Call, body: RecoveryRestoreIn) -> RecoveryRestored:
    """Restore a backup over the damaged database, then start DevCell normally (the code is used up)."""
    mode = await _unlocked(call, body.code)
    restored = await call.run(service.restore, mode, body.name)
    if mode.leave is not None:
        await mode.leave()
    return restored


ROUTES = [
    ApiRoute("GET", "/api/recovery", status, access=Access.PUBLIC, response=RecoveryStatus),
    ApiRoute(
        "POST", "/api/recovery/backups", list_archives, access=Access.PUBLIC, body=CodeIn, response=RecoveryBackups
    ),
    ApiRoute(
        "POST", "/api/recovery/upload", upload_archive, access=Access.PUBLIC, response=RecoveryBackups, status=201
    ),
    ApiRoute(
        "POST",
        "/api/recovery/restore",
        restore,
        access=Access.PUBLIC,
        body=RecoveryRestoreIn,
        response=RecoveryRestored,
    ),
]
