"""The knowledge worker: a child process of the server that owns the embedding model and the vector index.

Why a process: onnxruntime, the model and chromadb cost the server ~100 MiB that unloading them cannot give back
(their libraries and the heap they fragment stay resident: 174 MiB idle after the unload, against a 120 MiB budget
and a fresh server's 73 MiB). A process that exits when the knowledgebase has been unused for `model_idle_minutes`
returns all of it. The server's side is search._remote; this module runs as `devcell knowledge-worker`.

Protocol, over socketpairs the server made and passed down (multiprocessing.connection framing, pickle: both ends
are the same program, and nobody else holds the sockets):
  request  (target, method, args, kwargs, wants_progress)   target: "embedder" or "index"
  replies  ("progress", done) ... answered by True (go on) or False (stop: the job was cancelled)
           ("ok", value) | ("error", Failure fields)
The first line on stdin is the spec (JSON); stdin is then kept open by the server: its end (the server stopping the
worker, or dying) is the worker's signal to exit.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import signal
import sys
import threading
from collections.abc import Callable
from dataclasses import asdict, dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import IO, Any

log = logging.getLogger(__name__)

# What the server may call: anything else is refused (the worker is not a general remote-execution service).
_INDEX_CALLS = (
    "count", "ids", "entries", "upsert", "set_project", "delete", "query", "vectors", "answers", "clear",
    "remove_leftovers", "leftovers", "describe", "forget_reset",
)  # fmt: skip
CALLS: dict[str, frozenset[str]] = {
    "embedder": frozenset({"embed", "count_tokens"}),
    "index": frozenset(_INDEX_CALLS),
}


@dataclass(frozen=True)
class Failure:
    """An exception raised in the worker, as the server needs it: its kind and message, and what it means."""

    kind: str
    message: str
    unreachable: bool = False  # the Chroma server did not answer: an outage, not damage
    model_missing: bool = False


class Stopped(Exception):
    """The server answered a progress report with "stop": the call that embeds is abandoned."""


def failure_of(exc: BaseException) -> Failure:
    from devcell.search._index import is_unreachable
    from devcell.search.embedding import ModelMissing

    return Failure(
        kind=type(exc).__name__,
        message=str(exc)[:2000],
        unreachable=is_unreachable(exc),
        model_missing=isinstance(exc, ModelMissing),
    )


def _progress_to(connection: Connection) -> Callable[[int], None]:
    def report(done: int) -> None:
        connection.send(("progress", done))
        if not connection.recv():
            raise Stopped("stopped by the server")

    return report


def _answer(connection: Connection, targets: dict[str, Any], request: tuple[Any, ...]) -> None:
    target, method, args, kwargs, wants_progress = request
    try:
        if method not in CALLS.get(target, frozenset()):
            raise ValueError(f"the knowledge worker has no {target}.{method}")
        if wants_progress:
            kwargs = {**kwargs, "progress": _progress_to(connection)}
        value = getattr(targets[target], method)(*args, **kwargs)
    except BaseException as exc:  # a panic in chroma's Rust layer is a BaseException (see _index.is_index_failure)
        if isinstance(exc, KeyboardInterrupt | SystemExit):
            raise
        connection.send(("error", asdict(failure_of(exc))))
        return
    connection.send(("ok", value))


def _serve_connection(connection: Connection, targets: dict[str, Any]) -> None:
    """One server thread's calls, one after another, until the server closes the connection."""
    with contextlib.suppress(EOFError, OSError):
        while True:
            _answer(connection, targets, connection.recv())


class _Index:
    """The VectorIndex, plus describe(): its state in one call (what the server shows and decides on)."""

    def __init__(self, index: Any) -> None:
        self._index = index

    def __getattr__(self, name: str) -> Any:
        return getattr(self._index, name)

    def describe(self) -> dict[str, Any]:
        return {"opened": self._index.opened, "reset_reason": self._index.reset_reason}


def serve(spec: dict[str, Any], fds: list[int], control: IO[bytes]) -> None:
    """Answer the server's calls on `fds` until `control` (stdin) ends; then close the index and exit."""
    # numpy first, before any thread: two threads importing it at once (a search embedding while an indexing call
    # opens chroma, which imports numpy.typing) fail with "cannot import name 'NDArray' from partially initialized
    # module" (see runtime._import_numpy).
    import numpy  # noqa: F401

    from devcell.search._index import VectorIndex
    from devcell.search.embedding import load_embedder

    embedder = load_embedder(Path(spec["model_root"]), spec["model_id"])
    index = VectorIndex(
        Path(spec["index_dir"]),
        spec["model_id"],
        int(spec["dimension"]),
        spec["version"],
        spec.get("chroma_url"),
        spec.get("chroma_database", "devcell"),
    )
    targets = {"embedder": embedder, "index": _Index(index)}
    for fd in fds:
        thread = threading.Thread(
            target=_serve_connection, args=(Connection(fd), targets), name=f"knowledge-{fd}", daemon=True
        )
        thread.start()
    control.read()  # blocks until the server closes our stdin: stopped for being idle, or gone
    with contextlib.suppress(Exception):
        index.close()  # chroma flushes and lets go of its files


# The worker is the cheapest process on the box to lose: it starts again on the next search. When memory runs out
# (a Pi indexing a large PDF), the kernel's out-of-memory killer should take it before the service or anything else.
OOM_SCORE_ADJ = 500


def _first_to_go_when_memory_runs_out() -> None:
    """Raise our out-of-memory score (any process may raise its own; only lowering it needs a privilege)."""
    try:
        Path("/proc/self/oom_score_adj").write_text(f"{OOM_SCORE_ADJ}\n")
    except OSError as exc:  # not Linux, or /proc read-only: the worker runs all the same
        log.info("could not raise the out-of-memory score: %s", exc)


def main(fds: list[int]) -> None:
    """`devcell knowledge-worker`: read the spec, serve, exit. Never returns normally (no atexit work in a child
    whose parent may be gone)."""
    # The server decides when the worker ends (it closes our stdin once its jobs have stopped). systemd's SIGTERM
    # to the whole service, or Ctrl-C in a terminal, would otherwise kill it under an indexing job the server is
    # still letting finish; if the server itself dies, stdin ends all the same.
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    logging.basicConfig(level=logging.INFO, format="knowledge worker: %(levelname)s %(name)s: %(message)s")
    logging.getLogger("httpx").setLevel(logging.WARNING)  # a line per request to a Chroma server is noise
    _first_to_go_when_memory_runs_out()
    control = sys.stdin.buffer
    spec = json.loads(control.readline())
    try:
        serve(spec, fds, control)
    except BaseException:
        log.exception("the knowledge worker failed")
        os._exit(1)
    os._exit(0)
