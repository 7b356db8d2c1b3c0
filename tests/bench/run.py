"""Run the benchmark scenarios, print a table of numbers against their targets, and write a JSON report.

python3 build.py bench [scenario ...] [--duration S] [--connections N] [--runs N]

Numbers are reported, not asserted: the exit code is 0 unless a scenario crashed (1) or the arguments
were wrong (2). Reports go to tests/bench/reports/<UTC timestamp>.json (git-ignored).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sqlite3
import subprocess
import sys
import tempfile
import time
import traceback
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))  # run as a script: make `tests.*` importable

from tests.bench.scenarios import EXPLICIT_ONLY, SCENARIOS, Options  # noqa: E402

REPORTS = ROOT / "tests" / "bench" / "reports"


def say(text: str = "") -> None:
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


def _machine() -> dict[str, Any]:
    model = ""
    with open("/proc/cpuinfo", encoding="utf-8") as cpuinfo:
        model = next((line.split(":", 1)[1].strip() for line in cpuinfo if line.startswith("model name")), "")
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True)
    return {
        "cpus": os.cpu_count(),
        "cpu_model": model,
        "machine": platform.machine(),
        "kernel": platform.release(),
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "git_commit": commit.stdout.strip() or None,
        "note": "from the source checkout under CPython (not the frozen, installed service)",
    }


def run_scenario(name: str, options: Options) -> dict[str, Any]:
    say(f"== {name}: {SCENARIOS[name].__doc__}")
    started = time.perf_counter()
    try:
        outcome = SCENARIOS[name](options)
    except Exception as exc:
        say(f"   CRASHED: {exc!r}")
        return {
            "name": name,
            "status": "crashed",
            "error": repr(exc),
            "traceback": traceback.format_exc(),
            "seconds": round(time.perf_counter() - started, 1),
        }
    status = "skipped" if outcome.skipped else "ok"
    result = {"name": name, "status": status, "seconds": round(time.perf_counter() - started, 1), **outcome.as_dict()}
    say(f"   {outcome.skipped or 'done'} in {result['seconds']} s")
    return result


def _verdict(passed: bool | None) -> str:
    return "-" if passed is None else ("pass" if passed else "FAIL")


def _value(value: float, unit: str) -> str:
    text = f"{value:,.1f}" if isinstance(value, float) and unit == "req/s" else f"{value:g}"
    return f"{text} {unit}".strip()


def table(results: list[dict[str, Any]]) -> str:
    rows = [("scenario", "metric", "value", "target", "result")]
    for result in results:
        if result["status"] == "skipped":
            rows.append((result["name"], "(skipped)", result["skipped"][:60], "", "-"))
            continue
        if result["status"] != "ok":
            rows.append((result["name"], "(crashed)", result["error"][:60], "", "CRASH"))
            continue
        for metric in result["metrics"]:
            target = f"{metric['target']} {metric['unit']}".strip() if metric["target"] else ""
            value = _value(metric["value"], metric["unit"])
            rows.append((result["name"], metric["name"], value, target, _verdict(metric["passed"])))
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)) for row in rows]
    lines.insert(1, "  ".join("-" * width for width in widths))
    return "\n".join(line.rstrip() for line in lines)


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="build.py bench", description="Run DevCell's benchmark scenarios.")
    parser.add_argument(
        "scenarios",
        nargs="*",
        metavar="scenario",
        help=f"any of: {', '.join(SCENARIOS)} (all but {', '.join(sorted(EXPLICIT_ONLY))})",
    )
    parser.add_argument("--duration", type=float, default=10.0, help="measured seconds per endpoint (api_latency)")
    parser.add_argument("--connections", type=int, default=64, help="concurrent keep-alive clients (api_latency)")
    parser.add_argument("--runs", type=int, default=3, help="server starts to take the median of (startup)")
    args = parser.parse_args(argv)
    if args.duration <= 0 or args.connections < 1 or args.runs < 1:
        parser.error("--duration must be positive, --connections and --runs at least 1")
    unknown = [name for name in args.scenarios if name not in SCENARIOS]
    if unknown:
        parser.error(f"unknown scenario {', '.join(unknown)}; choose from {', '.join(SCENARIOS)}")
    return args


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    names = args.scenarios or [name for name in SCENARIOS if name not in EXPLICIT_ONLY]
    started_at = datetime.now(UTC)
    with tempfile.TemporaryDirectory(prefix="devcell-bench-") as work:
        options = Options(Path(work), duration=args.duration, connections=args.connections, runs=args.runs)
        results = [run_scenario(name, options) for name in names]
    report = {
        "started_at": started_at.isoformat(timespec="seconds"),
        "machine": _machine(),
        "options": {"duration_s": args.duration, "connections": args.connections, "startup_runs": args.runs},
        "scenarios": results,
    }
    REPORTS.mkdir(parents=True, exist_ok=True)
    path = REPORTS / f"{started_at.strftime('%Y%m%dT%H%M%SZ')}.json"
    path.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    say()
    say(table(results))
    say()
    say(f"report: {path.relative_to(ROOT)}")
    crashed = [r["name"] for r in results if r["status"] == "crashed"]
    if crashed:
        say(f"crashed: {', '.join(crashed)}")
    return 1 if crashed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
