"""Receiving an archive over HTTP: streamed to a hidden partial file, size-limited, renamed when complete."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request

from devcell.backups._restore import MARGIN
from devcell.backups.errors import ArchiveInvalid
from devcell.core.disk import human
from devcell.core.errors import DevCellError

if TYPE_CHECKING:  # the service re-exports receive(), so this module must not import it at run time
    from devcell.backups.service import Backups

GZIP_MAGIC = b"\x1f\x8b"


class TooLarge(DevCellError):
    status = 413
    code = "too_large"


def _too_large(limit: int) -> TooLarge:
    return TooLarge(
        f"The archive is larger than the upload limit of {human(limit)} (setting backup_upload_max_mb). Raise the "
        "limit, or copy the file into the backup directory and restore it with `devcell restore`."
    )


async def receive(request: Request, backups: Backups, limit: int, kind: str) -> str:
    """Store the request body as a new archive of `kind` in the backup directory; returns its name."""
    declared = int(request.headers.get("content-length") or 0)
    if declared > limit:
        raise _too_large(limit)
    directory = backups.directory()
    await run_in_threadpool(backups.disk.require, directory.path, declared + MARGIN, "the uploaded archive")
    directory.ensure()
    name = directory.new_name(kind)
    partial = directory.path / f".{name}.partial"
    try:
        await _stream_to(request, partial, limit)
        await run_in_threadpool(os.replace, partial, directory.path / name)
    finally:
        partial.unlink(missing_ok=True)
    return name


async def _stream_to(request: Request, partial: Path, limit: int) -> None:
    size = 0
    with os.fdopen(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o640), "wb") as out:
        async for chunk in request.stream():
            if size == 0 and chunk and not chunk.startswith(GZIP_MAGIC[: len(chunk)]):
                raise ArchiveInvalid("This is not a DevCell backup (a .tar.gz file); nothing was stored.")
            size += len(chunk)
            if size > limit:
                raise _too_large(limit)
            out.write(chunk)  # local disk, 64 kB at a time: cheaper than a thread hop per chunk
        await run_in_threadpool(os.fsync, out.fileno())
    if size == 0:
        raise ArchiveInvalid("The upload was empty; send the .tar.gz archive as the request body.")
