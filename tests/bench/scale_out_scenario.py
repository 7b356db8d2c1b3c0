"""Benchmark (issue #21): DevCell past one box, against real `devcell serve` processes. Two parts:

1. Mixed load: 64 keep-alive clients (by default), three quarters reading a 50-task page (GET /api/tasks) and a
   quarter creating tasks (POST /api/tasks with a JSON body), over 10,000 seeded tasks, on (a) the appliance: one
   process on SQLite, and (b) two processes on one PostgreSQL database, the connections split evenly over their
   ports as nginx would; also (c) one process on PostgreSQL, to tell the database's cost from the second
   process's gain. The PostgreSQL database holds the appliance's seeded rows, copied by `devcell migrate-to` before
   any load, so the setups serve the same data. Each setup gets the same four load generator processes (two
   reading, two writing), so the client side costs the same in all.
2. Search at 100,000 passages: the same passages and the same vectors in the embedded index and in a Chroma
   server (DEVCELL_CHROMA_URL), p50/p95 of ~100 GET /api/search on the appliance (SQLite), one after the other.

On the 2-core machine the load generators, the DevCell processes and (b)'s PostgreSQL server share two cores:
(b) shows that a cluster works and what it costs here, not what a second box would add."""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
from collections import Counter
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from tests.serverproc import ROOT, ServerProcess, api_token, cli, create_admin

if TYPE_CHECKING:
    from tests.bench.scenarios import Options, Outcome

LOADGEN = Path(__file__).resolve().parent / "loadgen.py"
PROCESSES = 2  # setup (b): DevCell processes on one PostgreSQL database
WRITE_SHARE = 0.25  # of the connections: 16 writing, 48 reading out of 64
PASSAGES = 100_000
PER_DOCUMENT = 100
SEARCHES = 100
BATCH = 5000
CHROMA_DATABASE = "devcell-bench"
SECRET = "b" * 48  # what signs sessions in every process of the PostgreSQL setup
LOCAL = {"NO_PROXY": "127.0.0.1", "no_proxy": "127.0.0.1", "ANONYMIZED_TELEMETRY": "False"}


def _src_importable() -> None:
    """tests.postgres_server and the seeding import devcell itself (the bench runs from a checkout)."""
    src = str(ROOT / "src")
    if src not in sys.path:
        sys.path.insert(0, src)


# Part 1: mixed read/write load.


@dataclass(frozen=True)
class Load:
    token: str
    read_path: str
    write_body: str


def _split(total: int, parts: int) -> list[int]:
    """`total` connections over `parts` groups, as evenly as integers allow (nginx's round robin)."""
    return [total // parts + (1 if i < total % parts else 0) for i in range(parts)]


def _commands(ports: list[int], load: Load, options: Options) -> list[tuple[str, int, list[str]]]:
    """(kind, port, command) of each load generator: PROCESSES readers and PROCESSES writers, whatever the number
    of ports, each group on the next port in turn."""
    writers = round(options.connections * WRITE_SHARE)
    found = []
    for kind, total in (("read", options.connections - writers), ("write", writers)):
        for group, connections in enumerate(_split(total, PROCESSES)):
            if connections == 0:
                continue
            port = ports[group % len(ports)]
            command = [sys.executable, str(LOADGEN), "--port", str(port), "--connections", str(connections)]
            command += ["--duration", str(options.duration), "--warmup", str(options.warmup)]
            command += ["--header", f"Authorization: Bearer {load.token}"]
            if kind == "read":
                command += ["--path", load.read_path]
            else:
                command += ["--method", "POST", "--path", "/api/tasks", "--body", load.write_body]
            found.append((kind, port, command))
    return found


def _busy_jiffies() -> int:
    """The machine's non-idle CPU time so far (/proc/stat), every process of every user."""
    fields = [int(n) for n in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    return sum(fields) - fields[3] - fields[4]  # idle, iowait


def _tree_cpu(pids: list[int]) -> float:
    """CPU seconds of these processes and their children (PostgreSQL's backends), those alive now."""
    from tests.bench.scenarios import cpu_seconds

    total = 0.0
    for pid in pids:
        try:
            children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
            total += cpu_seconds(pid) + sum(cpu_seconds(int(child)) for child in children)
        except (FileNotFoundError, ProcessLookupError):
            continue  # a backend that ended between the two reads
    return total


def _merge(reports: list[dict[str, Any]]) -> dict[str, Any]:
    """One kind's groups together: rates and counts add up; the percentiles are the worse group's (the groups
    report percentiles, not their latencies)."""
    statuses: Counter[str] = Counter()
    for report in reports:
        statuses.update(report["statuses"])
    return {
        "requests": sum(r["requests"] for r in reports),
        "rps": round(sum(r["rps"] for r in reports), 1),
        "p50_ms": max(r["p50_ms"] for r in reports),
        "p99_ms": max(r["p99_ms"] for r in reports),
        "errors": sum(r["errors"] for r in reports),
        "statuses": dict(statuses),
        "groups": reports,
    }


def _run_mixed(servers: list[ServerProcess], load: Load, options: Options, database_pids: list[int]) -> dict[str, Any]:
    """Every load generator at once; CPU figures over the measured seconds (after the warm-up)."""
    commands = _commands([server.port for server in servers], load, options)
    running = [
        (kind, port, subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True))
        for kind, port, command in commands
    ]
    outputs = []
    try:
        time.sleep(options.warmup)
        servers_before = [_tree_cpu([server.pid]) for server in servers]
        database_before, busy_before, wall_before = _tree_cpu(database_pids), _busy_jiffies(), time.perf_counter()
        for kind, port, process in running:
            stdout, stderr = process.communicate(timeout=options.duration + options.warmup + 120)
            if process.returncode != 0:
                raise RuntimeError(f"the load generator failed ({process.returncode}): {stderr.strip()}")
            outputs.append((kind, port, json.loads(stdout)))
        wall = time.perf_counter() - wall_before
    finally:  # one failed: the others are not left loading the next setup
        for _, _, process in running:
            if process.poll() is None:
                process.kill()
                process.wait(10)
    result: dict[str, Any] = {kind: _merge([r for k, _, r in outputs if k == kind]) for kind in ("read", "write")}
    result["rps"] = round(result["read"]["rps"] + result["write"]["rps"], 1)
    result["errors"] = result["read"]["errors"] + result["write"]["errors"]
    result["cpu_devcell"] = [
        round((_tree_cpu([server.pid]) - before) / wall, 2)
        for server, before in zip(servers, servers_before, strict=True)
    ]
    result["cpu_postgresql"] = round((_tree_cpu(database_pids) - database_before) / wall, 2) if database_pids else None
    ours = sum(result["cpu_devcell"]) + (result["cpu_postgresql"] or 0.0)
    result["cpu_ms_per_request"] = round(ours * 1000 / result["rps"], 2) if result["rps"] else None
    result["cpu_machine"] = round((_busy_jiffies() - busy_before) / os.sysconf("SC_CLK_TCK") / wall, 2)
    result["load_generators"] = [{"kind": k, "port": p, "connections": r["connections"]} for k, p, r in outputs]
    return result


def _check(servers: list[ServerProcess], load: Load, page: int) -> None:
    """Each process answers the page and accepts the write before any load (a failure is an error, not a number)."""
    for server in servers:
        with server.client(load.token) as client:
            status, body = client.request("GET", load.read_path)
            if status != 200 or len(body["items"]) != page:
                raise RuntimeError(f"GET {load.read_path} on :{server.port} answered {status}: {str(body)[:300]}")
            status, body = client.request("POST", "/api/tasks", json.loads(load.write_body))
            if status != 201:
                raise RuntimeError(f"POST /api/tasks on :{server.port} answered {status}: {body}")


def _report_mixed(outcome: Outcome, label: str, result: dict[str, Any]) -> None:
    outcome.add(f"{label} req/s", result["rps"], "req/s")
    for kind in ("read", "write"):
        part = result[kind]
        outcome.add(f"{label} {kind} req/s", part["rps"], "req/s")
        outcome.add(f"{label} {kind} p50", part["p50_ms"], "ms")
        outcome.add(f"{label} {kind} p99", part["p99_ms"], "ms")
    outcome.add(f"{label} errors (non-2xx, socket)", result["errors"], "", "0", result["errors"] == 0)
    outcome.add(f"{label} CPU DevCell", round(sum(result["cpu_devcell"]), 2), "cores")
    if result["cpu_postgresql"] is not None:
        outcome.add(f"{label} CPU PostgreSQL", result["cpu_postgresql"], "cores")
    outcome.add(f"{label} CPU machine", result["cpu_machine"], "cores")
    if result["cpu_ms_per_request"] is not None:  # what a request costs, whatever else the machine runs
        outcome.add(f"{label} CPU per request", result["cpu_ms_per_request"], "ms")


def _seed_appliance(data: Path) -> tuple[int, int]:
    """The appliance with 10,000 tasks in 20 projects (scenarios.seed_tasks); (project id, tasks)."""
    from tests.bench.scenarios import MEMBER, TASKS, seed_tasks

    create_admin(data)
    with ServerProcess(data) as server:
        server.wait_ready()
        with server.client(api_token(server)) as admin:
            status, body = admin.request("POST", "/api/users", {"username": MEMBER[0], "password": MEMBER[1]})
            if status != 201:
                raise RuntimeError(f"creating the member failed with {status}: {body}")
            _, me = admin.request("GET", "/api/auth/me")
        project = seed_tasks(data / "devcell.db", int(body["id"]), int(me["user"]["id"]))
    return project, TASKS


def _cluster_env(url: str, shared: Path) -> dict[str, str]:
    shared.mkdir(parents=True, exist_ok=True)
    return {
        "DEVCELL_DATABASE_URL": url,
        "DEVCELL_KNOWLEDGEBASE_DIR": str(shared),  # NFS in a real cluster
        "DEVCELL_SECRET_KEY": SECRET,
        **LOCAL,
    }


def _postmaster(folder: Path) -> list[int]:
    return [int((folder / "data" / "postmaster.pid").read_text().split("\n", 1)[0])]


def mixed_load(options: Options, outcome: Outcome) -> None:
    _src_importable()
    from tests.bench.scenarios import MEMBER, TASK_PAGE
    from tests.postgres_server import start_cluster, stop_cluster

    load_average = os.getloadavg()[0]  # other work on the machine lowers every figure
    base = options.work_dir / "scale_out"
    data = base / "appliance" / "data"
    project, tasks = _seed_appliance(data)
    read_path = f"/api/tasks?project={project}&limit={TASK_PAGE}"
    body = json.dumps({"title": "Bench write", "description": "Written under load.", "project_id": project})
    started = time.perf_counter()
    cluster = start_cluster()
    try:
        url = cluster.empty_database()
        copied = cli(data, "migrate-to", url, timeout=600)  # before any load: both setups start from the same rows
        if copied.returncode != 0:
            raise RuntimeError(f"devcell migrate-to failed ({copied.returncode}): {copied.stderr.strip()[-2000:]}")
        copy_seconds = round(time.perf_counter() - started, 1)

        with ServerProcess(data) as appliance:
            appliance.wait_ready(timeout=60)
            load = Load(api_token(appliance, *MEMBER), read_path, body)
            _check([appliance], load, TASK_PAGE)
            sqlite = _run_mixed([appliance], load, options, [])
        _report_mixed(outcome, "sqlite 1 process", sqlite)

        env = _cluster_env(url, base / "shared-knowledgebase")
        # One process on PostgreSQL too: what the database costs, apart from what a second process adds.
        postgresql = {
            n: _cluster_run(base, env, n, read_path, body, options, _postmaster(cluster.folder)) for n in (1, PROCESSES)
        }
    finally:
        stop_cluster(cluster)
    for n, result in postgresql.items():
        _report_mixed(outcome, f"postgresql {n} process{'es' if n > 1 else ''}", result)
    outcome.details["mixed"] = {
        "data": {"tasks": tasks, "read": read_path, "write": f"POST /api/tasks {body}"},
        "connections": options.connections,
        "writers": round(options.connections * WRITE_SHARE),
        "duration_s": options.duration,
        "postgresql_cluster_and_copy_s": copy_seconds,
        "percentiles": "per kind, the worse of its load generator processes (one per port with 2 processes)",
        "cpu_per_request": "CPU of the DevCell processes and PostgreSQL over the measured seconds / requests",
        "load_average_before": load_average,
        "sqlite": sqlite,
        **{f"postgresql_{n}": result for n, result in postgresql.items()},
    }


def _cluster_run(
    base: Path, env: dict[str, str], processes: int, read_path: str, body: str, options: Options, database: list[int]
) -> dict[str, Any]:
    """`processes` DevCell processes on the PostgreSQL database, each with a data directory of its own."""
    from tests.bench.scenarios import MEMBER, TASK_PAGE

    with ExitStack() as stack:
        servers = [
            stack.enter_context(ServerProcess(base / f"host-{processes}-{n}" / "data", env=env))
            for n in range(processes)
        ]
        for server in servers:
            server.wait_ready(timeout=120)
        load = Load(api_token(servers[0], *MEMBER), read_path, body)
        _check(servers, load, TASK_PAGE)
        result = _run_mixed(servers, load, options, database)
        result["server_log_tail"] = servers[-1].log_tail(5)
    return result


# Part 2: search over 100,000 passages, embedded index vs a Chroma server.


def _seed_vectors(index: Any, ids: list[int]) -> float:
    """Random unit vectors (the same ones for every index: one seed) for every passage; the seconds it took."""
    from tests.bench.knowledge_scenarios import seed_random_vectors

    started = time.perf_counter()
    seed_random_vectors(index, ids, seed=11, batch=BATCH)
    return round(time.perf_counter() - started, 1)


def _searches(server: ServerProcess, passages: int) -> dict[str, Any]:
    """Check the index is trusted as seeded (no rebuild), then time SEARCHES questions, one at a time."""
    from tests.bench.knowledge_scenarios import QUESTIONS

    with server.client(api_token(server), timeout=120) as client:
        client.request("GET", "/api/search?q=warm+up")  # opens the index and loads the model
        _, status = client.request("GET", "/api/knowledge/status")
        if status["vectors"] != passages or status["chunks"] != passages or not status["consistent"]:
            raise RuntimeError(f"the seeded index is not what DevCell trusts: {status}")
        times = []
        for n in range(SEARCHES):
            begun = time.perf_counter()
            answered, found = client.request("GET", f"/api/search?q={quote(QUESTIONS[n % len(QUESTIONS)][0])}")
            times.append((time.perf_counter() - begun) * 1000)
            if answered != 200 or not found["items"]:
                raise RuntimeError(f"GET /api/search answered {answered}: {str(found)[:300]}")
        _, after = client.request("GET", "/api/knowledge/status")
    if after["problems"]:
        raise RuntimeError(f"the index changed while searching: {after['problems']}")
    times.sort()
    return {
        "p50_ms": round(statistics.median(times), 1),
        "p95_ms": round(times[min(len(times) - 1, round(0.95 * (len(times) - 1)))], 1),
        "max_ms": round(times[-1], 1),
        "searches": len(times),
    }


def search_compare(options: Options, outcome: Outcome, passages: int = PASSAGES) -> None:
    _src_importable()
    from devcell.search._chunking import CHUNKER_VERSION
    from devcell.search._index import VectorIndex
    from devcell.search.embedding import load_embedder
    from tests.bench.knowledge_scenarios import seed_passage_rows
    from tests.chroma_server import start_chroma, stop_chroma

    data = options.work_dir / "scale_out" / "search" / "data"
    create_admin(data)
    with ServerProcess(data) as server:  # first start: migrations
        server.wait_ready(timeout=60)
    embedder = load_embedder(ROOT / "build" / "models", "all-minilm-l6-v2-int8")
    version = f"{embedder.model_id}/{embedder.dimension}/{CHUNKER_VERSION}"
    started = time.perf_counter()
    ids = seed_passage_rows(data, version, passages // PER_DOCUMENT, PER_DOCUMENT)
    seeded: dict[str, Any] = {"passages_sqlite_s": round(time.perf_counter() - started, 1)}
    embedded = VectorIndex(data / "index", embedder.model_id, embedder.dimension, version)
    seeded["vectors_embedded_s"] = _seed_vectors(embedded, ids)
    chroma = start_chroma(options.work_dir / "scale_out" / "chroma")
    try:
        remote = VectorIndex(
            data / "unused", embedder.model_id, embedder.dimension, version, chroma.url, CHROMA_DATABASE
        )
        seeded["vectors_chroma_server_s"] = _seed_vectors(remote, ids)
        results = {}
        with ServerProcess(data) as server:
            server.wait_ready(timeout=60)
            results["embedded"] = _searches(server, len(ids))
        env = {"DEVCELL_CHROMA_URL": chroma.url, "DEVCELL_CHROMA_DATABASE": CHROMA_DATABASE, **LOCAL}
        with ServerProcess(data, env=env) as server:
            server.wait_ready(timeout=60)
            results["chroma_server"] = _searches(server, len(ids))
    finally:
        stop_chroma(chroma)
    for name, label in (("embedded", "embedded index"), ("chroma_server", "Chroma server")):
        outcome.add(f"search {label} p50", results[name]["p50_ms"], "ms")
        outcome.add(f"search {label} p95", results[name]["p95_ms"], "ms")
    outcome.add("seed vectors embedded", seeded["vectors_embedded_s"], "s")
    outcome.add("seed vectors Chroma server", seeded["vectors_chroma_server_s"], "s")
    outcome.details["search"] = {"passages": len(ids), "seeding": seeded, **results}


def scale_out(options: Options) -> Outcome:
    """Mixed read/write load on 1 SQLite process vs 1 and 2 PostgreSQL processes; search on the embedded index vs
    a Chroma server at 100,000 passages."""
    from tests.bench.scenarios import Outcome

    outcome = Outcome()
    outcome.details["machine_note"] = (
        f"{os.cpu_count()} cores shared by the load generators, the DevCell processes and PostgreSQL: setup (b) "
        "shows that several processes on one database work and what they cost here, not a second box's gain"
    )
    mixed_load(options, outcome)
    search_compare(options, outcome)
    return outcome


SCENARIOS = {"scale_out": scale_out}
