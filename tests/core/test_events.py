"""Server-sent events: framing and keep-alives."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

from devcell.core.events import frame, sse_response, with_keepalive


async def chunks(*items: bytes) -> AsyncIterator[bytes]:
    for item in items:
        yield item


def test_frame_writes_event_and_json_data() -> None:
    assert frame("job", {"id": "a", "done": 1}) == b'event: job\ndata: {"id":"a","done":1}\n\n'


def test_with_keepalive_passes_chunks_through_and_ends_with_the_source() -> None:
    async def collect() -> list[bytes]:
        return [chunk async for chunk in with_keepalive(chunks(b"a", b"b"), every=5)]

    assert asyncio.run(collect()) == [b"a", b"b"]


def test_with_keepalive_sends_a_comment_while_the_source_is_idle() -> None:
    async def collect() -> list[bytes]:
        release = asyncio.Event()

        async def slow() -> AsyncIterator[bytes]:
            await release.wait()
            yield b"late"

        received = []
        async for chunk in with_keepalive(slow(), every=0.01):
            received.append(chunk)
            release.set()
        return received

    assert asyncio.run(collect()) == [b": keep-alive\n\n", b"late"]


def test_with_keepalive_cancels_the_pending_read_when_closed() -> None:
    async def run() -> bool:
        cancelled = asyncio.Event()

        async def endless() -> AsyncIterator[bytes]:
            try:
                await asyncio.Event().wait()
                yield b"never"
            except asyncio.CancelledError:
                cancelled.set()
                raise

        stream = with_keepalive(endless(), every=0.01)
        assert await anext(stream) == b": keep-alive\n\n"
        await stream.aclose()
        await asyncio.sleep(0)
        return cancelled.is_set()

    assert asyncio.run(run()) is True


def test_sse_response_is_an_unbuffered_event_stream() -> None:
    response = sse_response(chunks(b"a"))
    assert response.media_type == "text/event-stream"
    assert (response.headers["cache-control"], response.headers["x-accel-buffering"]) == ("no-cache", "no")
