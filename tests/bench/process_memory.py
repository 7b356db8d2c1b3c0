"""The memory of a DevCell service as the system sees it: the server process and its children (the knowledge
worker, while one runs), read from /proc."""

from __future__ import annotations

import threading
from pathlib import Path


def children(pid: int) -> list[int]:
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        found += [int(c) for c in (task / "children").read_text().split()]
    return found


def status_kib(pid: int, field: str) -> int:
    """VmRSS, VmHWM, ... of `pid` in KiB; 0 once it has exited."""
    try:
        lines = Path(f"/proc/{pid}/status").read_text().splitlines()
    except FileNotFoundError:
        return 0
    return next((int(line.split()[1]) for line in lines if line.startswith(field + ":")), 0)


def service_rss_kib(pid: int) -> int:
    """The server's RSS plus its knowledge worker's."""
    return status_kib(pid, "VmRSS") + sum(status_kib(child, "VmRSS") for child in children(pid))


def mib(kib: int) -> float:
    return round(kib / 1024.0, 1)


class PeakWatch:
    """Samples service_rss_kib every 20 ms in a thread: the peak of the sum, which the processes' own high-water
    marks (each at its own moment) only bound from above."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.peak_kib = 0
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._done.wait(0.02):
            self.peak_kib = max(self.peak_kib, service_rss_kib(self.pid))

    def __enter__(self) -> PeakWatch:
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._done.set()
        self._thread.join()

    @property
    def peak_mib(self) -> float:
        return mib(self.peak_kib)
