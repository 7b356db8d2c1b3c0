"""Run the app under uvicorn (one process, the app object, not an import string) and tell systemd."""

from __future__ import annotations

import asyncio
import os
import socket
from types import FrameType

import uvicorn

from devcell.app import STOP_REQUESTED, create_app
from devcell.core.config import Config
from devcell.notifications.service import end_streams


def sd_notify(message: str) -> bool:
    """Send a state line to systemd over NOTIFY_SOCKET (a few lines instead of a dependency)."""
    address = os.environ.get("NOTIFY_SOCKET")
    if not address:
        return False
    if address.startswith("@"):
        address = "\0" + address[1:]
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as sock:
        sock.connect(address)
        sock.sendall(message.encode())
    return True


class Server(uvicorn.Server):
    def handle_exit(self, sig: int, frame: FrameType | None) -> None:
        STOP_REQUESTED.set()  # a start still waiting for the database ends at once
        super().handle_exit(sig, frame)

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets)
        if self.started and sd_notify("READY=1\nSTATUS=serving"):
            watchdog_usec = int(os.environ.get("WATCHDOG_USEC", "0"))
            if watchdog_usec:
                self._watchdog = asyncio.create_task(_watchdog(watchdog_usec / 2_000_000))

    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        # Open tabs hold an endless notifications stream; ended first, they do not hold the stop up for
        # timeout_graceful_shutdown (the browsers reconnect to the next server by themselves).
        end_streams()
        await super().shutdown(sockets)


async def _watchdog(every: float) -> None:
    # A ping from the event loop proves the loop is not stuck, which is what the watchdog should catch.
    while True:
        sd_notify("WATCHDOG=1")
        await asyncio.sleep(every)


def serve(config: Config) -> None:
    uv = uvicorn.Config(
        create_app(config),
        host=config.host,
        port=config.port,
        # asyncio, not uvloop: measured with tests/bench (64 clients, 2 cores), uvloop 0.23 gave ~10 % more
        # requests/s on tiny answers, none on a 50-row page, and a far worse tail there (wrk p99 0.5-0.9 s
        # against 60-70 ms), so it is not worth a dependency.
        loop="asyncio",
        http="httptools",
        lifespan="on",
        # Forwarded headers only from the configured proxies; with none configured, from nobody.
        proxy_headers=bool(config.trusted_proxies),
        forwarded_allow_ips=list(config.trusted_proxies) or None,
        server_header=False,
        access_log=False,
        log_config=None,
        timeout_graceful_shutdown=20,
    )
    Server(uv).run()
