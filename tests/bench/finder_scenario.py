"""Benchmark (issue #19 item 8): the command palette's search, GET /api/find, over 10,000 tasks in 20 projects.

~200 sequential queries of a word of the titles over one keep-alive connection, as a project member (the
visibility rule is part of every query) and as an administrator; the budget is 100 ms at p95. The words are
common ones (each is in a quarter to all of the titles), the finder's worst case: every matching row is ranked."""

from __future__ import annotations

import random
import statistics
import time
from typing import TYPE_CHECKING
from urllib.parse import quote

from tests.serverproc import Client, ServerProcess, api_token, create_admin

if TYPE_CHECKING:
    from tests.bench.scenarios import Options, Outcome

QUERIES = 200
BUDGET_MS = 100.0


def _words(seed: int = 8) -> list[str]:
    """Words of the seeded titles ("Task 123: fix the api"): a verb or a part, whole or cut short, a verb and a part,
    "task" or "the" (in every title), or a task's number."""
    from tests.bench.scenarios import PARTS, VERBS

    rng = random.Random(seed)
    kinds = (
        lambda: rng.choice(VERBS),
        lambda: rng.choice(PARTS),
        lambda: rng.choice(VERBS)[:2],
        lambda: f"{rng.choice(VERBS)} {rng.choice(PARTS)}",
        lambda: rng.choice(("task", "the")),
        lambda: f"task {rng.randrange(10_000)}",
    )
    return [rng.choice(kinds)() for _ in range(QUERIES)]


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def _timed(client: Client, words: list[str]) -> list[float]:
    times = []
    for word in words:
        start = time.perf_counter()
        status, body = client.request("GET", f"/api/find?q={quote(word)}&limit=8")
        times.append((time.perf_counter() - start) * 1000)
        if status != 200 or not body["groups"]:
            raise RuntimeError(f"GET /api/find?q={word} answered {status}: {body}")
    return times


def _report(outcome: Outcome, label: str, times: list[float]) -> None:
    p95 = _percentile(times, 0.95)
    outcome.add(f"{label} p50", round(statistics.median(times), 2), "ms")
    outcome.add(f"{label} p95", round(p95, 2), "ms", f"< {BUDGET_MS:.0f}", p95 < BUDGET_MS)
    outcome.add(f"{label} max", round(max(times), 2), "ms")


def find_latency(options: Options) -> Outcome:
    """GET /api/find over 10,000 tasks: p50/p95 of ~200 queries as a member and as an administrator."""
    from tests.bench.scenarios import MEMBER, TASK_PROJECTS, TASKS, Outcome, _fresh_dir, seed_tasks

    outcome = Outcome()
    data_dir = _fresh_dir(options, "find")
    create_admin(data_dir)
    with ServerProcess(data_dir) as server:
        server.wait_ready()
        admin_token = api_token(server)
        with server.client(admin_token) as admin:
            status, body = admin.request("POST", "/api/users", {"username": MEMBER[0], "password": MEMBER[1]})
            if status != 201:
                raise RuntimeError(f"creating the member failed with {status}: {body}")
            member_id = int(body["id"])
            status, me = admin.request("GET", "/api/auth/me")
        seed_tasks(data_dir / "devcell.db", member_id, int(me["user"]["id"]))
        words = _words()
        with server.client(api_token(server, *MEMBER)) as member:
            _timed(member, words[:20])  # warm: first queries load pages of the file into the cache
            _report(outcome, "member", _timed(member, words))
        with server.client(admin_token) as admin:
            _timed(admin, words[:20])
            _report(outcome, "admin", _timed(admin, words))
        outcome.details["data"] = {"tasks": TASKS, "projects": TASK_PROJECTS, "queries": len(words)}
        outcome.details["server_log_tail"] = server.log_tail(10)
    return outcome


SCENARIOS = {"find": find_latency}
