"""Benchmark: an online backup of a large database while 32 clients read and write (DESIGN §13: no failed request,
p99 during the backup at most 2x the p99 before it; report the backup's duration)."""

from __future__ import annotations

import os
import sqlite3
import statistics
import threading
import time
from contextlib import closing
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tests.serverproc import ServerProcess, api_token, create_admin

if TYPE_CHECKING:
    from tests.bench.scenarios import Options, Outcome

CLIENTS = 32
BEFORE_SECONDS = 10.0
ROW_BYTES = 1000
DEFAULT_MB = 1024  # BENCH_BACKUP_MB scales it down on a small machine


@dataclass
class Phase:
    latencies: list[float] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)


class Load:
    """32 threads, each a keep-alive client: a page of tasks, and every fifth request a new task."""

    def __init__(self, server: ServerProcess, token: str) -> None:
        self.server, self.token = server, token
        self.phase = Phase()
        self.stop = threading.Event()
        self.lock = threading.Lock()
        self.threads = [threading.Thread(target=self._client, args=(n,), daemon=True) for n in range(CLIENTS)]

    def start(self) -> None:
        for thread in self.threads:
            thread.start()

    def switch(self) -> Phase:
        """Start a new measuring phase; returns the one that ended."""
        with self.lock:
            ended, self.phase = self.phase, Phase()
        return ended

    def _client(self, number: int) -> None:
        with self.server.client(self.token, timeout=60) as client:
            n = 0
            while not self.stop.is_set():
                n += 1
                write = n % 5 == 0
                started = time.perf_counter()
                try:
                    if write:
                        status, body = client.request("POST", "/api/tasks", {"title": f"bench {number}-{n}"})
                    else:
                        status, body = client.request("GET", "/api/tasks?limit=20")
                except OSError as exc:
                    status, body = 0, str(exc)
                elapsed = time.perf_counter() - started
                with self.lock:
                    self.phase.latencies.append(elapsed)
                    if status not in (200, 201):
                        self.phase.failures.append(f"{status} {str(body)[:120]}")

    def finish(self) -> Phase:
        self.stop.set()
        for thread in self.threads:
            thread.join(70)
        return self.switch()


def grow_database(database: Path, megabytes: int, admin_id: int) -> int:
    """Personal tasks of the admin, ~1 kB each, written straight into SQLite until the file has the size asked."""
    rows = megabytes * 1024 * 1024 // (ROW_BYTES + 200)
    now = datetime.now(UTC).replace(tzinfo=None).isoformat(sep=" ")
    filler = "Some words about the task that repeat. " * (ROW_BYTES // 80)
    with closing(sqlite3.connect(database, timeout=60)) as db:
        for start in range(0, rows, 50_000):
            count = min(50_000, rows - start)
            with db:
                db.executemany(
                    "INSERT INTO task (title, description, status, progress, priority, creator_id, created_at,"
                    " updated_at, archived) VALUES (?, ?, 'todo', 0, 'normal', ?, ?, ?, 1)",
                    # Half random hex, half repeated words: compresses about like real text (~2.5x).
                    [
                        (f"Ballast {start + i}", os.urandom(ROW_BYTES // 4).hex() + filler, admin_id, now, now)
                        for i in range(count)
                    ],
                )
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return rows


def p99(values: list[float]) -> float:
    if len(values) < 2:
        return 0.0
    return statistics.quantiles(values, n=100)[98] * 1000


def wait_job(server: ServerProcess, token: str, job_id: str, limit: float = 3600) -> dict[str, Any]:
    deadline = time.monotonic() + limit
    with server.client(token) as client:
        while time.monotonic() < deadline:
            status, body = client.request("GET", f"/api/jobs/{job_id}")
            if status == 200 and body["status"] in ("succeeded", "failed", "cancelled"):
                return dict(body)
            time.sleep(0.2)
    raise RuntimeError(f"the backup job did not finish within {limit} s")


def backup_under_load(options: Options) -> Outcome:
    """Backup (and verify) of a ~1 GiB database (BENCH_BACKUP_MB) while 32 clients read and write."""
    from tests.bench.scenarios import Outcome

    outcome = Outcome()
    megabytes = int(os.environ.get("BENCH_BACKUP_MB", DEFAULT_MB))
    data_dir = options.work_dir / "backup" / "data"
    data_dir.parent.mkdir(parents=True, exist_ok=False)
    create_admin(data_dir)
    with ServerProcess(data_dir) as server:
        server.wait_ready()
        token = api_token(server)
        grow_started = time.perf_counter()
        rows = grow_database(data_dir / "devcell.db", megabytes, 1)
        outcome.details["seed_seconds"] = round(time.perf_counter() - grow_started, 1)
        db_bytes = (data_dir / "devcell.db").stat().st_size
        load = Load(server, token)
        load.start()
        time.sleep(options.warmup)
        load.switch()
        time.sleep(BEFORE_SECONDS)
        before = load.switch()
        started = time.perf_counter()
        with server.client(token) as client:
            status, job = client.request("POST", "/api/backups")
        if status != 202:
            raise RuntimeError(f"POST /api/backups answered {status}: {job}")
        finished = wait_job(server, token, job["id"])
        backup_seconds = time.perf_counter() - started
        during = load.finish()
    if finished["status"] != "succeeded":
        raise RuntimeError(f"the backup failed: {finished['error']}")
    result = finished["result"]
    ratio = p99(during.latencies) / max(p99(before.latencies), 0.001)
    failed = len(before.failures) + len(during.failures)
    outcome.add("database size", round(db_bytes / 2**20), "MiB")
    outcome.add("backup + verify duration", round(backup_seconds, 1), "s")
    outcome.add("backup (archive written)", result["seconds"], "s")
    outcome.add("verify", result["verify"]["seconds"], "s")
    outcome.add("archive size", round(result["size"] / 2**20), "MiB")
    outcome.add("failed requests", failed, "", "0", failed == 0)
    outcome.add("p99 before", round(p99(before.latencies), 1), "ms")
    outcome.add("p99 during", round(p99(during.latencies), 1), "ms")
    outcome.add("p99 during / before", round(ratio, 2), "x", "<= 2", ratio <= 2)
    outcome.add("requests before", len(before.latencies), "")
    outcome.add("requests during", len(during.latencies), "")
    outcome.details.update(rows=rows, failures=(before.failures + during.failures)[:10], scaled_mb=megabytes)
    return outcome
