"""Benchmark (issue 17, item 6): the embedding model and the index run in the knowledge worker, a child process
that exits after `model_idle_minutes`, so the service's memory returns to idle; the first search after that
starts it again.

A server with model_idle_minutes=1 indexes the README's sections, answers searches (the RSS of the server and of
its worker measured, and the worker's peak), then is left alone until the service's RSS (server plus worker, if
any) drops below the budget or stops falling (or 3 minutes pass); then one search is timed (the reload) against a
warm one."""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from tests.bench.knowledge_scenarios import _wait_indexed, readme_sections
from tests.bench.process_memory import PeakWatch, mib, service_rss_kib
from tests.serverproc import ServerProcess, api_token, create_admin

if TYPE_CHECKING:
    from tests.bench.scenarios import Options, Outcome

IDLE_TARGET_MB = 120.0  # DESIGN's idle budget
IDLE_MINUTES = 1
SETTLE_LIMIT_S = 180.0
QUESTION = "How do I restore the appliance from a backup archive?"


def _rss_mib(server: ServerProcess) -> float:
    """The service's resident memory: the server and its worker (if one runs)."""
    return mib(service_rss_kib(server.pid))


def _search_ms(client: Any) -> float:
    begun = time.perf_counter()
    status, body = client.request("GET", f"/api/search?q={quote(QUESTION)}")
    if status != 200:
        raise RuntimeError(f"search answered {status}: {body}")
    return round((time.perf_counter() - begun) * 1000, 1)


def _settled(server: ServerProcess) -> tuple[float, float]:
    """Seconds until the RSS drops below the budget or stops falling for 20 s after the idle time; the RSS."""
    started = time.monotonic()
    lowest, since = _rss_mib(server), started
    while time.monotonic() - started < SETTLE_LIMIT_S:
        time.sleep(1.0)
        now = _rss_mib(server)
        if now < lowest - 1:
            lowest, since = now, time.monotonic()
        elapsed = time.monotonic() - started
        if lowest < IDLE_TARGET_MB or (elapsed > IDLE_MINUTES * 60 + 20 and time.monotonic() - since > 20):
            break
    return round(since - started, 1), lowest


def model_idle(options: Options) -> Outcome:
    """RSS after searching, after the model is unloaded for being idle, and the search that loads it again."""
    from tests.bench.scenarios import Outcome, _fresh_dir

    outcome = Outcome()
    data: Path = _fresh_dir(options, "model_idle")
    create_admin(data)
    sections = readme_sections()
    with ServerProcess(data, env={"DEVCELL_MODEL_IDLE_MINUTES": str(IDLE_MINUTES)}) as server:
        server.wait_ready()
        idle_before = _rss_mib(server)
        token = api_token(server)
        with server.client(token, timeout=120) as client, PeakWatch(server.pid) as watch:
            for heading, text in sections:
                status, body = client.request("POST", "/api/documents/notes", {"title": heading, "text": text})
                if status != 201:
                    raise RuntimeError(f"creating a note failed with {status}: {body}")
            _wait_indexed(client, len(sections))
            warm = [_search_ms(client) for _ in range(5)]
            after_search = _rss_mib(server)
            server_only = round(server.rss_kib() / 1024.0, 1)
        peak = watch.peak_mib
        unloaded_after_s, settled = _settled(server)
        with server.client(token, timeout=120) as client:  # a new connection: the idle one was closed
            reload_ms = _search_ms(client)
            after_reload = _rss_mib(server)
    outcome.add("idle RSS before any knowledge use", idle_before, "MiB")
    outcome.add("RSS after indexing and searching (server + worker)", after_search, "MiB")
    outcome.add("of which the server", server_only, "MiB")
    outcome.add("peak RSS while indexing (server + worker)", peak, "MiB", "<= 450", peak <= 450)
    outcome.add(f"RSS once idle ({IDLE_MINUTES} min setting)", settled, "MiB", f"< {IDLE_TARGET_MB:.0f}",
                settled < IDLE_TARGET_MB)  # fmt: skip
    outcome.add("seconds until it fell", unloaded_after_s, "s")
    outcome.add("first search after the unload (starts the worker)", reload_ms, "ms")
    outcome.add("warm search (median of 5)", sorted(warm)[2], "ms")
    outcome.add("RSS after loading again", after_reload, "MiB")
    outcome.details.update(documents=len(sections), warm_ms=warm)
    return outcome


SCENARIOS = {"model_idle": model_idle}
