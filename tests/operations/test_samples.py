"""The metrics sampler behind the System page charts: what a sample holds, how the table stays small, the API."""

from __future__ import annotations

from datetime import datetime, timedelta

from starlette.applications import Starlette

from devcell.core.config import Config
from devcell.core.db import run_sql, transaction, utcnow
from devcell.operations.models import MetricSample
from devcell.operations.samples import DENSE, KEEP, MAX_ROWS, SAMPLER, compact
from tests.backups.conftest import ScriptedDisk, wait_job
from tests.conftest import Actor

MB = 1024 * 1024


def count() -> int:
    with transaction():
        return int(MetricSample.select().count())


def add(at_offsets: list[timedelta], now: datetime | None = None, **values: float) -> None:
    now = now or utcnow()
    row = {
        "data_free": 100,
        "data_total": 1000,
        "backup_free": 100,
        "backup_total": 1000,
        "db_bytes": 10,
        "index_bytes": 0,
        "requests_per_minute": 0.0,
    } | values
    with transaction(write=True):
        for offset in at_offsets:
            MetricSample.create(at=now - offset, **row)


def test_the_scheduled_job_records_disk_database_index_and_request_rate(
    disk: ScriptedDisk, admin: Actor, config: Config, backend: str
) -> None:
    disk.free = 700 * MB
    for _ in range(9):
        admin.get("/api/tasks")
    job = wait_job(admin, admin.post("/api/system/schedule/metrics_sample/run").json()["id"])
    assert job["status"] == "succeeded", job
    series = admin.get("/api/system/metrics/history?days=1").json()
    assert series["interval_minutes"] == 10
    # The index folder beside the database is measured; a Chroma server's index (beside PostgreSQL here) is not.
    assert series["index_on_server"] is (config.chroma_url is not None)
    [point] = series["items"]
    assert point["data_free"] == point["backup_free"] == 700 * MB
    if backend == "sqlite":  # the file (and its write-ahead log, if any)
        assert point["db_bytes"] >= config.database_path.stat().st_size
    else:  # the database's size on the server (it may have grown by a page or so since)
        with transaction():
            size = int(run_sql("SELECT pg_database_size(current_database())").fetchone()[0])
        assert size * 0.9 <= point["db_bytes"] <= size * 1.1, (point["db_bytes"], size)
    assert point["index_bytes"] >= 0
    assert point["requests_per_minute"] > 0  # the requests above, per minute since the process started


def test_request_rate_counts_requests_between_two_samples(app: Starlette, admin: Actor) -> None:
    sampler = app.state.need(SAMPLER)
    sampler.sample()
    for _ in range(30):
        admin.get("/api/tasks")
    second = sampler.sample()
    # At least the 30 requests, in (at least) one minute: the divisor never goes below a minute.
    assert 30 <= second["requests_per_minute"] <= 40


def test_old_samples_become_hourly_averages_and_expire(admin: Actor) -> None:
    now = utcnow().replace(minute=50)
    base = DENSE + timedelta(hours=3)  # four samples at minutes 19, 29, 39 and 49 of one hour
    add([base + timedelta(minutes=m) for m in (1, 11, 21)], now, data_free=100)
    add([base + timedelta(minutes=31)], now, data_free=400)
    add([KEEP + timedelta(hours=1)], now)  # too old
    add([timedelta(minutes=5), timedelta(minutes=15)], now)  # recent: kept as taken
    with transaction(write=True):
        removed = compact(now)
    assert removed == 4  # one expired, four of an hour folded into one
    with transaction():
        old = list(MetricSample.select().where(MetricSample.at < now - DENSE))
    assert [row.data_free for row in old] == [175]  # (3 x 100 + 400) / 4
    assert count() == 3


def test_the_table_is_bounded(admin: Actor) -> None:
    add([timedelta(seconds=s) for s in range(MAX_ROWS + 20)])
    with transaction(write=True):
        compact(utcnow())
    assert count() == MAX_ROWS


def test_history_is_for_admins_and_validates_days(admin: Actor, user: Actor) -> None:
    assert user.get("/api/system/metrics/history").status_code == 403
    response = admin.get("/api/system/metrics/history?days=30")
    assert response.status_code == 422
    assert response.json()["error"]["detail"][0]["field"] == "query.days"


def test_history_returns_the_window_oldest_first(admin: Actor) -> None:
    add([timedelta(days=3), timedelta(hours=2), timedelta(days=1)])
    items = admin.get("/api/system/metrics/history?days=2").json()["items"]
    assert len(items) == 2
    assert items[0]["at"] < items[1]["at"]


def test_the_sample_interval_is_a_setting(admin: Actor) -> None:
    admin.patch("/api/settings", json={"values": {"metrics_sample_minutes": 5}})
    entries = {e["name"]: e for e in admin.get("/api/system/schedule").json()["items"]}
    assert entries["metrics_sample"]["schedule"] == "every 5 minutes"
