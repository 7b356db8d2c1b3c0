"""A small closed-loop HTTP/1.1 load generator: N keep-alive connections, one request in flight on each.

Raw asyncio protocols and byte slicing, no HTTP library, so one core drives thousands of requests per
second and the server stays the bottleneck. Run as its own process (the server owns the other core):

    python tests/bench/loadgen.py --port 9000 --path /api/auth/me --header "Authorization: Bearer dct_..." \
        --connections 64 --duration 10 --warmup 1

Writes too: `--method POST --body '{"title": "x"}'` sends the same body on every request (Content-Type
application/json unless --content-type says otherwise).

Prints one JSON object: requests, rps, latency percentiles (ms), errors, status counts and the client's
own CPU use (close to 1.0 means the client, not the server, may be the limit).
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import json
import sys
import time
from collections import Counter
from dataclasses import dataclass, field


@dataclass
class Stats:
    measure_from: float
    measure_until: float
    latencies: list[float] = field(default_factory=list)
    statuses: Counter[int] = field(default_factory=Counter)
    socket_errors: int = 0
    protocol_errors: int = 0
    completed_total: int = 0

    def record(self, started: float, finished: float, status: int) -> None:
        self.completed_total += 1
        if self.measure_from <= started and finished <= self.measure_until:
            self.latencies.append(finished - started)
            self.statuses[status] += 1


class KeepAlive(asyncio.Protocol):
    """One connection: send the request, read exactly one response (Content-Length framed), repeat."""

    def __init__(self, request: bytes, stats: Stats, stop_at: float, done: asyncio.Future[str]) -> None:
        self.request = request
        self.stats = stats
        self.stop_at = stop_at
        self.done = done
        self.buffer = bytearray()
        self.sent_at = 0.0
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport
        self._send()

    def _send(self) -> None:
        assert self.transport is not None
        self.sent_at = time.perf_counter()
        self.transport.write(self.request)

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        while True:
            end = self.buffer.find(b"\r\n\r\n")
            if end < 0:
                return
            length = _content_length(self.buffer, end)
            if length is None:
                self._finish("protocol")
                return
            total = end + 4 + length
            if len(self.buffer) < total:
                return
            now = time.perf_counter()
            self.stats.record(self.sent_at, now, int(self.buffer[9:12]))
            del self.buffer[:total]
            if now >= self.stop_at:
                self._finish("ok")
                return
            self._send()

    def _finish(self, outcome: str) -> None:
        if not self.done.done():
            self.done.set_result(outcome)
        if self.transport is not None:
            self.transport.close()

    def connection_lost(self, exc: Exception | None) -> None:
        if not self.done.done():
            self.done.set_result("lost")


def _content_length(buffer: bytearray, header_end: int) -> int | None:
    headers = bytes(buffer[:header_end]).lower()
    at = headers.find(b"\r\ncontent-length:")
    if at < 0:
        return 0 if headers[9:12] in (b"204", b"304") else None
    line_end = headers.find(b"\r\n", at + 2)
    return int(headers[at + 17 : line_end if line_end > 0 else header_end])


async def _connection(host: str, port: int, request: bytes, stats: Stats, stop_at: float) -> None:
    loop = asyncio.get_running_loop()
    while time.perf_counter() < stop_at:
        done: asyncio.Future[str] = loop.create_future()
        try:
            await loop.create_connection(functools.partial(KeepAlive, request, stats, stop_at, done), host, port)
        except OSError:
            stats.socket_errors += 1
            await asyncio.sleep(0.01)
            continue
        outcome = await done
        if outcome == "ok":
            return
        if outcome == "protocol":
            stats.protocol_errors += 1
        else:
            stats.socket_errors += 1


def build_request(
    host: str,
    port: int,
    method: str,
    path: str,
    headers: list[str],
    body: bytes | None = None,
    content_type: str = "application/json",
) -> bytes:
    lines = [f"{method} {path} HTTP/1.1", f"Host: {host}:{port}", "Accept: application/json", *headers]
    if body is not None:  # framed by Content-Length: the server reads exactly this much before the next request
        lines += [f"Content-Type: {content_type}", f"Content-Length: {len(body)}"]
    head = "\r\n".join([*lines, "", ""]).encode("latin-1")
    return head + (body or b"")


def percentile(sorted_values: list[float], fraction: float) -> float:
    if not sorted_values:
        return float("nan")
    index = min(len(sorted_values) - 1, max(0, round(fraction * len(sorted_values)) - 1))
    return sorted_values[index]


async def run(args: argparse.Namespace) -> dict[str, object]:
    body = None if args.body is None else args.body.encode("utf-8")
    request = build_request(args.host, args.port, args.method, args.path, args.header, body, args.content_type)
    start = time.perf_counter()
    stats = Stats(measure_from=start + args.warmup, measure_until=start + args.warmup + args.duration)
    cpu_start = time.process_time()
    tasks = [_connection(args.host, args.port, request, stats, stats.measure_until) for _ in range(args.connections)]
    await asyncio.gather(*tasks)
    wall = time.perf_counter() - start
    cpu = time.process_time() - cpu_start
    latencies = sorted(stats.latencies)
    ok = sum(n for status, n in stats.statuses.items() if 200 <= status < 300)
    ms = 1000.0
    return {
        "path": args.path,
        "connections": args.connections,
        "duration_s": args.duration,
        "requests": len(latencies),
        "rps": round(len(latencies) / args.duration, 1),
        "p50_ms": round(percentile(latencies, 0.50) * ms, 2),
        "p90_ms": round(percentile(latencies, 0.90) * ms, 2),
        "p99_ms": round(percentile(latencies, 0.99) * ms, 2),
        "max_ms": round((latencies[-1] if latencies else float("nan")) * ms, 2),
        "statuses": {str(k): v for k, v in sorted(stats.statuses.items())},
        "non_2xx": len(latencies) - ok,
        "socket_errors": stats.socket_errors,
        "protocol_errors": stats.protocol_errors,
        "errors": len(latencies) - ok + stats.socket_errors + stats.protocol_errors,
        "client_cpu": round(cpu / wall, 2),
    }


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--method", default="GET")
    parser.add_argument("--path", default="/api/health")
    parser.add_argument("--header", action="append", default=[], help="extra request header, 'Name: value'")
    parser.add_argument("--body", help="request body sent on every request (e.g. JSON for --method POST)")
    parser.add_argument("--content-type", default="application/json", help="Content-Type of --body")
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--duration", type=float, default=10.0, help="measured seconds, after the warm-up")
    parser.add_argument("--warmup", type=float, default=1.0)
    return parser.parse_args(argv)


def main(argv: list[str]) -> None:
    result = asyncio.run(run(parse_args(argv)))
    sys.stdout.write(json.dumps(result) + "\n")


if __name__ == "__main__":
    main(sys.argv[1:])
