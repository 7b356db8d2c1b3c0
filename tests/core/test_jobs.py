"""The job runner on a real database: results, failures, cancel, recovery, history, pruning, subscribers."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from devcell.core.db import database, transaction, utcnow
from devcell.core.jobs import TERMINAL, JobContext, JobRun, JobRunner, JobSnapshot
from tests.waiting import wait_until

WAIT = 5.0


@pytest.fixture
def runner(db: Path) -> Iterator[JobRunner]:
    jobs = JobRunner(workers=2)
    yield jobs
    jobs.shutdown(timeout=WAIT)


@pytest.fixture
def owners(db: Path) -> list[int]:
    """Users 1 and 2, so jobs can name an owner (job_run.owner_id references user)."""
    now = utcnow()
    with transaction(write=True):
        for user_id in (1, 2):
            database.execute_sql(
                "INSERT INTO user (id, username, password_hash, created_at, updated_at, password_changed_at) "
                "VALUES (?, ?, 'x', ?, ?, ?)",
                (user_id, f"user{user_id}", now, now, now),
            )
    return [1, 2]


def wait_finished(runner: JobRunner, job_id: str) -> JobSnapshot:
    """Wait until the final state is in the database (the live state is announced a moment before)."""
    wait_until(lambda: stored(job_id).status in TERMINAL, WAIT, f"job {job_id} finished")
    snap = runner.get(job_id)
    assert snap is not None
    return snap


def stored(job_id: str) -> JobRun:
    with transaction():
        return JobRun.get_by_id(job_id)


def add_row(job_id: str, status: str, owner_id: int | None = None, finished_days_ago: float | None = None) -> None:
    now = utcnow()
    finished = None if finished_days_ago is None else now - timedelta(days=finished_days_ago)
    with transaction(write=True):
        JobRun.create(
            id=job_id, kind="test", title=job_id, owner_id=owner_id, status=status, created_at=now, finished_at=finished
        )


def blocking_job(started: threading.Event) -> Callable[[JobContext], Any]:
    """A job that runs until cancelled, checking at a safe point each round."""

    def run(ctx: JobContext) -> None:
        started.set()
        while True:
            ctx.check_cancelled()
            time.sleep(0.005)

    return run


def test_job_runner_persists_progress_and_result(runner: JobRunner, owners: list[int]) -> None:
    def work(ctx: JobContext) -> dict[str, int]:
        ctx.progress(1, 2, "first half")
        ctx.progress(2, 2)
        return {"items": 2}

    job = runner.submit("test", "Two steps", work, owner_id=1)
    wait_finished(runner, job.id)
    row = stored(job.id)
    assert (row.status, row.progress_done, row.progress_total, row.result) == ("succeeded", 2, 2, '{"items":2}')
    assert row.started_at <= row.finished_at


def test_job_runner_get_returns_the_result_after_finishing(runner: JobRunner) -> None:
    job = runner.submit("test", "Answer", lambda ctx: [42])
    snap = wait_finished(runner, job.id)
    assert (snap.status, snap.result, snap.message, snap.owner_id) == ("succeeded", [42], "Done", None)


def test_job_runner_records_the_failure_reason(runner: JobRunner) -> None:
    def fail(ctx: JobContext) -> None:
        raise RuntimeError("the disk is on fire")

    job = runner.submit("test", "Doomed", fail)
    wait_finished(runner, job.id)
    row = stored(job.id)
    assert (row.status, row.error) == ("failed", "the disk is on fire")


def test_job_runner_records_the_exception_type_when_there_is_no_message(runner: JobRunner) -> None:
    def fail(ctx: JobContext) -> None:
        raise KeyError

    job = runner.submit("test", "Doomed", fail)
    assert wait_finished(runner, job.id).error == "KeyError"


def test_job_runner_cancels_a_running_job(runner: JobRunner) -> None:
    started = threading.Event()
    job = runner.submit("test", "Endless", blocking_job(started))
    assert started.wait(WAIT)
    assert runner.cancel(job.id) is True
    wait_finished(runner, job.id)
    assert stored(job.id).status == "cancelled"


def test_job_runner_cancels_a_queued_job_before_it_starts(db: Path) -> None:
    runner = JobRunner(workers=1)
    started = threading.Event()
    try:
        first = runner.submit("test", "Endless", blocking_job(started))
        assert started.wait(WAIT)
        second = runner.submit("test", "Never runs", lambda ctx: "ran")
        assert runner.cancel(second.id) is True
        runner.cancel(first.id)
        snap = wait_finished(runner, second.id)
    finally:
        runner.shutdown(timeout=WAIT)
    assert (snap.status, snap.started_at, snap.result) == ("cancelled", None, None)


def test_job_runner_cancel_of_a_finished_job_returns_false(runner: JobRunner) -> None:
    job = runner.submit("test", "Quick", lambda ctx: None)
    wait_finished(runner, job.id)
    assert runner.cancel(job.id) is False


def test_job_runner_cancel_returns_false_once_the_final_state_is_visible(runner: JobRunner) -> None:
    accepted = 0
    for _ in range(10):  # the window was wide (the final state is fsynced after it is shown), so 10 rounds suffice
        job = runner.submit("test", "Quick", lambda ctx: None)
        while not (snap := runner.get(job.id)) or not snap.finished:
            time.sleep(0.001)
        accepted += runner.cancel(job.id)
    assert accepted == 0


def test_job_runner_cancel_of_an_unknown_job_returns_false(runner: JobRunner) -> None:
    assert runner.cancel("no-such-job") is False


def test_job_runner_recover_fails_jobs_left_queued_or_running(runner: JobRunner) -> None:
    add_row("queued", "queued")
    add_row("running", "running")
    add_row("done", "succeeded", finished_days_ago=0)
    assert runner.recover() == 2
    assert [(stored(i).status, stored(i).error is None) for i in ("queued", "running", "done")] == [
        ("failed", False),
        ("failed", False),
        ("succeeded", True),
    ]
    assert "Interrupted" in stored("queued").error


def test_job_runner_history_pages_newest_first(runner: JobRunner, owners: list[int]) -> None:
    for title in ("one", "two", "three"):
        wait_finished(runner, runner.submit("test", title, lambda ctx: None, owner_id=1).id)
    first, total = runner.history(1, limit=2, offset=0)
    rest, _ = runner.history(1, limit=2, offset=2)
    assert ([s.title for s in first], [s.title for s in rest], total) == (["three", "two"], ["one"], 3)


def test_job_runner_history_filters_by_owner(runner: JobRunner, owners: list[int]) -> None:
    for owner in (1, 2, 2):
        wait_finished(runner, runner.submit("test", f"of {owner}", lambda ctx: None, owner_id=owner).id)
    mine, mine_total = runner.history(1, limit=10, offset=0)
    everyone, everyone_total = runner.history(None, limit=10, offset=0)
    assert ([s.owner_id for s in mine], mine_total, everyone_total) == ([1], 1, 3)
    assert len(everyone) == 3


def test_job_runner_history_shows_live_state_of_running_jobs(runner: JobRunner) -> None:
    started = threading.Event()
    job = runner.submit("test", "Endless", blocking_job(started))
    assert started.wait(WAIT)
    [snap], _ = runner.history(None, limit=10, offset=0)
    runner.cancel(job.id)
    assert snap.status == "running"


def test_job_runner_prune_deletes_old_finished_jobs_only(runner: JobRunner) -> None:
    add_row("old", "succeeded", finished_days_ago=10)
    add_row("old-failed", "failed", finished_days_ago=10)
    add_row("recent", "succeeded", finished_days_ago=1)
    add_row("running", "running")
    assert runner.prune(timedelta(days=7)) == 2
    with transaction():
        left = sorted(row.id for row in JobRun.select())
    assert left == ["recent", "running"]


def test_job_runner_subscriber_receives_snapshots_until_the_final_one(runner: JobRunner) -> None:
    go = threading.Event()

    def work(ctx: JobContext) -> str:
        assert go.wait(WAIT)
        ctx.progress(1, 2)
        ctx.progress(2, 2)
        return "done"

    async def follow() -> list[JobSnapshot]:
        job = runner.submit("test", "Followed", work)
        queue = runner.subscribe(job.id)
        go.set()
        seen = [await asyncio.wait_for(queue.get(), WAIT)]
        while not seen[-1].finished:
            seen.append(await asyncio.wait_for(queue.get(), WAIT))
        runner.unsubscribe(job.id, queue)
        return seen

    seen = asyncio.run(follow())
    # The job may already run when the subscription starts, so the first "running" change is optional.
    changes = [(s.status, s.progress_done) for s in seen if (s.status, s.progress_done) != ("running", 0)]
    assert changes == [("running", 1), ("running", 2), ("succeeded", 2)]
    assert seen[-1].result == "done"
