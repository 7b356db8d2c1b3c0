"""Benchmark scenarios against a real `devcell serve` process; each returns metrics next to DESIGN §13 targets."""

from __future__ import annotations

import json
import os
import random
import re
import resource
import shutil
import sqlite3
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from contextlib import closing
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from tests.bench.backup_scenario import backup_under_load
from tests.bench.board_scenario import SCENARIOS as BOARD_SCENARIOS
from tests.bench.finder_scenario import SCENARIOS as FINDER_SCENARIOS
from tests.bench.knowledge_scenarios import SCENARIOS as KNOWLEDGE_SCENARIOS
from tests.bench.llm_real_scenario import SCENARIOS as LLM_REAL_SCENARIOS
from tests.bench.model_idle_scenario import SCENARIOS as MODEL_IDLE_SCENARIOS
from tests.bench.package_scenario import SCENARIOS as PACKAGE_SCENARIOS
from tests.bench.pi_emulated import SCENARIOS as PI_SCENARIOS
from tests.bench.restore_scenario import SCENARIOS as RESTORE_SCENARIOS
from tests.bench.retrieval_scenario import SCENARIOS as RETRIEVAL_SCENARIOS
from tests.bench.scale_out_scenario import SCENARIOS as SCALE_OUT_SCENARIOS
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
    skipped: str | None = None  # why nothing was measured (e.g. an endpoint that has not landed yet)

    def add(self, name: str, value: float, unit: str, target: str | None = None, passed: bool | None = None) -> None:
        self.metrics.append(Metric(name, value, unit, target, passed))

    def as_dict(self) -> dict[str, Any]:
        result = {"metrics": [asdict(m) for m in self.metrics], "details": self.details}
        return {**result, "skipped": self.skipped} if self.skipped else result


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


def _wrk_ms(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()  # type: ignore[union-attr]
    return float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}[unit]


def parse_wrk(output: str, duration: float) -> dict[str, Any]:
    """The numbers of `wrk --latency` output, named like the load generator's."""
    percentiles = dict(re.findall(r"^\s+(50|75|90|99)%\s+(\S+)\s*$", output, re.MULTILINE))
    if "99" not in percentiles:
        raise RuntimeError(f"unexpected wrk output:\n{output}")
    requests = int(re.search(r"(\d+) requests in", output).group(1))  # type: ignore[union-attr]
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    socket = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    socket_errors = sum(int(n) for n in socket.groups()) if socket else 0
    rps = re.search(r"Requests/sec:\s+([\d.]+)", output)
    return {
        "requests": requests,
        "rps": round(float(rps.group(1)) if rps else requests / duration, 1),
        "p50_ms": round(_wrk_ms(percentiles["50"]), 2),
        "p90_ms": round(_wrk_ms(percentiles["90"]), 2),
        "p99_ms": round(_wrk_ms(percentiles["99"]), 2),
        "non_2xx": int(non_2xx.group(1)) if non_2xx else 0,
        "socket_errors": socket_errors,
        "errors": (int(non_2xx.group(1)) if non_2xx else 0) + socket_errors,
    }


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_wrk(server: ServerProcess, path: str, headers: list[str], options: Options) -> dict[str, Any]:
    """The same load from wrk (C, one thread), when it is installed: a second opinion that costs the shared two
    cores less than the Python load generator. Warm-up first, then the measured run."""
    url = f"http://127.0.0.1:{server.port}{path}"
    command = ["wrk", "--latency", "-t1", f"-c{options.connections}"]
    for header in headers:
        command += ["-H", header]
    if options.warmup > 0:
        warmup = [*command, f"-d{max(1, round(options.warmup))}s", url]
        subprocess.run(warmup, capture_output=True, timeout=options.warmup + 30, check=False)
    duration = max(1, round(options.duration))
    cpu_before, children_before, wall_before = cpu_seconds(server.pid), _children_cpu(), time.perf_counter()
    result = subprocess.run(
        [*command, f"-d{duration}s", url], capture_output=True, text=True, timeout=duration + 60, check=False
    )
    wall = time.perf_counter() - wall_before
    if result.returncode != 0:
        raise RuntimeError(f"wrk failed ({result.returncode}): {result.stderr.strip()}")
    report = {"path": path, "connections": options.connections, "duration_s": duration}
    report.update(parse_wrk(result.stdout, duration))
    report["server_cpu"] = round((cpu_seconds(server.pid) - cpu_before) / wall, 2)
    report["client_cpu"] = round((_children_cpu() - children_before) / wall, 2)
    return report


def load_tools() -> list[str]:
    """The Python load generator always; wrk too when it is on PATH (never required)."""
    return ["loadgen", "wrk"] if shutil.which("wrk") else ["loadgen"]


def measure(
    outcome: Outcome,
    server: ServerProcess,
    name: str,
    path: str,
    headers: list[str],
    options: Options,
    rps_target: float | None,
) -> None:
    """Load one endpoint with each available tool and add its metrics (targets from DESIGN §13)."""
    for tool in load_tools():
        report = (run_loadgen if tool == "loadgen" else run_wrk)(server, path, headers, options)
        outcome.details[name if tool == "loadgen" else f"{name} (wrk)"] = report
        label = name if tool == "loadgen" else f"{name} wrk"
        rps_ok = report["rps"] >= rps_target if rps_target else None
        outcome.add(f"{label} req/s", report["rps"], "req/s", f">= {rps_target:.0f}" if rps_target else None, rps_ok)
        outcome.add(f"{label} p50", report["p50_ms"], "ms")
        outcome.add(f"{label} p99", report["p99_ms"], "ms", f"< {P99_TARGET_MS:.0f}", report["p99_ms"] < P99_TARGET_MS)
        outcome.add(f"{label} errors", report["errors"], "", "0", report["errors"] == 0)
        # Who is the limit: the server near 1 core (one GIL) with the client far below 1 means the server.
        outcome.add(f"{label} CPU server", report["server_cpu"], "cores")
        outcome.add(f"{label} CPU load generator", report["client_cpu"], "cores")


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
            headers = [f"Authorization: Bearer {token}", *extra]
            measure(outcome, server, name, path, headers, options, LIST_RPS_TARGET if items else None)
        outcome.details["server_log_tail"] = server.log_tail(10)
    return outcome


TASKS = 10_000
TASK_PROJECTS = 20
TASK_USERS = 50
TASK_PAGE = 50
MEMBER = ("bench-member", "bench-member-pw-1")
VERBS, PARTS = ("fix", "write", "review", "plan"), ("api", "ui", "docs")


def _stamp(moment: datetime) -> str:
    """A timestamp as the app stores it: naive UTC text."""
    return moment.astimezone(UTC).replace(tzinfo=None).isoformat(sep=" ")


def seed_tasks(database: Path, member_id: int, admin_id: int, seed: int = 2) -> int:
    """Users, projects (the member belongs to each), and tasks spread over them, straight into SQLite with the
    schema of migration 3. Returns the id of the first project."""
    rng = random.Random(seed)
    now = datetime.now(UTC)
    with closing(sqlite3.connect(database, timeout=30)) as db, db:
        db.executemany(
            "INSERT INTO user (username, display_name, role, active, password_hash, created_at, updated_at,"
            " password_changed_at) VALUES (?, ?, 'user', 1, '!', ?, ?, ?)",
            [(f"seed-{i:03d}", f"Seed User {i}", *[_stamp(now)] * 3) for i in range(TASK_USERS - 1)],
        )
        users = [member_id] + [row[0] for row in db.execute("SELECT id FROM user WHERE username LIKE 'seed-%'")]
        db.executemany(
            "INSERT INTO project (name, description, status, created_by_id, created_at, updated_at)"
            " VALUES (?, '', 'active', ?, ?, ?)",
            [(f"Project {p:02d}", admin_id, _stamp(now), _stamp(now)) for p in range(TASK_PROJECTS)],
        )
        projects = [row[0] for row in db.execute("SELECT id FROM project ORDER BY id")]
        members = [(p, u, "member", _stamp(now)) for p in projects for u in users[:10]]
        db.executemany("INSERT INTO project_member (project_id, user_id, role, added_at) VALUES (?, ?, ?, ?)", members)
        statuses, priorities = ("todo", "in_progress", "blocked", "done"), ("low", "normal", "high", "urgent")
        tasks = []
        for i in range(TASKS):
            updated = now - timedelta(minutes=rng.randrange(60 * 24 * 90))
            status = rng.choice(statuses)
            due = (now + timedelta(days=rng.randrange(-30, 60))).date().isoformat() if rng.random() < 0.6 else None
            tasks.append(
                (
                    f"Task {i}: {rng.choice(VERBS)} the {rng.choice(PARTS)}",
                    "Some words about the task. " * rng.randrange(0, 6),
                    status,
                    100 if status == "done" else rng.randrange(0, 100, 10),
                    rng.choice(priorities),
                    due,
                    rng.choice(users[:10]),
                    rng.choice([*users[:10], None]),
                    projects[i % len(projects)],
                    _stamp(updated - timedelta(days=3)),
                    _stamp(updated),
                    _stamp(updated) if status == "done" else None,
                )
            )
        db.executemany(
            "INSERT INTO task (title, description, status, progress, priority, due_date, creator_id, assignee_id,"
            " project_id, created_at, updated_at, completed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            tasks,
        )
        db.execute("ANALYZE")
    return projects[0]


def tasks_list(options: Options) -> Outcome:
    """A 50-item task page filtered by project (10,000 tasks, 20 projects, 50 users) as a project member."""
    outcome = Outcome()
    data_dir = _fresh_dir(options, "tasks_list")
    create_admin(data_dir)
    with ServerProcess(data_dir) as server:
        server.wait_ready()
        admin_token = api_token(server)
        with server.client(admin_token) as admin:
            status, _ = admin.request("GET", "/api/tasks?limit=1")
            if status == 404:
                outcome.skipped = "skipped: /api/tasks not available yet"
                return outcome
            status, body = admin.request("POST", "/api/users", {"username": MEMBER[0], "password": MEMBER[1]})
            if status != 201:
                raise RuntimeError(f"creating the member failed with {status}: {body}")
            member_id = int(body["id"])
            status, me = admin.request("GET", "/api/auth/me")
        project = seed_tasks(data_dir / "devcell.db", member_id, int(me["user"]["id"]))
        token = api_token(server, *MEMBER)
        path = f"/api/tasks?project={project}&limit={TASK_PAGE}"
        _check_endpoint(server, token, path, TASK_PAGE)
        measure(outcome, server, "tasks50", path, [f"Authorization: Bearer {token}"], options, LIST_RPS_TARGET)
        outcome.details["data"] = {"tasks": TASKS, "projects": TASK_PROJECTS, "users": TASK_USERS + 1, "path": path}
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
    "tasks_list": tasks_list,
    "backup": backup_under_load,
    **BOARD_SCENARIOS,
    **FINDER_SCENARIOS,
    **KNOWLEDGE_SCENARIOS,
    **LLM_REAL_SCENARIOS,
    **MODEL_IDLE_SCENARIOS,
    **PACKAGE_SCENARIOS,
    **PI_SCENARIOS,
    **RESTORE_SCENARIOS,
    **RETRIEVAL_SCENARIOS,
    **SCALE_OUT_SCENARIOS,
}
# Run only when named (`build.py bench pi_emulated`), never by a plain `build.py bench`: it takes an hour of
# emulation and bootstraps an arm64 Debian root. scale_out takes 4 minutes on an idle 2-core machine and 13 on a busy
# one (100,000 vectors seeded twice, a PostgreSQL cluster and a Chroma server started).
EXPLICIT_ONLY = frozenset(PI_SCENARIOS) | frozenset(SCALE_OUT_SCENARIOS)
