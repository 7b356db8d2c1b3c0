"""The server's side of the knowledge worker (search.worker): starts it on first use, hands out its connections,
stops it once the knowledgebase has been idle for `model_idle_minutes`, and starts it again when it is needed.

The embedder and the index are reached through RemoteEmbedder and RemoteIndex, which have the faces of
embedding.Embedder and _index.VectorIndex, so retrieval and indexing do not know where they run."""

from __future__ import annotations

import contextlib
import json
import logging
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import TYPE_CHECKING, Any

import devcell
from devcell.core.errors import DevCellError
from devcell.search._idle import IdleTimer
from devcell.search.embedding import Embedder, ModelMissing
from devcell.search.worker import Failure

if TYPE_CHECKING:
    import numpy as np

log = logging.getLogger(__name__)

# Calls that can run at once (searches beside an indexing job); a further caller waits for a free connection.
CONNECTIONS = 8
STOP_WAIT_SECONDS = 10.0  # a worker that does not exit this long after its stdin closed is killed
# A worker that keeps ending before it answers anything (out of memory as the model loads, a broken install) is not
# started on every call: after two such starts in a row, the next waits 10 s, then 20, 40... up to 5 minutes.
FIRST_RETRY_SECONDS = 10.0
LONGEST_RETRY_SECONDS = 300.0
RECENT_SECONDS = 3600.0  # unexpected endings this recent are reported on the health page


class KnowledgeWorkerGone(DevCellError, ConnectionError):
    """The worker process ended in the middle of a call (killed, out of memory): that call fails, the next one
    starts a new worker. A ConnectionError, so the index's callers treat it as an outage, never as damage."""

    status = 503
    code = "knowledge_restarting"


CANNOT_START = "The knowledge worker cannot start"  # a document's reason: indexed again once a worker answers


class KnowledgeWorkerDown(KnowledgeWorkerGone):
    """The worker ended before answering on its last starts: it is not started again until its retry time (the
    caller answers from keywords, as while the index is rebuilt)."""

    code = "knowledge_unavailable"


class IndexUnreachable(ConnectionError):
    """The worker's Chroma server did not answer (see _index.is_unreachable)."""


class KnowledgeWorkerError(DevCellError):
    """An exception raised in the worker; the message names its kind."""

    status = 500
    code = "knowledge_failed"


def _raised(failure: Failure) -> BaseException:
    message = f"{failure.kind}: {failure.message}" if failure.message else failure.kind
    if failure.model_missing:
        return ModelMissing(failure.message)
    if failure.unreachable:
        return IndexUnreachable(message)
    return KnowledgeWorkerError(message)


def ending(returncode: int | None) -> str:
    """How a worker process ended, in words an administrator can act on."""
    if returncode is None:
        return "stopped answering"
    if returncode >= 0:
        return f"exited with code {returncode}"
    try:
        name = signal.Signals(-returncode).name
    except ValueError:
        name = f"signal {-returncode}"
    if -returncode == signal.SIGKILL:
        return f"was killed ({name}; the kernel's out-of-memory killer sends it)"
    return f"was killed by {name}"


@dataclass(frozen=True)
class WorkerTrouble:
    """Unexpected endings of the worker: `starting` when every recent start ended before it answered (it is not
    running, and is tried again in `retry_in` seconds); `times` counts the endings of the last hour."""

    starting: bool
    times: int
    last: str  # how the last one ended (see ending)
    retry_in: float | None


def worker_command() -> tuple[list[str], dict[str, str]]:
    """How to start the worker: the frozen executable runs itself; a checkout runs this package's interpreter."""
    # Not systemd's notify and watchdog sockets: they are the server's to use.
    env = {k: v for k, v in os.environ.items() if k not in ("NOTIFY_SOCKET", "WATCHDOG_PID", "WATCHDOG_USEC")}
    if getattr(sys, "frozen", False):
        return [sys.executable, "knowledge-worker"], env
    source = str(Path(devcell.__file__).resolve().parent.parent)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (source, env.get("PYTHONPATH", "")) if p)
    return [sys.executable, "-m", "devcell", "knowledge-worker"], env


class _Process:
    """One started worker: the child, its stdin (closing it stops the worker) and the server's ends of its
    connections."""

    def __init__(self, spec: dict[str, Any], connections: int) -> None:
        pairs = [socket.socketpair() for _ in range(connections)]
        ours = [Connection(a.detach()) for a, _ in pairs]
        theirs = [b.detach() for _, b in pairs]
        command, env = worker_command()
        try:
            self.child = subprocess.Popen(  # noqa: S603 - our own executable, arguments we made
                [*command, "--fds", ",".join(map(str, theirs))],
                stdin=subprocess.PIPE,
                pass_fds=theirs,
                env=env,
                start_new_session=False,
            )
        except BaseException:
            for connection in ours:
                connection.close()
            raise
        finally:
            for fd in theirs:  # the child's copies only: our copies would hide its end (no EOF when it dies)
                os.close(fd)
        assert self.child.stdin is not None
        with contextlib.suppress(BrokenPipeError):  # it died already: its first call finds out, and says how
            self.child.stdin.write(json.dumps(spec).encode() + b"\n")
            self.child.stdin.flush()
        self.free: list[Connection] = ours
        self.answered = False  # it has answered a call: it started

    @property
    def alive(self) -> bool:
        return self.child.poll() is None

    def stop(self) -> None:
        """Close its stdin (it closes the index and exits); kill it if it does not."""
        for connection in self.free:
            connection.close()
        self.free = []
        if self.child.stdin is not None:
            with contextlib.suppress(OSError):
                self.child.stdin.close()
        try:
            self.child.wait(STOP_WAIT_SECONDS)
        except subprocess.TimeoutExpired:
            log.warning("knowledge worker %s did not exit; killing it", self.child.pid)
            self.child.send_signal(signal.SIGKILL)
            self.child.wait()


class _Lease:
    def __init__(self, process: _Process, connection: Connection) -> None:
        self.process = process
        self.connection = connection
        self.lost = False  # the worker died during the call
        self.heard = False  # it answered something (a progress report) before that


class KnowledgeWorker:
    """The worker's lifecycle and its connections; thread-safe."""

    def __init__(self, spec: dict[str, Any], connections: int = CONNECTIONS) -> None:
        self.spec = spec
        self.connections = connections
        self._process: _Process | None = None
        self._changed = threading.Condition()
        self._busy = 0
        self._idle = IdleTimer(
            self._changed, lambda: self._process is not None, lambda: self._busy > 0, self._stop_idle
        )
        self.starts = 0  # how often a worker was started: the model "loads" the knowledge status shows
        self.on_start: Callable[[], None] | None = None  # told when a new worker (a newly opened index) starts
        self._observing = threading.local()  # calls that only look (health, metrics) do not keep a worker alive
        self._endings: deque[tuple[float, str]] = deque(maxlen=50)  # unexpected ones: (monotonic time, how)
        self._failed_starts = 0  # workers in a row that ended before answering anything
        self._retry_at: float | None = None  # no start before this (monotonic), after failed starts

    @property
    def pid(self) -> int | None:
        process = self._process
        return process.child.pid if process is not None and process.alive else None

    @property
    def running(self) -> bool:
        return self.pid is not None

    def unload_after(self, seconds: float) -> None:
        with self._changed:
            self._idle.set(seconds)

    @contextlib.contextmanager
    def observing(self) -> Iterator[None]:
        """Calls made in this block (by this thread) only look: they do not count as use, so a health check or a
        metrics scrape every few seconds never keeps an idle worker running."""
        before = getattr(self._observing, "on", False)
        self._observing.on = True
        try:
            yield
        finally:
            self._observing.on = before

    @contextlib.contextmanager
    def _lease(self) -> Iterator[_Lease]:
        """A connection of the running worker (started if need be) for one call; given back afterwards, or
        closed with its worker when the call found the worker gone."""
        with self._changed:
            process = self._process if self._process is not None and self._process.alive else self._start()
            while not process.free:
                self._changed.wait()
                if self._process is not process:  # stopped or replaced meanwhile: use the current one
                    process = self._process if self._process is not None else self._start()
            lease = _Lease(process, process.free.pop())
            self._busy += 1
        try:
            yield lease
        finally:
            with self._changed:
                self._busy -= 1
                if lease.lost or self._process is not process:
                    lease.connection.close()
                    if lease.lost and self._process is process:
                        self._drop(process)
                else:
                    process.free.append(lease.connection)
                if getattr(self._observing, "on", False):
                    self._idle.arm()  # only looked: the idle clock goes on
                else:
                    self._idle.used()
                self._changed.notify_all()

    def _start(self) -> _Process:
        """Under the lock: a new worker (the old one, if any, died between calls). Not while it waits to be
        retried after failed starts: the call fails at once, and its caller answers from keywords."""
        if self._process is not None:
            self._drop(self._process)
        down = self.down()
        if down is not None:
            raise KnowledgeWorkerDown(down)
        try:
            self._process = _Process(self.spec, self.connections)
        except OSError as exc:  # the executable is gone or cannot run (a half-finished upgrade, a full /tmp)
            self._note_ending(None, f"could not be run ({exc.strerror or exc})", answered=False)
            raise self._gone() from exc
        self.starts += 1
        log.info("knowledge worker %s started", self._process.child.pid)
        if self.on_start is not None:
            self.on_start()
        return self._process

    def _drop(self, process: _Process) -> None:
        """Under the lock: forget `process`, which died or stopped answering (its in-flight calls fail), and
        stop it if it still runs."""
        if self._process is process:
            self._process = None
        self._ended(process)
        threading.Thread(target=process.stop, name="knowledge-worker-stop", daemon=True).start()

    def _ended(self, process: _Process) -> None:
        """Under the lock: remember how `process` ended; one that never answered counts as a failed start."""
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.child.wait(0.5)  # its end of the connections closed: it is exiting, and says how
        self._note_ending(process.child.pid, ending(process.child.returncode), process.answered)

    def _note_ending(self, pid: int | None, how: str, answered: bool) -> None:
        """Under the lock: an unexpected ending; a worker that never answered is a failed start, and from the
        second in a row the next start waits (10 s, doubling up to 5 minutes)."""
        self._endings.append((time.monotonic(), how))
        worker = f"knowledge worker {pid}" if pid is not None else "the knowledge worker"
        if answered:
            log.error("%s %s; the next call starts a new one", worker, how)
            return
        self._failed_starts += 1
        if self._failed_starts < 2:
            log.error("%s %s before it answered; trying a new one", worker, how)
            return
        wait = min(LONGEST_RETRY_SECONDS, FIRST_RETRY_SECONDS * 2 ** (self._failed_starts - 2))
        self._retry_at = time.monotonic() + wait
        log.error(
            "%s %s before it answered, %d starts in a row; search answers from keywords, and a "
            "new worker is tried in %.0f s", worker, how, self._failed_starts, wait,
        )  # fmt: skip

    def _answered(self, process: _Process) -> None:
        """A call came back: the worker started (and any earlier failed starts are over)."""
        if process.answered:
            return
        with self._changed:
            process.answered = True
            if self._failed_starts:
                log.info("knowledge worker %s answers; it had failed to start %d times", process.child.pid,
                         self._failed_starts)  # fmt: skip
            self._failed_starts = 0
            self._retry_at = None

    def _gone(self) -> KnowledgeWorkerGone:
        """What a call that found its worker dead raises: Down while failed starts wait for their retry time."""
        down = self.down()
        if down is not None:
            return KnowledgeWorkerDown(down)
        return KnowledgeWorkerGone(
            "The knowledge worker stopped unexpectedly; it starts again on the next search. "
            "The service log says why (out of memory?)."
        )

    def down(self) -> str | None:
        """Why no worker runs while it waits for its retry time after failed starts; None when it may start.
        (The lock is reentrant: `_start` asks under it.)"""
        with self._changed:
            if self._retry_at is None or time.monotonic() >= self._retry_at:
                return None
            return self._down_message()

    def _down_message(self) -> str:
        """Under the lock, while a retry time is set (after failed starts, so an ending is known)."""
        last = self._endings[-1][1]
        wait = max(0.0, (self._retry_at or 0.0) - time.monotonic())
        return (
            f"{CANNOT_START}: it {last} before answering, {self._failed_starts} times in a row. "
            f"Search answers from keywords meanwhile; it is tried again in {wait:.0f} s. "
            "The service log says why (journalctl -u devcell)."
        )

    def trouble(self) -> WorkerTrouble | None:
        """Unexpected endings for the health page; None when there were none in the last hour."""
        with self._changed:
            now = time.monotonic()
            recent = sum(1 for at, _ in self._endings if now - at < RECENT_SECONDS)
            if not recent and self._retry_at is None:
                return None
            retry_in = None if self._retry_at is None else max(0.0, self._retry_at - now)  # set: failed starts
            return WorkerTrouble(
                starting=self._retry_at is not None, times=recent, last=self._endings[-1][1], retry_in=retry_in
            )

    def call(self, target: str, method: str, *args: Any, progress: Callable[[int], None] | None = None) -> Any:
        """`target.method(*args)` in the worker; its progress reports go to `progress`, and an exception raised
        there (a cancelled job) stops the worker's call and is raised here. A worker found dead before it said
        anything is replaced and asked again (every call is a read or an idempotent write: upsert by id,
        delete, update); one that dies after reporting progress fails the call (it would likely die again)."""
        request: tuple[Any, ...] = (target, method, args, {}, progress is not None)
        for attempt in range(2):
            died: BaseException | None = None
            with self._lease() as lease:
                try:
                    lease.connection.send(request)
                    kind, value, raised = self._exchange(lease, progress)
                except (EOFError, OSError) as exc:  # the worker's end closed: it died
                    lease.lost = True
                    died = exc
                else:
                    self._answered(lease.process)
            if died is not None:  # the lease is given back: how the worker ended is known now
                if attempt == 0 and not lease.heard:
                    continue
                raise self._gone() from died
            if raised is not None:
                raise raised
            if kind == "ok":
                return value
            raise _raised(Failure(**value))
        raise AssertionError("unreachable: the second attempt returns or raises")

    @staticmethod
    def _exchange(lease: _Lease, progress: Callable[[int], None] | None) -> tuple[str, Any, BaseException | None]:
        """The call's final reply, answering its progress reports on the way; with what `progress` raised."""
        raised: BaseException | None = None
        while True:
            kind, value = lease.connection.recv()
            lease.heard = True
            if kind != "progress":
                return kind, value, raised
            if raised is None and progress is not None:
                try:
                    progress(value)
                except BaseException as exc:  # the job was cancelled: tell the worker to stop embedding
                    raised = exc
            lease.connection.send(raised is None)

    def _stop_idle(self, idle: float) -> None:
        """Under the lock, unused for `model_idle_minutes`: stop the worker (a call arriving now waits, then
        starts a new one)."""
        process, self._process = self._process, None
        assert process is not None
        self._changed.notify_all()
        process.stop()
        log.info("knowledge worker %s stopped after %.0f s unused", process.child.pid, idle)

    def stop(self) -> None:
        with self._changed:
            process, self._process = self._process, None
            self._idle.cancel()
        if process is not None:
            process.stop()


class RemoteEmbedder:
    """An Embedder whose model runs in the worker; what it is (id, dimension, floor) is known here without it."""

    def __init__(self, local: Embedder, worker: KnowledgeWorker) -> None:
        self.model_id = local.model_id
        self.dimension = local.dimension
        self.relevance_floor = local.relevance_floor
        self._worker = worker

    @property
    def loaded(self) -> bool:
        return self._worker.running

    @property
    def loads(self) -> int:
        return self._worker.starts

    def embed(self, texts: Sequence[str], progress: Callable[[int], None] | None = None) -> np.ndarray:
        vectors: np.ndarray = self._worker.call("embedder", "embed", list(texts), progress=progress)
        return vectors

    def count_tokens(self, text: str) -> int:
        return int(self._worker.call("embedder", "count_tokens", text))

    def unload_after(self, seconds: float) -> None:
        self._worker.unload_after(seconds)


class RemoteIndex:
    """A VectorIndex in the worker. Where it is (path, server) is known here; whether it is open is asked of the
    worker only while one runs (asking would start one, and an idle appliance keeps none)."""

    def __init__(self, worker: KnowledgeWorker, path: Path, server_url: str | None, where: str) -> None:
        self._worker = worker
        self.path = path
        self.server_url = server_url
        self.where = where

    def _call(self, method: str, *args: Any) -> Any:
        return self._worker.call("index", method, *args)

    def _described(self) -> dict[str, Any]:
        """The index's state in the running worker; none runs: not opened (asking would start one)."""
        if not self._worker.running:
            return {"opened": False, "reset_reason": None}
        with self._worker.observing():
            found: dict[str, Any] = self._call("describe")
        return found

    @property
    def opened(self) -> bool:
        return bool(self._described()["opened"])

    @property
    def reset_reason(self) -> str | None:
        reason: str | None = self._described()["reset_reason"]
        return reason

    def close(self) -> None:
        self._worker.stop()

    def count(self) -> int:
        return int(self._call("count"))

    def ids(self) -> set[str]:
        found: set[str] = self._call("ids")
        return found

    def entries(self) -> dict[str, dict[str, Any]]:
        found: dict[str, dict[str, Any]] = self._call("entries")
        return found

    def upsert(
        self,
        ids: list[str],
        vectors: np.ndarray,
        projects: Sequence[int | None],
        documents: list[int],
        fingerprints: Sequence[str],
    ) -> None:
        self._call("upsert", ids, vectors, list(projects), documents, list(fingerprints))

    def set_project(self, ids: list[str], project_id: int | None, document_id: int) -> None:
        self._call("set_project", ids, project_id, document_id)

    def delete(self, ids: list[str]) -> None:
        self._call("delete", ids)

    def query(self, vector: np.ndarray, k: int, projects: set[int] | None) -> list[tuple[str, float]]:
        found: list[tuple[str, float]] = self._call("query", vector, k, projects)
        return found

    def vectors(self, ids: list[str]) -> dict[str, np.ndarray]:
        found: dict[str, np.ndarray] = self._call("vectors", ids)
        return found

    def answers(self) -> bool:
        return bool(self._call("answers"))

    def clear(self) -> None:
        self._call("clear")

    def forget_reset(self) -> None:
        self._call("forget_reset")

    def leftovers(self) -> list[Path]:
        found: list[Path] = self._call("leftovers")
        return found

    def remove_leftovers(self) -> int:
        return int(self._call("remove_leftovers"))
