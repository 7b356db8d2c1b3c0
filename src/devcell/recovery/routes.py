"""The recovery API: anonymous (nobody can sign in while the database is damaged), unlocked by the recovery code."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from starlette.responses import Response

from devcell.backups import uploads
from devcell.core.auth import Access
from devcell.core.errors import RateLimited, UnsupportedMediaType
from devcell.core.ratelimit import SlidingWindowLimiter
from devcell.core.web import ApiRoute, Call, json
from devcell.recovery import service
from devcell.recovery.errors import NotInRecovery
from devcell.recovery.schemas import CodeIn, RecoveryBackups, RecoveryRestored, RecoveryRestoreIn, RecoveryStatus
from devcell.recovery.service import RecoveryMode

CODE_HEADER = "x-recovery-code"
GZIP_TYPES = ("application/gzip", "application/x-gzip", "application/octet-stream")


def _mode(call: Call) -> RecoveryMode:
    mode: RecoveryMode | None = getattr(call.state, "recovery_mode", None)
    if mode is None:
        raise NotInRecovery()
    return mode


def _throttle(call: Call) -> None:
    """Guessing the code: the same per-address limit as the setup page's restore."""
    limiter: SlidingWindowLimiter = call.state.anonymous_limiter
    wait = limiter.retry_after(call.client_address)
    if wait:
        raise RateLimited(f"Too many attempts. Try again in {wait // 60 + 1} minutes.", retry_after=wait)
    limiter.hit(call.client_address)


async def _unlocked(call: Call, code: str) -> RecoveryMode:
    mode = _mode(call)
    _throttle(call)
    await call.run(service.check_code, mode, code)
    return mode


async def status(call: Call) -> Response:
    """Whether DevCell is in recovery mode, and why (anonymous: the page that offers the restore asks this)."""
    mode: RecoveryMode | None = getattr(call.state, "recovery_mode", None)
    return json(mode.status() if mode is not None else RecoveryStatus(active=False, problem=None, since=None))


async def list_archives(call: Call) -> Response:
    """The backups that can be restored (the recovery code in the body)."""
    body = await call.body(CodeIn)
    mode = await _unlocked(call, body.code)
    return json(await call.run(service.backups, mode))


async def upload_archive(call: Call) -> Response:
    """Add a backup archive from elsewhere (the raw .tar.gz as the body, the code in X-Recovery-Code)."""
    content_type = call.request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type not in GZIP_TYPES:
        raise UnsupportedMediaType("Send the backup archive (.tar.gz) as the body, with Content-Type application/gzip.")
    mode = await _unlocked(call, call.request.headers.get(CODE_HEADER, ""))
    limit = mode.settings.get_int("backup_upload_max_mb") * 1024 * 1024
    name = await uploads.receive(call.request, mode.backups, limit, "upload")
    listed = await call.run(service.backups, mode)
    return json(listed.model_copy(update={"uploaded": name}), 201)


async def restore(call: Call) -> Response:
    """Restore a backup over the damaged database, then start DevCell normally (the code is used up)."""
    body = await call.body(RecoveryRestoreIn)
    mode = await _unlocked(call, body.code)
    restored = await call.run(service.restore, mode, body.name)
    leave: Callable[[], Awaitable[None]] = call.state.leave_recovery
    await leave()
    return json(restored)


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
