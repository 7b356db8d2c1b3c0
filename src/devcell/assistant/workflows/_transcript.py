"""The live transcript of running workflows: an in-memory event log per run that SSE readers replay and follow.

The job thread publishes `step`/`delta`/`error`/`done` events; each reader gets everything published so far and
then every new event, with nothing lost or repeated in between (the snapshot and the subscription are taken
under one lock). A finished step's deltas are folded into one, so the log matches what the database stores.
The log lives only while the run does: afterwards readers replay the stored run instead.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from typing import Any
from weakref import WeakKeyDictionary

from devcell.core.jobs import JobRunner

Event = tuple[str, dict[str, Any]]
Subscriber = tuple[asyncio.AbstractEventLoop, "asyncio.Queue[Event | None]"]


class Transcript:
    def __init__(self) -> None:
        self._events: list[Event] = []
        self._subscribers: list[Subscriber] = []
        self._closed = False
        self._lock = threading.Lock()

    def publish(self, name: str, data: dict[str, Any]) -> None:
        with self._lock:
            if self._closed:
                return
            self._events.append((name, data))
            subscribers = list(self._subscribers)
        for loop, queue in subscribers:
            _deliver(loop, queue, (name, data))

    def fold_deltas(self, index: int) -> None:
        """Replace a finished step's many delta events with one holding its whole text."""
        with self._lock:
            at = [i for i, (name, data) in enumerate(self._events) if name == "delta" and data["index"] == index]
            if len(at) < 2:
                return
            text = "".join(self._events[i][1]["text"] for i in at)
            self._events[at[0]] = ("delta", {"index": index, "text": text})
            dropped = set(at[1:])
            self._events = [e for i, e in enumerate(self._events) if i not in dropped]

    def close(self) -> None:
        """No more events: every reader's stream ends."""
        with self._lock:
            self._closed = True
            subscribers, self._subscribers = self._subscribers, []
        for loop, queue in subscribers:
            _deliver(loop, queue, None)

    def subscribe(self, loop: asyncio.AbstractEventLoop) -> tuple[list[Event], asyncio.Queue[Event | None] | None]:
        """The events so far and a queue of the ones to come (None when the transcript is already closed)."""
        with self._lock:
            if self._closed:
                return list(self._events), None
            queue: asyncio.Queue[Event | None] = asyncio.Queue()
            self._subscribers.append((loop, queue))
            return list(self._events), queue

    def unsubscribe(self, queue: asyncio.Queue[Event | None]) -> None:
        with self._lock:
            self._subscribers = [s for s in self._subscribers if s[1] is not queue]


def _deliver(loop: asyncio.AbstractEventLoop, queue: asyncio.Queue[Event | None], item: Event | None) -> None:
    with contextlib.suppress(RuntimeError):  # the reader's event loop is gone (the app stopped): nobody listens
        loop.call_soon_threadsafe(queue.put_nowait, item)


class Transcripts:
    """The live transcripts of one app, by run id."""

    def __init__(self) -> None:
        self._live: dict[int, Transcript] = {}
        self._lock = threading.Lock()

    def open(self, run_id: int) -> Transcript:
        with self._lock:
            transcript = self._live[run_id] = Transcript()
            return transcript

    def get(self, run_id: int) -> Transcript | None:
        with self._lock:
            return self._live.get(run_id)

    def end(self, run_id: int) -> None:
        """Close the run's transcript and forget it (readers that come later replay the stored run)."""
        with self._lock:
            transcript = self._live.pop(run_id, None)
        if transcript is not None:
            transcript.close()


# One registry per app, found through the app's job runner (run ids restart in every test database).
_REGISTRIES: WeakKeyDictionary[JobRunner, Transcripts] = WeakKeyDictionary()
_REGISTRIES_LOCK = threading.Lock()


def transcripts(jobs: JobRunner) -> Transcripts:
    with _REGISTRIES_LOCK:
        registry = _REGISTRIES.get(jobs)
        if registry is None:
            registry = _REGISTRIES[jobs] = Transcripts()
        return registry
