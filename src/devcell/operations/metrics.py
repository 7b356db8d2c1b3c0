"""/metrics in the Prometheus text format: requests and latencies, jobs, database, disk, backups, health."""

from __future__ import annotations

import bisect
import os
import threading
import time
from collections import Counter
from pathlib import Path

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from devcell import __version__
from devcell.backups.service import BACKUPS
from devcell.core.config import Config
from devcell.core.db import check_reachable, process_name, transaction
from devcell.core.disk import DISK
from devcell.core.jobs import JobRun
from devcell.core.processes import live_processes, this_process
from devcell.core.scheduler import SCHEDULER
from devcell.core.state import AppState
from devcell.health.service import HEALTH
from devcell.operations.maintenance import page_stats

# Upper bounds in seconds; what a person notices (50 ms) up to what a proxy times out (10 s).
BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0)


class RequestStats:
    """Counts per (method, status class) and one latency histogram, for the whole process. No path label: the
    number of distinct paths (ids in them) would grow without bound."""

    def __init__(self) -> None:
        self.counts: Counter[tuple[str, str]] = Counter()
        self.buckets = [0] * (len(BUCKETS) + 1)
        self.total_seconds = 0.0
        self._lock = threading.Lock()

    def record(self, method: str, status: int, seconds: float) -> None:
        with self._lock:
            self.counts[(method, f"{status // 100}xx")] += 1
            self.buckets[bisect.bisect_left(BUCKETS, seconds)] += 1
            self.total_seconds += seconds


REQUESTS = RequestStats()


class RequestMetrics:
    """ASGI middleware feeding REQUESTS; streams (SSE) count from start to their first byte."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        method = scope["method"] if scope["method"] in ("GET", "POST", "PATCH", "PUT", "DELETE") else "OTHER"

        async def timed_send(message: Message) -> None:
            if message["type"] == "http.response.start":
                REQUESTS.record(method, int(message["status"]), time.perf_counter() - started)
            await send(message)

        await self.app(scope, receive, timed_send)


def tree_bytes(root: Path) -> int:
    """Bytes of the regular files under `root` (0 when it does not exist): the vector index's size on disk."""
    total = 0
    for folder, _dirs, files in os.walk(root):
        for name in files:
            try:
                total += os.lstat(os.path.join(folder, name)).st_size
            except OSError:
                continue  # removed while walking (chroma compacts its segments)
    return total


def _line(name: str, value: float, labels: dict[str, str] | None = None) -> str:
    if labels:
        inner = ",".join(f'{k}="{v}"' for k, v in labels.items())
        return f"{name}{{{inner}}} {value:g}"
    return f"{name} {value:g}"


def _block(name: str, kind: str, help_text: str, lines: list[str]) -> list[str]:
    return [f"# HELP {name} {help_text}", f"# TYPE {name} {kind}", *lines]


def _requests() -> list[str]:
    with REQUESTS._lock:
        counts, buckets, total = dict(REQUESTS.counts), list(REQUESTS.buckets), REQUESTS.total_seconds
    out = _block(
        "devcell_http_requests_total",
        "counter",
        "HTTP requests answered.",
        [_line("devcell_http_requests_total", n, {"method": m, "status": s}) for (m, s), n in sorted(counts.items())],
    )
    cumulative, hist = 0, []
    for bound, count in zip([*map(str, BUCKETS), "+Inf"], buckets, strict=True):
        cumulative += count
        hist.append(_line("devcell_http_request_duration_seconds_bucket", cumulative, {"le": bound}))
    hist += [
        _line("devcell_http_request_duration_seconds_sum", round(total, 6)),
        _line("devcell_http_request_duration_seconds_count", cumulative),
    ]
    return out + _block("devcell_http_request_duration_seconds", "histogram", "Time to the response start.", hist)


def _jobs() -> list[str]:
    with transaction():
        rows = list(JobRun.select(JobRun.kind, JobRun.status, JobRun.started_at, JobRun.finished_at))
    runs: Counter[tuple[str, str]] = Counter((r.kind, r.status) for r in rows)
    last: dict[str, float] = {}
    for row in sorted((r for r in rows if r.started_at and r.finished_at), key=lambda r: r.finished_at):
        last[row.kind] = (row.finished_at - row.started_at).total_seconds()
    return _block(
        "devcell_job_runs",
        "gauge",
        "Jobs in the job history, by kind and outcome.",
        [_line("devcell_job_runs", n, {"kind": k, "status": s}) for (k, s), n in sorted(runs.items())],
    ) + _block(
        "devcell_job_last_duration_seconds",
        "gauge",
        "Duration of the newest finished run of each kind.",
        [_line("devcell_job_last_duration_seconds", round(v, 3), {"kind": k}) for k, v in sorted(last.items())],
    )


def _database(config: Config) -> list[str]:
    stats = page_stats()
    wal = config.database_path.with_name("devcell.db-wal")
    wal_bytes = wal.stat().st_size if wal.exists() and not config.uses_postgresql else 0
    parts = {"file": stats["bytes"], "free_pages": stats["free_bytes"], "wal": wal_bytes}
    lines = [_line("devcell_database_bytes", value, {"part": part}) for part, value in parts.items()]
    sizes = _block("devcell_database_bytes", "gauge", "Size of devcell.db and its parts.", lines)
    if config.chroma_url:  # the index lives on the Chroma server: its size is for the server's own monitoring
        return sizes
    index = [_line("devcell_index_bytes", tree_bytes(config.index_dir))]
    return sizes + _block("devcell_index_bytes", "gauge", "Size of the vector index on disk (derived data).", index)


def _disk_and_backups(state: AppState) -> list[str]:
    backup_store, probe = state.need(BACKUPS), state.need(DISK)
    places = {"data": state.config.data_dir, "backups": backup_store.directory().path}
    usage = {name: probe.usage(path) for name, path in places.items()}
    disk = [_line("devcell_disk_bytes", u.free, {"dir": n, "kind": "free"}) for n, u in usage.items()]
    disk += [_line("devcell_disk_bytes", u.total, {"dir": n, "kind": "total"}) for n, u in usage.items()]
    backups = [e for e in backup_store.entries() if e.kind == "backup"]
    newest = backups[0].created_at.timestamp() if backups else 0
    findings = state.need(HEALTH).findings()
    health = [
        _line("devcell_health_problems", sum(f.severity == s for f in findings), {"severity": s})
        for s in ("warning", "critical")
    ]
    count = [_line("devcell_backups", len(backups))]
    newest_line = [_line("devcell_backup_last_timestamp_seconds", newest)]
    return (
        _block("devcell_disk_bytes", "gauge", "Free and total bytes of the data and backup disks.", disk)
        + _block("devcell_backup_last_timestamp_seconds", "gauge", "Newest backup's time (0: none).", newest_line)
        + _block("devcell_backups", "gauge", "Backups in the backup directory.", count)
        + _block("devcell_health_problems", "gauge", "Open health problems.", health)
    )


def _reach(state: AppState) -> list[str]:
    """Per process: does it reach its database and its vector index, and how long one round trip takes (measured
    now for the database; for the vectors, at this process's last heartbeat). Past one box, every process is
    scraped: the scheduler gauge sums to 1 over a healthy cluster."""
    started = time.perf_counter()
    up = 1 if check_reachable() is None else 0
    seconds = time.perf_counter() - started if up else 0.0
    lines = _block("devcell_database_up", "gauge", "1 when the database answers.", [_line("devcell_database_up", up)])
    lines += _block(
        "devcell_database_round_trip_seconds",
        "gauge",
        "One trivial read of the database, from this process.",
        [_line("devcell_database_round_trip_seconds", round(seconds, 6))],
    )
    me = this_process() if up else None
    vectors_ms = me.vectors_ms if me is not None else None
    vectors_up = 0 if me is not None and me.vectors == "unreachable" else 1
    lines += _block(
        "devcell_vectors_up",
        "gauge",
        "0 while this process cannot reach its vector index (a Chroma server down).",
        [_line("devcell_vectors_up", vectors_up)],
    )
    if vectors_ms is not None:
        lines += _block(
            "devcell_vectors_round_trip_seconds",
            "gauge",
            "One read of the vector index at the last heartbeat (absent until the index is first used).",
            [_line("devcell_vectors_round_trip_seconds", round(vectors_ms / 1000, 6))],
        )
    runs = 1 if state.need(SCHEDULER).runs_here else 0
    lines += _block(
        "devcell_scheduler_runs_here",
        "gauge",
        "1 in the one process that runs the scheduled jobs.",
        [_line("devcell_scheduler_runs_here", runs)],
    )
    if up:
        lines += _block(
            "devcell_processes",
            "gauge",
            "DevCell processes serving this database (heartbeats).",
            [_line("devcell_processes", len(live_processes()))],
        )
    return lines


def render(state: AppState) -> str:
    """The whole exposition, read from the running server's parts (503 not_running in recovery mode)."""
    labels = {
        "version": __version__,
        "process": process_name(),
        "database": "postgresql" if state.config.uses_postgresql else "sqlite",
    }
    info = _block("devcell_info", "gauge", "The running version.", [_line("devcell_info", 1, labels)])
    parts = info + _requests() + _jobs() + _reach(state) + _database(state.config) + _disk_and_backups(state)
    return "\n".join(parts) + "\n"
