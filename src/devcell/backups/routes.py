"""HTTP endpoints of the backups slice: list, create, download, upload, verify, restore, pin, delete; and the
damaged database files a restore kept."""

from __future__ import annotations

from pathlib import Path

from starlette.responses import FileResponse, Response

from devcell.backups import _setup, service
from devcell.backups.errors import ArchiveInvalid
from devcell.backups.folders import folder_of_token, folder_problem
from devcell.backups.schemas import (
    BackupList,
    BackupOut,
    DamagedList,
    FolderCheckIn,
    FolderCheckOut,
    RestoreIn,
    RestoreOut,
)
from devcell.backups.service import BACKUPS, Backups, receive_upload
from devcell.core.auth import Access
from devcell.core.config import Config, load_or_create_secret
from devcell.core.errors import Forbidden, RateLimited, UnsupportedMediaType
from devcell.core.jobs import JOBS
from devcell.core.schemas import JobOut
from devcell.core.web import ApiRoute, Call
from devcell.settings.service import SETTINGS_STORE

GZIP_TYPES = ("application/gzip", "application/x-gzip", "application/octet-stream")


def _upload_limit(call: Call) -> int:
    """Bytes an uploaded archive may have (the backup_upload_max_mb setting)."""
    return call.state.need(SETTINGS_STORE).get_int("backup_upload_max_mb") * 1024 * 1024


def _forget_disk_answers(call: Call) -> None:
    """A deletion freed space: the request guard must not keep refusing with its cached "disk full" answer."""
    if call.state.request_guard is not None:
        call.state.request_guard.forget()


async def list_backups(call: Call) -> BackupList:
    """Every archive in the backup directory, newest first, with its manifest and last verification."""
    return await call.run(service.list_backups, call.state.need(BACKUPS))


async def create_backup(call: Call) -> JobOut:
    """Start a backup now (a tracked job: follow it at /api/jobs/{id})."""
    snap = await call.run(call.state.need(BACKUPS).start_backup, call.state.need(JOBS), call.user.user_id)
    return JobOut.model_validate(snap)


async def download_backup(call: Call) -> Response:
    """Download an archive (streamed from disk)."""
    path = await call.run(call.state.need(BACKUPS).directory().archive, call.request.path_params["name"])
    return FileResponse(path, media_type="application/gzip", filename=path.name)


async def upload_backup(call: Call) -> BackupOut:
    """Upload an archive (the raw .tar.gz as the request body); verify it before restoring it."""
    backups = call.state.need(BACKUPS)
    name = await receive_upload(call.request, backups, _upload_limit(call), "upload")
    return await call.run(service.describe, backups, name)


async def verify_backup(call: Call) -> JobOut:
    """Verify an archive by restoring it into a scratch directory (a tracked job)."""
    name = call.request.path_params["name"]
    snap = await call.run(call.state.need(BACKUPS).start_verify, call.state.need(JOBS), name, call.user.user_id)
    return JobOut.model_validate(snap)


async def restore_backup(call: Call, body: RestoreIn) -> JobOut:
    """Replace all data with an archive's (a tracked job). A safety backup of the current data comes first."""
    name = call.request.path_params["name"]
    if body.confirm != name:
        raise ArchiveInvalid("Type the backup's name to confirm the restore.", code="confirmation_required")
    snap = await call.run(call.state.need(BACKUPS).start_restore, call.state.need(JOBS), name, call.user.user_id)
    return JobOut.model_validate(snap)


def _pinned(backups: Backups, name: str, by: str, pinned: bool) -> BackupOut:
    if pinned:
        backups.pin(name, by)
    else:
        backups.unpin(name)
    return service.describe(backups, name)


async def pin_backup(call: Call) -> BackupOut:
    """Pin an archive: retention never removes it, and it cannot be deleted until unpinned."""
    name = call.request.path_params["name"]
    return await call.run(_pinned, call.state.need(BACKUPS), name, call.user.username, True)


async def unpin_backup(call: Call) -> BackupOut:
    """Unpin an archive: a scheduled backup is again subject to retention; others stay until deleted."""
    name = call.request.path_params["name"]
    return await call.run(_pinned, call.state.need(BACKUPS), name, call.user.username, False)


async def delete_backup(call: Call) -> None:
    """Delete an archive and its side files (409 backup_pinned while it is pinned)."""
    await call.run(call.state.need(BACKUPS).delete, call.request.path_params["name"])
    _forget_disk_answers(call)


async def list_damaged(call: Call) -> DamagedList:
    """Copies of a damaged database that restores kept (damaged/<time>/ in the data directory), newest first."""
    return await call.run(call.state.need(BACKUPS).damaged)


async def delete_damaged(call: Call) -> None:
    """Delete one folder of damaged database files. Allowed while the disk is full: it frees space."""
    await call.run(call.state.need(BACKUPS).delete_damaged, call.request.path_params["name"])
    _forget_disk_answers(call)


ROUTES = [
    ApiRoute("GET", "/api/backups", list_backups, access=Access.ADMIN, response=BackupList),
    # Before /api/backups/{name}: "damaged" is no archive name, and the download route would otherwise answer 404.
    ApiRoute("GET", "/api/backups/damaged", list_damaged, access=Access.ADMIN, response=DamagedList),
    ApiRoute("DELETE", "/api/backups/damaged/{name}", delete_damaged, access=Access.ADMIN, status=204),
    ApiRoute("POST", "/api/backups", create_backup, access=Access.ADMIN, response=JobOut, status=202),
    ApiRoute("POST", "/api/backups/upload", upload_backup, access=Access.ADMIN, response=BackupOut, status=201),
    ApiRoute("GET", "/api/backups/{name}", download_backup, access=Access.ADMIN),
    ApiRoute("POST", "/api/backups/{name}/verify", verify_backup, access=Access.ADMIN, response=JobOut, status=202),
    ApiRoute(
        "POST",
        "/api/backups/{name}/restore",
        restore_backup,
        access=Access.ADMIN,
        body=RestoreIn,
        response=JobOut,
        status=202,
    ),
    ApiRoute("PUT", "/api/backups/{name}/pin", pin_backup, access=Access.ADMIN, response=BackupOut),
    ApiRoute("DELETE", "/api/backups/{name}/pin", unpin_backup, access=Access.ADMIN, response=BackupOut),
    ApiRoute("DELETE", "/api/backups/{name}", delete_backup, access=Access.ADMIN, status=204),
]


async def setup_restore(call: Call) -> RestoreOut:
    """First-run setup: restore a backup instead of creating an admin (setup code in X-Setup-Code, archive as
    the body). Afterwards sign in with an account from the backup."""
    content_type = call.request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type not in GZIP_TYPES:
        raise UnsupportedMediaType("Send the backup archive (.tar.gz) as the body, with Content-Type application/gzip.")
    # Anonymous, and each try costs an upload: the shared per-address budget of the anonymous routes, counted
    # before the setup code is checked so that guessing it is throttled too.
    limiter = call.state.anonymous_limiter
    wait = limiter.retry_after(call.client_address)
    if wait:
        raise RateLimited(f"Too many attempts. Try again in {wait // 60 + 1} minutes.", retry_after=wait)
    limiter.hit(call.client_address)
    backups = call.state.need(BACKUPS)
    settings = call.state.need(SETTINGS_STORE)
    await call.run(_setup.check_setup_code, call.state.config.data_dir, call.request.headers.get("x-setup-code", ""))
    name = await receive_upload(call.request, backups, _upload_limit(call), "upload")
    result = await call.run(_setup.restore_fresh, backups, name)
    settings.refresh(True)  # the restored database brings its own saved settings
    return RestoreOut.model_validate(result)


ROUTES.append(ApiRoute("POST", "/api/setup/restore", setup_restore, access=Access.PUBLIC, response=RestoreOut))


def _check_folder(config: Config, token: str) -> FolderCheckOut:
    path = folder_of_token(load_or_create_secret(config), token)
    if path is None:
        raise Forbidden("This check must be signed with the appliance's secret key (devcell settings set).")
    problem = folder_problem(Path(path))
    return FolderCheckOut(path=path, ok=problem is None, message=problem)


async def check_folder(call: Call, body: FolderCheckIn) -> FolderCheckOut:
    """Can this service write backups into a folder? `devcell settings set backup_dir` asks before it saves one:
    only the running process shows what its sandbox allows. Signed with the secret key (403 otherwise)."""
    return await call.run(_check_folder, call.state.config, body.token)


ROUTES.append(
    ApiRoute(
        "POST",
        "/api/backups/folder-check",
        check_folder,
        access=Access.PUBLIC,
        body=FolderCheckIn,
        response=FolderCheckOut,
    )
)
