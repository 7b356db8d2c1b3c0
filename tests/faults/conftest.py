"""Fault injection against a real server process: damaged files, a disk that fills up.

Tests that need a small filesystem mount a tmpfs; where that is not allowed (not root, no mount namespace) they
skip with the reason, unless DEVCELL_FAULTS_REQUIRED=1 (CI), which makes a skip a failure."""

from __future__ import annotations

import contextlib
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

MB = 1024 * 1024


def _unavailable(reason: str) -> None:
    if os.environ.get("DEVCELL_FAULTS_REQUIRED") == "1":
        pytest.fail(f"{reason}, and DEVCELL_FAULTS_REQUIRED=1 makes fault tests mandatory")
    pytest.skip(reason)


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 48 MB tmpfs mounted for this test (the data directory goes inside); unmounted afterwards."""
    mount_point = tmp_path / "small-disk"
    mount_point.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=48m,mode=0755", "tmpfs", str(mount_point)],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        _unavailable(f"cannot mount a tmpfs to fill ({done.stderr.strip() or done.returncode})")
    try:
        yield mount_point
    finally:
        subprocess.run(["umount", "-l", str(mount_point)], check=False)


def fill(directory: Path) -> Path:
    """Write a filler file until the filesystem has no byte left; returns it so a test can delete it to recover."""
    filler = directory / "filler.bin"
    with filler.open("wb", buffering=0) as out:
        for size in (MB, 4096, 1):  # big steps, then the last pages
            with contextlib.suppress(OSError):  # ENOSPC: this step size no longer fits
                while True:
                    out.write(b"\0" * size)
    return filler
