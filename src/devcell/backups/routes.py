"""HTTP endpoints of the backups slice: list, create, download, upload, verify, restore, pin, delete; and the
damaged database files a restore kept."""

from __future__ import annotations

from starlette.responses import FileResponse, Response

from devcell.backups import service, setup, uploads
from devcell.backups.errors import ArchiveInvalid
from devcell.backups.schemas import BackupList, BackupOut, DamagedList, RestoreIn, RestoreOut
from devcell.core.auth import Access
from devcell.core.errors import RateLimited, UnsupportedMediaType
from devcell.core.schemas import JobOut
from devcell.core.web import ApiRoute, Call, json, no_content


def _backups(call: Call) -> service.Backups:
    backups: service.Backups = call.state.backups
    return backups


async def list_backups(call: Call) -> Response:
    """Every archive in the backup directory, newest first, with its manifest and last verification."""
    return json(await call.run(service.list_backups, _backups(call)))


async def create_backup(call: Call) -> Response:
    """Start a backup now (a tracked job: follow it at /api/jobs/{id})."""
    snap = await call.run(_backups(call).start_backup, call.state.jobs, call.user.user_id)
    return json(JobOut.model_validate(snap), 202)


async def download_backup(call: Call) -> Response:
    """Download an archive (streamed from disk)."""
    path = await call.run(_backups(call).directory().archive, call.request.path_params["name"])
    return FileResponse(path, media_type="application/gzip", filename=path.name)


async def upload_backup(call: Call) -> Response:
    """Upload an archive (the raw .tar.gz as the request body); verify it before restoring it."""
    backups = _backups(call)
    limit = int(call.state.settings.get_int("backup_upload_max_mb")) * 1024 * 1024
    name = await uploads.receive(call.request, backups, limit, "upload")
    return json(await call.run(service.describe, backups, name), 201)


async def verify_backup(call: Call) -> Response:
    """Verify an archive by restoring it into a scratch directory (a tracked job)."""
    name = call.request.path_params["name"]
    snap = await call.run(_backups(call).start_verify, call.state.jobs, name, call.user.user_id)
    return json(JobOut.model_validate(snap), 202)


async def restore_backup(call: Call) -> Response:
    """Replace all data with an archive's (a tracked job). A safety backup of the current data comes first."""
    name = call.request.path_params["name"]
    body = await call.body(RestoreIn)
    if body.confirm != name:
        raise ArchiveInvalid("Type the backup's name to confirm the restore.", code="confirmation_required")
    snap = await call.run(_backups(call).start_restore, call.state.jobs, name, call.user.user_id)
    return json(JobOut.model_validate(snap), 202)


def _pinned(backups: service.Backups, name: str, by: str, pinned: bool) -> BackupOut:
    if pinned:
        backups.pin(name, by)
    else:
        backups.unpin(name)
    return service.describe(backups, name)


async def pin_backup(call: Call) -> Response:
    """Pin an archive: retention never removes it, and it cannot be deleted until unpinned."""
    name = call.request.path_params["name"]
    return json(await call.run(_pinned, _backups(call), name, call.user.username, True))


async def unpin_backup(call: Call) -> Response:
    """Unpin an archive: a scheduled backup is again subject to retention; others stay until deleted."""
    name = call.request.path_params["name"]
    return json(await call.run(_pinned, _backups(call), name, call.user.username, False))


async def delete_backup(call: Call) -> Response:
    """Delete an archive and its side files (409 backup_pinned while it is pinned)."""
    await call.run(_backups(call).delete, call.request.path_params["name"])
    if call.state.request_guard is not None:
        call.state.request_guard.forget()
    return no_content()


async def list_damaged(call: Call) -> Response:
    """Copies of a damaged database that restores kept (damaged/<time>/ in the data directory), newest first."""
    return json(await call.run(_backups(call).damaged))


async def delete_damaged(call: Call) -> Response:
    """Delete one folder of damaged database files. Allowed while the disk is full: it frees space."""
    await call.run(_backups(call).delete_damaged, call.request.path_params["name"])
    if call.state.request_guard is not None:
        call.state.request_guard.forget()
    return no_content()


ROUTES = [
    ApiRoute("GET", "/api/backups", list_backups, access=Access.ADMIN, response=BackupList),
    # Before /api/backups/{name}: "damaged" is no archive name, and the download route would otherwise answer 404.
    ApiRoute("GET", "/api/backups/damaged", list_damaged, access=Access.ADMIN, response=DamagedList),
    ApiRoute("DELETE", "/api/backups/damaged/{name}", delete_damaged, access=Access.ADMIN, status=204),
    ApiRoute("POST", "/api/backups", create_backup, access=Access.ADMIN, response=JobOut, status=202),
    ApiRoute("POST", "/api/backups/upload", upload_backup, access=Access.ADMIN, response=BackupOut, status=201),
    ApiRoute("GET", "/api/backups/{name}", download_backup, access=Access.ADMIN),
    ApiRoute("POST", "/api/backups/{name}/verify", verify_backup, access=Access.ADMIN, response=JobOut, status=202),
    ApiRoute("POST", "/api/backups/{name}/restore", restore_backup, access=Access.ADMIN, body=RestoreIn, status=202),
    ApiRoute("PUT", "/api/backups/{name}/pin", pin_backup, access=Access.ADMIN, response=BackupOut),
    ApiRoute("DELETE", "/api/backups/{name}/pin", unpin_backup, access=Access.ADMIN, response=BackupOut),
    ApiRoute("DELETE", "/api/backups/{name}", delete_backup, access=Access.ADMIN, status=204),
]


async def setup_restore(call: Call) -> Response:
    """First-run setup: restore a backup instead of creating an admin (setup code in X-Setup-Code, archive as
    the body). Afterwards sign in with an account from the backup."""
    content_type = call.request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type not in ("application/gzip", "application/x-gzip", "application/octet-stream"):
        raise UnsupportedMediaType("Send the backup archive (.tar.gz) as the body, with Content-Type application/gzip.")
    limiter = call.state.anonymous_limiter
    wait = limiter.retry_after(call.client_address)
    if wait:
        raise RateLimited(f"Too many attempts. Try again in {wait // 60 + 1} minutes.", retry_after=wait)
    limiter.hit(call.client_address)
    backups = _backups(call)
    await call.run(setup.check_setup_code, call.state.config.data_dir, call.request.headers.get("x-setup-code", ""))
    limit = int(call.state.settings.get_int("backup_upload_max_mb")) * 1024 * 1024
    name = await uploads.receive(call.request, backups, limit, "upload")
    result = await call.run(setup.restore_fresh, backups, name)
    call.state.settings.refresh(True)
    return json(RestoreOut.model_validate(result))


ROUTES.append(ApiRoute("POST", "/api/setup/restore", setup_restore, access=Access.PUBLIC, response=RestoreOut))
