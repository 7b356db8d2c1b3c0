"""Live delivery over server-sent events, through a real HTTP server (uvicorn) beside the test client: a new
notification reaches every open tab of its recipient and nobody else's; marking read in one tab updates the
count in the others."""

from __future__ import annotations

import contextlib
import http.client
import queue
import socket
import threading
from collections.abc import Iterator
from typing import Any

import orjson
import uvicorn
from starlette.applications import Starlette

from devcell.core.web import SESSION_COOKIE
from devcell.notifications import service
from tests.conftest import Actor
from tests.notifications.conftest import Team, inbox
from tests.projects.conftest import ok
from tests.tasks.conftest import new_task
from tests.waiting import wait_until

Event = tuple[str, dict[str, Any]]


@contextlib.contextmanager
def served(app: Starlette) -> Iterator[int]:
    """The app (already started by the test client: lifespan off here) on a free loopback port."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = int(probe.getsockname()[1])
    config = uvicorn.Config(app, host="127.0.0.1", port=port, lifespan="off", log_level="warning")
    config.timeout_graceful_shutdown = 1
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    wait_until(lambda: server.started, what="uvicorn started")
    try:
        yield port
    finally:
        server.should_exit = True
        thread.join(30)


class Tab:
    """One browser tab's event stream, read on its own thread into a queue."""

    def __init__(self, port: int, actor: Actor) -> None:
        cookie = actor.client.cookies.get(SESSION_COOKIE)
        self._connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        self._connection.request("GET", "/api/notifications/events", headers={"Cookie": f"{SESSION_COOKIE}={cookie}"})
        self._response = self._connection.getresponse()
        assert self._response.status == 200
        assert self._response.getheader("content-type", "").startswith("text/event-stream")
        self.events: queue.Queue[Event] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        name = None
        try:
            for raw in self._response:
                line = raw.decode().rstrip("\n")
                if line.startswith("event: "):
                    name = line[len("event: ") :]
                elif line.startswith("data: ") and name is not None:
                    self.events.put((name, orjson.loads(line[len("data: ") :])))
        except Exception as exc:  # the stream cut by close() (or by the server): seen by next() as an event
            self.events.put(("closed", {"error": repr(exc)}))
        else:
            self.events.put(("closed", {"error": None}))  # the server finished the stream

    def next(self, name: str) -> dict[str, Any]:
        """The next event of that name (others are skipped); fails after a generous wait."""
        while True:
            got, data = self.events.get(timeout=90)
            if got == name:
                return data

    def quiet(self) -> bool:
        return self.events.empty()

    def close(self) -> None:
        with contextlib.suppress(OSError):
            self._connection.sock.shutdown(socket.SHUT_RDWR)  # type: ignore[union-attr]
        self._connection.close()


def test_a_notification_reaches_every_tab_of_its_recipient_and_reading_updates_them_all(
    app: Starlette, team: Team
) -> None:
    with served(app) as port:
        bob_1, bob_2, carol = Tab(port, team.bob), Tab(port, team.bob), Tab(port, team.carol)
        try:
            assert bob_1.next("unread") == bob_2.next("unread") == carol.next("unread") == {"unread": 0}
            new_task(team.alice, "Live one", project_id=team.project_id, assignee_id=team.uid(team.bob))
            for tab in (bob_1, bob_2):
                note = tab.next("notification")
                assert (note["kind"], note["title"]) == ("assigned", "Alice assigned you “Live one”")
                assert tab.next("unread") == {"unread": 1}
            [stored] = inbox(team.bob)
            ok(team.bob.post(f"/api/notifications/{stored['id']}/read"))
            assert bob_1.next("unread") == bob_2.next("unread") == {"unread": 0}
            assert carol.quiet()  # nothing was for Carol
        finally:
            for tab in (bob_1, bob_2, carol):
                tab.close()


def test_the_stream_needs_a_signed_in_user(app: Starlette, team: Team) -> None:
    with served(app) as port:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        connection.request("GET", "/api/notifications/events")
        assert connection.getresponse().status == 401
        connection.close()


def test_a_stopping_server_finishes_every_stream(app: Starlette, team: Team) -> None:
    """uvicorn waits for open responses before it stops: endless streams would hold a restart up."""
    with served(app) as port:
        tabs = [Tab(port, team.bob), Tab(port, team.carol)]
        try:
            for tab in tabs:
                assert tab.next("unread") == {"unread": 0}
            service.end_streams()
            for tab in tabs:
                assert tab.next("closed") == {"error": None}
        finally:
            for tab in tabs:
                tab.close()
