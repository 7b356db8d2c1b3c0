"""Benchmark scenarios against a real `devcell serve` process; each returns metrics next to DESIGN §13 targets."""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from tests.serverproc import ServerProcess, api_token, create_admin

LOADGEN = Path(__file__).resolve().parent / "loadgen.py"
P99_TARGET_MS = 50.0
LIST_RPS_TARGET = 3000.0
IDLE_RSS_TARGET_MB = 120.0
STARTUP_TARGET_S = 2.0
LIST_USERS = 50


@dataclass
class Options:
    work_dir: Path
    duration: float = 10.0
    connections: int = 64
    runs: int = 3
    warmup: float = 1.0


@dataclass
class Metric:
    name: str
    value: float
    unit: str
    target: str | None = None  # e.g. "< 50"; None when DESIGN sets no budget for it
    passed: bool | None = None


@dataclass
class Outcome:
    metrics: list[Metric] = field(default_factory=list)
    details: dict[str, Any] = field(default_factory=dict)

    def add(self, name: str, value: float, unit: str, target: str | None = None, passed: bool | None = None) -> None:
        self.metrics.append(Metric(name, value, unit, target, passed))

    def as_dict(self) -> dict[str, Any]:
        return {"metrics": [asdict(m) for m in self.metrics], "details": self.details}


def _fresh_dir(options: Options, name: str) -> Path:
    path = options.work_dir / name
    path.mkdir(parents=True, exist_ok=False)
    return path / "data"


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (from /proc/PID/stat)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def run_loadgen(server: ServerProcess, path: str, headers: list[str], options: Options) -> dict[str, Any]:
    command = [sys.executable, str(LOADGEN), "--port", str(server.port), "--path", path]
    command += ["--connections", str(options.connections), "--duration", str(options.duration)]
    command += ["--warmup", str(options.warmup)]
    for header in headers:
        command += ["--header", header]
    cpu_before, wall_before = cpu_seconds(server.pid), time.perf_counter()
    result = subprocess.run(
        command, capture_output=True, text=True, timeout=options.duration + options.warmup + 60, check=False
    )
    server_cpu = (cpu_seconds(server.pid) - cpu_before) / (time.perf_counter() - wall_before)
    if result.returncode != 0:
        raise RuntimeError(f"the load generator failed ({result.returncode}): {result.stderr.strip()}")
    report: dict[str, Any] = json.loads(result.stdout)
    report["server_cpu"] = round(server_cpu, 2)
    return report


def _create_users(server: ServerProcess, token: str, count: int) -> None:
    with server.client(token) as admin:
        for i in range(count):
            body = {"username": f"bench-{i:03d}", "password": "bench-pw-12345"}
            status, body = admin.request("POST", "/api/users", body)
            if status != 201:
                raise RuntimeError(f"creating user {i} failed with {status}: {body}")


def _check_endpoint(server: ServerProcess, token: str, path: str, items: int | None) -> None:
    with server.client(token) as client:
        status, body = client.request("GET", path)
    if status != 200:
        raise RuntimeError(f"GET {path} answered {status}: {body}")
    if items is not None and len(body["items"]) != items:
        raise RuntimeError(f"GET {path} returned {len(body['items'])} items, expected {items}")


ENDPOINTS: tuple[tuple[str, str, list[str], int | None], ...] = (
    ("me", "/api/auth/me", [], None),
    ("users50", f"/api/users?limit={LIST_USERS}", [], LIST_USERS),
    ("users50_gzip", f"/api/users?limit={LIST_USERS}", ["Accept-Encoding: gzip"], LIST_USERS),
)


def api_latency(options: Options) -> Outcome:
    """64 keep-alive clients on loopback against authenticated JSON endpoints (Bearer token)."""
    outcome = Outcome()
    data_dir = _fresh_dir(options, "api_latency")
    create_admin(data_dir)
    with ServerProcess(data_dir) as server:
        server.wait_ready()
        token = api_token(server)
        _create_users(server, token, LIST_USERS)
        for name, path, extra, items in ENDPOINTS:
            _check_endpoint(server, token, path, items)
            report = run_loadgen(server, path, [f"Authorization: Bearer {token}", *extra], options)
            outcome.details[name] = report
            rps_target = f">= {LIST_RPS_TARGET:.0f}" if items else None
            rps_ok = report["rps"] >= LIST_RPS_TARGET if items else None
            outcome.add(f"{name} req/s", report["rps"], "req/s", rps_target, rps_ok)
            outcome.add(f"{name} p50", report["p50_ms"], "ms")
            p99_ok = report["p99_ms"] < P99_TARGET_MS
            outcome.add(f"{name} p99", report["p99_ms"], "ms", f"< {P99_TARGET_MS:.0f}", p99_ok)
            outcome.add(f"{name} errors", report["errors"], "", "0", report["errors"] == 0)
            # Who is the limit: the server near 1 core (one GIL) with the client far below 1 means the server.
            outcome.add(f"{name} CPU server", report["server_cpu"], "cores")
            outcome.add(f"{name} CPU load generator", report["client_cpu"], "cores")
        outcome.details["server_log_tail"] = server.log_tail(10)
    return outcome


def _touch(server: ServerProcess) -> None:
    """A few ordinary requests, so the measured process has served traffic (lazy imports, caches, pools)."""
    token = api_token(server)
    with server.client(token) as client:
        for path in ("/api/health", "/api/health/ready", "/api/auth/me", "/api/users?limit=50", "/api/settings"):
            for _ in range(5):
                status, body = client.request("GET", path)
                if status != 200:
                    raise RuntimeError(f"GET {path} answered {status}: {body}")


def idle_rss(options: Options) -> Outcome:
    """Resident memory of the server process after start and a few requests, then idle."""
    outcome = Outcome()
    data_dir = _fresh_dir(options, "idle_rss")
    create_admin(data_dir)
    with ServerProcess(data_dir) as server:
        server.wait_ready()
        after_start = server.rss_kib()
        _touch(server)
        time.sleep(3)
        idle = server.rss_kib()
        status = Path(f"/proc/{server.pid}/status").read_text()
        peak = next(int(line.split()[1]) for line in status.splitlines() if line.startswith("VmHWM:"))
    mib = 1024.0
    idle_mib = idle / mib
    outcome.add("idle RSS", round(idle_mib, 1), "MiB", f"<= {IDLE_RSS_TARGET_MB:.0f}", idle_mib <= IDLE_RSS_TARGET_MB)
    outcome.add("RSS after start", round(after_start / mib, 1), "MiB")
    outcome.add("peak RSS (VmHWM)", round(peak / mib, 1), "MiB")
    outcome.details.update(after_start_kib=after_start, idle_kib=idle, peak_kib=peak)
    return outcome


def startup(options: Options) -> Outcome:
    """Seconds from spawning `devcell serve` on a fresh data dir to the first 200 on /api/health."""
    outcome = Outcome()
    times = []
    for run in range(options.runs):
        with ServerProcess(_fresh_dir(options, f"startup-{run}")) as server:
            times.append(server.wait_ready(timeout=30, interval=0.002))
    median = statistics.median(times)
    outcome.add("start to /api/health 200 (median)", round(median, 3), "s", f"< {STARTUP_TARGET_S:g}", median < 2)
    outcome.add("fastest", round(min(times), 3), "s")
    outcome.add("slowest", round(max(times), 3), "s")
    outcome.details["runs_s"] = [round(t, 3) for t in times]
    outcome.details["includes"] = "interpreter start, imports, first-start migrations, secret and setup code creation"
    return outcome


SCENARIOS: dict[str, Callable[[Options], Outcome]] = {
    "startup": startup,
    "idle_rss": idle_rss,
    "api_latency": api_latency,
}
