"""Out of memory on a small box: the server runs in a memory cgroup whose limit leaves no room for the knowledge
worker, so the kernel's out-of-memory killer kills each worker as it loads. The service keeps serving (the worker is
the process the kernel takes first), search answers from keywords, no worker is started on every search, the health
page names the kill, and once memory is there again search is whole by itself. Measured by hand on the installed
package first (a 160 MiB limit beside a 100 MiB service), then written down here."""

from __future__ import annotations

import contextlib
import os
import signal
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.faults.conftest import _unavailable
from tests.serverproc import Client, ServerProcess, api_token, create_admin, read_rss_kib
from tests.waiting import wait_until

MIB = 1024 * 1024
V1_MEMORY = Path("/sys/fs/cgroup/memory")
V2_ROOT = Path("/sys/fs/cgroup")


class MemoryCgroup:
    """A memory cgroup of its own (v1 or v2, whichever the machine has): a limit, and the processes in it."""

    def __init__(self, path: Path, limit_file: str, unlimited: str) -> None:
        self.path = path
        self.limit_file = limit_file
        self.unlimited = unlimited

    def limit(self, size: int | None) -> None:
        (self.path / self.limit_file).write_text(self.unlimited if size is None else str(size))

    def add(self, pid: int) -> None:
        (self.path / "cgroup.procs").write_text(str(pid))


def _made(parent: Path) -> Path | None:
    path = parent / f"devcell-test-{os.getpid()}"
    try:
        path.mkdir()
    except OSError:
        return None
    return path


@pytest.fixture
def memory_cgroup() -> Iterator[MemoryCgroup]:
    if (V1_MEMORY / "memory.limit_in_bytes").exists() and (path := _made(V1_MEMORY)):
        group = MemoryCgroup(path, "memory.limit_in_bytes", "-1")
    elif "memory" in _read(V2_ROOT / "cgroup.subtree_control") and (path := _made(V2_ROOT)):
        group = MemoryCgroup(path, "memory.max", "max")
    else:
        _unavailable("cannot make a memory cgroup (not root, or no memory controller)")
        raise AssertionError("unreachable")
    try:
        yield group
    finally:
        # Empty once the server and its worker have exited (the test's server is stopped before this runs).
        wait_until(lambda: _removed(group.path), 30, f"{group.path} removed")


def _read(path: Path) -> str:
    try:
        return path.read_text()
    except OSError:
        return ""


def _removed(path: Path) -> bool:
    with contextlib.suppress(OSError):
        path.rmdir()
    return not path.exists()


def _search(client: Client) -> dict[str, Any]:
    status, body = client.request("GET", "/api/search?q=kiln+controller")
    assert status == 200, body
    return dict(body)


def _index_finding(client: Client) -> dict[str, Any]:
    status, body = client.request("GET", "/api/system/health?fresh=true")
    assert status == 200, body
    found: dict[str, Any] = next(item for item in body["items"] if item["name"] == "index")
    return found


def _children(pid: int) -> list[int]:
    tasks = Path(f"/proc/{pid}/task")
    found: list[int] = []
    for task in tasks.iterdir():
        found += [int(child) for child in _read(task / "children").split()]
    return found


def test_a_worker_killed_for_memory_leaves_search_on_keywords_and_says_so(
    tmp_path: Path, memory_cgroup: MemoryCgroup
) -> None:
    data = tmp_path / "data"
    create_admin(data)
    with ServerProcess(data, log_path=tmp_path / "server.log") as server:
        server.wait_ready()
        with server.client(api_token(server), timeout=60.0) as client:  # a search may start two workers first
            status, note = client.request(
                "POST",
                "/api/documents/notes",
                {"title": "Kiln", "text": "Restart the kiln controller with the blue button."},
            )
            assert status == 201, note
            wait_until(
                lambda: client.request("GET", f"/api/documents/{note['id']}")[1]["status"] == "indexed", 120, "indexed"
            )
            assert not _search(client)["degraded"]

            # From now on the server's new memory, and all of its next worker's, count against a small limit.
            memory_cgroup.add(server.pid)
            memory_cgroup.limit(read_rss_kib(server.pid) * 1024 + 60 * MIB)
            for worker in _children(server.pid):
                os.kill(worker, signal.SIGKILL)  # the next search starts one inside the cgroup

            for _ in range(4):
                found = _search(client)
                assert found["degraded"], found
                assert [(p["document_title"], p["similarity"]) for p in found["items"]] == [("Kiln", None)]
            finding = _index_finding(client)
            assert finding["severity"] == "critical", finding
            assert "was killed (SIGKILL; the kernel's out-of-memory killer sends it)" in finding["message"]
            assert server.process is not None
            assert server.process.poll() is None  # the service itself was not the one killed

            memory_cgroup.limit(None)  # memory is there again: the next try after the retry time works
            wait_until(lambda: not _search(client)["degraded"], 120, "search whole again", every=1.0)
            assert _index_finding(client)["severity"] == "warning"  # said for an hour after
