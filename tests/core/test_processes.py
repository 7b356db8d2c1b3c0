"""The process list: every process of a cluster registers and beats; a starting process fails only the jobs of
processes that are gone (never those of a live one elsewhere); a clean stop leaves the list."""

from __future__ import annotations

import socket
import subprocess
import sys
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from devcell.core.db import transaction, upsert, utcnow
from devcell.core.jobs import JobRun, JobRunner
from devcell.core.processes import GONE_SECONDS, PROCESS_ID, AppProcess, Heartbeat, Report, live_processes


@pytest.fixture
def runner(db: Path) -> JobRunner:
    return JobRunner(workers=1)


def a_process(process_id: str, host: str, pid: int, seen_seconds_ago: float = 0.0) -> None:
    now = utcnow()
    seen = now - timedelta(seconds=seen_seconds_ago)
    fields: dict[str, Any] = {"name": f"devcell@{host}:{pid}", "host": host, "pid": pid, "started_at": seen}
    with transaction(write=True):
        upsert(AppProcess, id=process_id, seen_at=seen, **fields)


def a_running_job(job_id: str, process: str) -> None:
    with transaction(write=True):
        JobRun.create(id=job_id, kind="test", title=job_id, status="running", created_at=utcnow(), process=process)


def status(job_id: str) -> str:
    with transaction():
        return str(JobRun.get_by_id(job_id).status)


def dead_pid() -> int:
    """The pid of a process that has ended (and been reaped) on this host."""
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_a_starting_process_fails_the_jobs_of_processes_that_are_gone_only(runner: JobRunner) -> None:
    a_process("elsewhere", "other-host", 4242)  # beating on another host: its job is its own business
    a_process("lost", "lost-host", 4243, seen_seconds_ago=GONE_SECONDS + 5)  # its host went away
    a_process("crashed", socket.gethostname(), dead_pid())  # on this host, and its pid is gone
    for job_id, process in [("mine", "elsewhere"), ("lost", "lost"), ("crashed", "crashed"), ("old", "")]:
        a_running_job(job_id, process)

    assert runner.recover() == 3
    assert {job: status(job) for job in ("mine", "lost", "crashed", "old")} == {
        "mine": "running",
        "lost": "failed",
        "crashed": "failed",
        "old": "failed",  # from before processes were recorded, or a process never registered
    }
    assert runner.recover() == 0


def test_an_earlier_run_of_this_very_pid_is_gone(runner: JobRunner) -> None:
    """In a container every start is pid 1: a row with our pid but not our run is the run before this one."""
    import os

    a_process("before-restart", socket.gethostname(), os.getpid())
    a_running_job("interrupted", "before-restart")
    assert runner.recover() == 1
    assert status("interrupted") == "failed"


def test_the_jobs_this_process_submits_carry_its_id(runner: JobRunner) -> None:
    snap = runner.submit("test", "quick", lambda _context: 1)
    with transaction():
        assert JobRun.get_by_id(snap.id).process == PROCESS_ID
    runner.shutdown(timeout=5)


def test_the_heartbeat_registers_reports_and_leaves(db: Path) -> None:
    heartbeat = Heartbeat(lambda: Report(runs_scheduler=True, vectors="ok"), lambda: None)
    heartbeat.start()
    try:
        rows = live_processes()
        assert [(row.id, row.runs_scheduler, row.vectors) for row in rows] == [(PROCESS_ID, True, "ok")]
        assert rows[0].database_ms is not None
        assert rows[0].database_ms >= 0
    finally:
        heartbeat.stop()
    assert live_processes() == []


def test_this_process_keeps_its_running_jobs_and_fails_copies_it_does_not_run(runner: JobRunner) -> None:
    """A restored backup can hold a row of ours that nothing runs any more; a job running here is never touched."""
    import threading

    release = threading.Event()
    running = runner.submit("test", "long", lambda _context: release.wait(30))
    a_running_job("restored-copy", PROCESS_ID)
    try:
        assert runner.recover() == 1
        assert status("restored-copy") == "failed"
        assert status(running.id) in ("queued", "running")
    finally:
        release.set()
        runner.shutdown(timeout=5)
