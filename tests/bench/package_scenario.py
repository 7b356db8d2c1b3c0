"""The installed service (DESIGN §13, issue 8): .deb size, `apt-get install` time, start -> /api/health 200,
idle RSS, and RSS after the first search (the first embedding in the process).

It installs dist/devcell.deb (or DEVCELL_PACKAGE_DEB) on this machine with apt-get and purges it afterwards, so
like tests/package it runs only as root on Debian with no devcell package or user present; anywhere else it is
skipped with the reason. The service runs as the unit runs it: the installed binary as `devcell`, with the
installed env file and systemd's environment (on a machine whose PID 1 is not systemd, as here; the
systemd-nspawn package test checks the same binary under the hardened unit).
"""

from __future__ import annotations

import os
import statistics
import time
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote

from tests.bench.process_memory import PeakWatch, mib, service_rss_kib
from tests.package import appliance, smoke

if TYPE_CHECKING:
    from tests.bench.scenarios import Options, Outcome

START_TARGET_S = 2.0
IDLE_RSS_TARGET_MB = 120.0
NOT_BUILT = "no dist/devcell.deb: run `python3 build.py deb` first (or set DEVCELL_PACKAGE_DEB to a built .deb)"


def package_to_measure() -> Path | None:
    """DEVCELL_PACKAGE_DEB when set, else this checkout's dist/devcell.deb; None when that file is missing."""
    given = os.environ.get("DEVCELL_PACKAGE_DEB")
    deb = Path(given).resolve() if given else appliance.DIST_DEB
    return deb if deb.is_file() else None


def why_skipped() -> str | None:
    """Why the installed service cannot be measured here, or None."""
    reason = appliance.why_not_supported()
    if reason is not None:
        return reason
    if package_to_measure() is None:
        given = os.environ.get("DEVCELL_PACKAGE_DEB")
        return f"DEVCELL_PACKAGE_DEB={given} is not a file" if given else NOT_BUILT
    return None


def _timed_install(deb: Path) -> float:
    started = time.perf_counter()
    appliance.apt_install(deb)
    return time.perf_counter() - started


def _first_run(log: Path) -> tuple[float, float]:
    """Start on an empty /var/lib/devcell (migrations), set up, index the smoke documents. (start s, peak MiB)."""
    with appliance.InstalledServer(log) as server:
        assert server.process is not None
        client = appliance.set_up_admin(server)
        with PeakWatch(server.process.pid) as watch:  # the server and its knowledge worker
            smoke.embed_and_search(client)
        client.close()
        return server.seconds_to_health, watch.peak_mib


def _restarts(log: Path, runs: int) -> list[float]:
    """Seconds from spawn to /api/health 200 for `runs` more starts of the set-up appliance."""
    times = []
    for _ in range(runs):
        with appliance.InstalledServer(log) as server:
            times.append(server.seconds_to_health)
    return times


def _rss_mib(server: appliance.InstalledServer) -> float:
    """The service's RSS: the server and its knowledge worker, while one runs."""
    assert server.process is not None
    return mib(service_rss_kib(server.process.pid))


def _idle_then_search(log: Path) -> dict[str, float]:
    """A fresh process: signed in and a few pages served, idle RSS; then one search (loads the model) and RSS.
    Idle means before the first knowledge use (DESIGN §13): /api/knowledge/status would open the index."""
    with appliance.InstalledServer(log) as server:
        server.get("/")
        client = server.client()
        client.login(appliance.ADMIN, appliance.PASSWORD)
        for path in ("/api/auth/me", "/api/health/ready", "/api/tasks?limit=50", "/api/documents"):
            client.request("GET", path)
        time.sleep(2)
        idle = _rss_mib(server)
        started = time.perf_counter()
        status, found = client.request("GET", f"/api/search?q={quote(smoke.QUESTION)}&limit=5")
        search_ms = (time.perf_counter() - started) * 1000
        if status != 200 or not found["items"]:
            raise RuntimeError(f"the first search answered {status}: {found}")
        after = _rss_mib(server)
        client.close()
    return {"idle": idle, "after_search": after, "first_search_ms": round(search_ms)}


def _measure(deb: Path, work: Path, runs: int, outcome: Outcome) -> None:
    size_mib = round(deb.stat().st_size / 2**20, 1)
    installed_mib = round(int(appliance.run("dpkg-deb", "--field", deb, "Installed-Size").stdout) / 1024, 1)
    install_s = _timed_install(deb)
    first_s, peak_mib = _first_run(work / "first.log")
    restarts = _restarts(work / "restarts.log", runs)
    memory = _idle_then_search(work / "idle.log")
    median_s = statistics.median(restarts)
    add = outcome.add
    add("deb size", size_mib, "MiB")
    add("installed size", installed_mib, "MiB")
    add("apt-get install", round(install_s, 1), "s")
    add("first start -> health (migrations)", round(first_s, 2), "s", f"< {START_TARGET_S}", first_s < START_TARGET_S)
    add("start -> health (median)", round(median_s, 2), "s", f"< {START_TARGET_S}", median_s < START_TARGET_S)
    add("idle RSS", memory["idle"], "MB", f"<= {IDLE_RSS_TARGET_MB:g}", memory["idle"] <= IDLE_RSS_TARGET_MB)
    add("RSS after one search (server + knowledge worker)", memory["after_search"], "MB")
    add("first search (starts the knowledge worker)", memory["first_search_ms"], "ms")
    add("peak RSS, first indexing (server + knowledge worker)", peak_mib, "MB")
    outcome.details.update(
        {
            "deb": str(deb),
            "version": appliance.deb_version(deb),
            "start_s_each": [round(s, 3) for s in restarts],
            "how": "installed binary as devcell (setpriv), installed env file; systemd is not PID 1 here",
            "load_average_1m": round(os.getloadavg()[0], 2),  # start times grow on a busy machine
            "rss_unit": "MiB (VmRSS from /proc: the server plus its knowledge worker; the peak sampled every 20 ms)",
        }
    )


def installed_service(options: Options) -> Outcome:
    """The installed .deb: size, apt-get install time, start -> /api/health, idle RSS, RSS after one search."""
    from tests.bench.scenarios import Outcome  # the shared result type (scenarios imports this module)

    outcome = Outcome()
    outcome.skipped = why_skipped()
    if outcome.skipped:
        return outcome
    deb = package_to_measure()
    assert deb is not None
    work = options.work_dir / "installed_service"
    work.mkdir(parents=True, exist_ok=True)
    appliance.purge()
    try:
        _measure(deb, work, options.runs, outcome)
    finally:
        appliance.purge()
    return outcome


SCENARIOS = {"installed_service": installed_service}
