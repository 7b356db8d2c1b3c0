"""The request guard: refuses changes when the disk is nearly full (507) and holds requests back while a restore
or a vacuum changes the database under them (503). Called by every API route before it runs (core.web)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from starlette.requests import Request

from devcell.core.disk import MB, DiskProbe, InsufficientStorage, human
from devcell.core.errors import ServiceUnavailable
from devcell.core.state import Key
from devcell.core.web import SAFE_METHODS

PauseLevel = str  # "writes" | "all"
DISK_CACHE_SECONDS = 2.0  # statvfs is cheap, but not free on every write of a busy minute
RETRY_SECONDS = 5  # Retry-After of a paused request: a restore's swap or a vacuum is over in seconds
# Always allowed: liveness, and what an admin needs to free space (sign in, delete a backup).
_ALWAYS = ("/api/health",)
_WHEN_FULL = ("/api/auth/login", "/api/auth/logout")


class Paused(ServiceUnavailable):
    """503 with Retry-After (in `detail`, which the error response turns into the header) when it is known."""

    code = "paused"

    def __init__(self, reason: str, retry_after: int | None) -> None:
        super().__init__(reason, detail=None if retry_after is None else {"retry_after": retry_after})


class Gate:
    """What is paused right now and why; nested holds stack (a restore pauses writes, then everything)."""

    def __init__(self) -> None:
        self._holds: list[tuple[PauseLevel, str, tuple[str, ...], int | None]] = []
        self._lock = threading.Lock()

    @contextmanager
    def hold(
        self, level: PauseLevel, reason: str, allow: tuple[str, ...] = (), retry_after: int | None = RETRY_SECONDS
    ) -> Iterator[None]:
        """Pause requests; paths starting with one of `allow` still pass (e.g. what repairs the cause). Clients are
        told to retry after `retry_after` seconds; None when no wait will help (a damaged database)."""
        entry = (level, reason, allow, retry_after)
        with self._lock:
            self._holds.append(entry)
        try:
            yield
        finally:
            with self._lock:
                self._holds.remove(entry)

    def blocking(self, write: bool, path: str = "") -> Paused | None:
        """Why a request is held back (the error to answer), or None."""
        with self._lock:
            holds = list(self._holds)
        for level, reason, allow, retry_after in reversed(holds):
            if (level == "all" or write) and not (allow and path.startswith(allow)):
                return Paused(reason, retry_after)
        return None


class RequestGuard:
    def __init__(self, gate: Gate, disk: DiskProbe, data_dir: Path, floor_mb: Callable[[], int]) -> None:
        self.gate = gate
        self.disk = disk
        self.data_dir = data_dir
        self._floor_mb = floor_mb
        self._checked_at = float("-inf")
        self._free = 0

    def free_bytes(self) -> int:
        now = time.monotonic()
        if now - self._checked_at > DISK_CACHE_SECONDS:
            self._free = self.disk.usage(self.data_dir).free
            self._checked_at = now
        return self._free

    def forget(self) -> None:
        """Read the disk again on the next request (after space was freed)."""
        self._checked_at = float("-inf")

    def __call__(self, request: Request) -> None:
        path = request.url.path
        if path.startswith(_ALWAYS):
            return
        write = request.method not in SAFE_METHODS
        paused = self.gate.blocking(write, path)
        if paused is not None:
            raise paused
        if write and not path.startswith(_WHEN_FULL) and not self._frees_space(request):
            self._check_disk()

    @staticmethod
    def _frees_space(request: Request) -> bool:
        return request.method == "DELETE" and request.url.path.startswith("/api/backups/")

    def floor_bytes(self) -> int:
        return self._floor_mb() * MB

    def below_floor(self) -> bool:
        """True while changes are refused for want of space."""
        return self.free_bytes() < self.floor_bytes()

    def _check_disk(self) -> None:
        floor = self.floor_bytes()
        free = self.free_bytes()
        if free < floor:
            raise InsufficientStorage(
                f"The disk holding DevCell's data is almost full ({human(free)} free, below the {human(floor)} "
                "floor), so changes are refused to keep the database safe. Delete old backups from the System "
                "page, or free space on the disk; reading still works.",
                detail={"free": free, "floor": floor},
            )


GATE: Key[Gate] = Key("gate")
