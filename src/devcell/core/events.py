"""Server-sent events: framing, keep-alives, and a streaming response."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import orjson
from starlette.responses import StreamingResponse

KEEPALIVE_SECONDS = 15.0


def frame(event: str, data: Any) -> bytes:
    return b"event: " + event.encode() + b"\ndata: " + orjson.dumps(data) + b"\n\n"


async def with_keepalive(source: AsyncIterator[bytes], every: float = KEEPALIVE_SECONDS) -> AsyncIterator[bytes]:
    """Interleave comment lines so proxies and browsers keep an idle stream open."""
    iterator = aiter(source)
    pending: asyncio.Task[bytes] | None = None
    try:
        while True:
            if pending is None:
                pending = asyncio.ensure_future(anext(iterator))
            done, _ = await asyncio.wait({pending}, timeout=every)
            if not done:
                yield b": keep-alive\n\n"
                continue
            try:
                chunk = pending.result()
            except StopAsyncIteration:
                return
            pending = None
            yield chunk
    finally:
        if pending is not None:
            pending.cancel()


def sse_response(source: AsyncIterator[bytes]) -> StreamingResponse:
    # X-Accel-Buffering stops nginx from holding events back.
    headers = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}
    return StreamingResponse(with_keepalive(source), media_type="text/event-stream", headers=headers)
