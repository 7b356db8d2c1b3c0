"""Can this process keep backups in a folder? Answered by creating and deleting a file there, because what decides
it is the service's sandbox (ProtectSystem=strict leaves only /var/lib/devcell, /mnt and /media writable), a
read-only mount or the folder's owner, and none of them shows in the permission bits."""

from __future__ import annotations

import errno
import tempfile
from pathlib import Path

SANDBOX_HINT = (
    "The DevCell service may write only under /var/lib/devcell, /mnt and /media: mount the disk there (for example "
    "at /mnt/usb) and choose a folder on it, or allow this folder with `sudo systemctl edit devcell` (add "
    "[Service] and ReadWritePaths={path}) and `sudo systemctl restart devcell`."
)
OWNER_HINT = (
    "Let the devcell user write there: `sudo chown devcell:devcell {path}` (a FAT or exFAT disk: mount it with "
    "uid=devcell,gid=devcell)."
)


def folder_problem(path: Path) -> str | None:
    """Why this process cannot write backups into `path`, or None. A missing folder is a problem, not something
    to create: on a disk that is not mounted it would be made, and filled, on the SD card."""
    if not path.is_absolute():
        return f"{path} is not an absolute path."
    if not path.is_dir():
        return f"{path} does not exist. Is the disk mounted? Create the folder (or mount the disk) first."
    try:
        with tempfile.NamedTemporaryFile(dir=path, prefix=".devcell-write-check-"):
            pass
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        hint = SANDBOX_HINT if exc.errno == errno.EROFS else OWNER_HINT if exc.errno == errno.EACCES else ""
        return f"DevCell cannot write to {path} ({reason}). {hint.format(path=path)}".strip()
    return None


# `devcell settings set backup_dir` asks the running service to try the folder (POST /api/backups/folder-check):
# only the service's process shows what its sandbox allows. The request is signed with the appliance's secret
# key, which only the devcell user (and root) can read, so nobody else can make the service probe folders.
SIGNING_PURPOSE = "devcell.backups.folder-check"
TOKEN_SECONDS = 120


def folder_check_token(secret: str, path: str) -> str:
    from itsdangerous import URLSafeTimedSerializer

    return URLSafeTimedSerializer(secret, salt=SIGNING_PURPOSE).dumps(path)


def folder_of_token(secret: str, token: str) -> str | None:
    """The folder a valid, fresh token names; None for anything else."""
    from itsdangerous import BadSignature, URLSafeTimedSerializer

    try:
        path = URLSafeTimedSerializer(secret, salt=SIGNING_PURPOSE).loads(token, max_age=TOKEN_SECONDS)
    except BadSignature:
        return None
    return path if isinstance(path, str) else None
