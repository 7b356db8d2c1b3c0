"""The scheduler: settings drive the timing live, runs are tracked jobs, one run at a time, one process per data dir."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from apscheduler.triggers.cron import CronTrigger  # type: ignore[import-untyped]

from devcell.core.errors import Conflict, NotFound
from devcell.core.jobs import JobContext, JobRunner
from devcell.core.scheduler import ProcessLock, ScheduledJob, Scheduler, SettingsSource, last_run
from devcell.settings.service import SettingsStore
from tests.waiting import wait_until

WAIT = 5.0


def at_backup_time(settings: SettingsSource) -> Any:
    value = str(settings.get("backup_time"))
    if not value:
        return None
    hour, minute = value.split(":")
    return CronTrigger(hour=int(hour), minute=int(minute), timezone="UTC")


class Gate:
    """A job body that waits until the test lets it finish."""

    def __init__(self) -> None:
        self.started = threading.Event()
        self.release = threading.Event()
        self.runs = 0

    def __call__(self, context: JobContext) -> dict[str, int]:
        self.runs += 1
        self.started.set()
        self.release.wait(WAIT)
        return {"run": self.runs}


@pytest.fixture
def runner(db: Path) -> Iterator[JobRunner]:
    jobs = JobRunner(2)
    yield jobs
    jobs.shutdown(5)


@pytest.fixture
def settings(db: Path) -> SettingsStore:
    store = SettingsStore({})
    store.refresh(force=True)
    return store


def make(db: Path, runner: JobRunner, settings: SettingsStore, body: Any) -> Scheduler:
    describe = lambda s: str(s.get("backup_time"))  # noqa: E731
    job = ScheduledJob("nightly", "Nightly", body, at_backup_time, describe, ("backup_time",))
    return Scheduler(db.parent, runner, settings, [job])


def wait_finished(runner: JobRunner, job_id: str) -> str:
    def status() -> str | None:
        snap = runner.get(job_id)
        return snap.status if snap is not None and snap.finished else None

    return wait_until(status, WAIT, "the job finished")


def test_next_run_follows_the_setting_live(db: Path, runner: JobRunner, settings: SettingsStore) -> None:
    scheduler = make(db, runner, settings, Gate())
    scheduler.start()
    try:
        (entry,) = scheduler.entries()
        assert (entry.next_run_at.hour, entry.next_run_at.minute) == (2, 30)
        settings.save({"backup_time": "04:15"}, None)
        (entry,) = scheduler.entries()
        assert (entry.next_run_at.hour, entry.next_run_at.minute) == (4, 15)
        assert entry.schedule == "04:15"
        settings.save({"backup_time": ""}, None)
        assert scheduler.entries()[0].next_run_at is None
    finally:
        scheduler.stop()


def test_run_now_is_a_tracked_job_with_its_outcome(db: Path, runner: JobRunner, settings: SettingsStore) -> None:
    body = Gate()
    body.release.set()
    scheduler = make(db, runner, settings, body)
    scheduler.start()
    try:
        snap = scheduler.run_now("nightly")
        assert snap.kind == "scheduled:nightly"
        assert wait_finished(runner, snap.id) == "succeeded"
        recorded = last_run(runner, "nightly")
        assert recorded is not None
        assert recorded.result == {"run": 1}
        assert recorded.started_at is not None
        assert recorded.finished_at is not None
        assert recorded.finished_at >= recorded.started_at
    finally:
        scheduler.stop()


def test_a_job_never_runs_twice_at_once(db: Path, runner: JobRunner, settings: SettingsStore) -> None:
    body = Gate()
    scheduler = make(db, runner, settings, body)
    scheduler.start()
    try:
        first = scheduler.run_now("nightly")
        assert body.started.wait(WAIT)
        with pytest.raises(Conflict, match="already running"):
            scheduler.run_now("nightly")
        assert scheduler.entries()[0].running
        body.release.set()
        wait_finished(runner, first.id)
        assert body.runs == 1
    finally:
        scheduler.stop()


def test_scheduled_firing_waits_for_its_run(db: Path, runner: JobRunner, settings: SettingsStore) -> None:
    """APScheduler's max_instances counts the callback, so the callback must last as long as the tracked job."""
    body = Gate()
    scheduler = make(db, runner, settings, body)
    scheduler.start()
    try:
        fired = threading.Thread(target=scheduler._fire, args=["nightly"])
        fired.start()
        assert body.started.wait(WAIT)
        time.sleep(0.1)
        assert fired.is_alive()
        body.release.set()
        fired.join(WAIT)
        assert not fired.is_alive()
    finally:
        scheduler.stop()


def test_unknown_job_is_not_found(db: Path, runner: JobRunner, settings: SettingsStore) -> None:
    scheduler = make(db, runner, settings, Gate())
    scheduler.start()
    try:
        with pytest.raises(NotFound):
            scheduler.run_now("nope")
    finally:
        scheduler.stop()


def test_only_the_lock_holder_runs_jobs_and_the_other_takes_over(
    db: Path, runner: JobRunner, settings: SettingsStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("devcell.core.scheduler.TAKEOVER_SECONDS", 0.05)
    first, second = make(db, runner, settings, Gate()), make(db, runner, settings, Gate())
    first.start()
    second.start()
    try:
        assert first.runs_here
        assert not second.runs_here
        assert second.entries()[0].next_run_at is None
        with pytest.raises(Conflict, match="runs the scheduled jobs"):
            second.run_now("nightly")
        first.stop()
        wait_until(lambda: second.runs_here, WAIT, "the second scheduler took over")
        assert second.runs_here
    finally:
        first.stop()
        second.stop()


def test_process_lock_is_exclusive_and_names_its_holder(tmp_path: Path) -> None:
    one, two = ProcessLock(tmp_path / "lock"), ProcessLock(tmp_path / "lock")
    assert one.acquire()
    assert not two.acquire()
    assert two.holder().isdigit()
    one.release()
    assert two.acquire()
    two.release()
