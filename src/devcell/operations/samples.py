"""Samples for the System page charts: disk free, database and index size, request rate, taken by a scheduled job.

Kept small on purpose: samples of the last two days stay as taken, older ones are averaged to one per hour, and
nothing older than 14 days is kept (at most about 3,200 rows even at one sample a minute)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, cast

from peewee import fn

from devcell.core.db import is_postgresql, transaction, utcnow
from devcell.core.disk import DiskProbe
from devcell.core.state import Key
from devcell.operations.maintenance import page_stats
from devcell.operations.metrics import REQUESTS, tree_bytes
from devcell.operations.models import MetricSample
from devcell.operations.schemas import MetricPoint, MetricSeries

KEEP = timedelta(days=14)
DENSE = timedelta(days=2)  # newer samples are kept as taken; older ones become hourly averages
MAX_ROWS = 5000  # a last bound, whatever the interval setting did
GAUGES = ("data_free", "data_total", "backup_free", "backup_total", "db_bytes", "index_bytes", "requests_per_minute")


def database_bytes(db_path: Path) -> int:
    """devcell.db plus its write-ahead log: what the database takes on disk right now (on a PostgreSQL server:
    the database's size there)."""
    if is_postgresql():
        return page_stats()["bytes"]
    total = 0
    for path in (db_path, db_path.with_name(db_path.name + "-wal")):
        try:
            total += path.stat().st_size
        except OSError:
            continue
    return total


def requests_total() -> int:
    with REQUESTS._lock:
        return sum(REQUESTS.counts.values())


@dataclass
class Sampler:
    """Takes one sample per call. The request rate is the requests answered since the previous sample (or since
    this process started) per minute: the counter lives in memory, so a restart starts it again."""

    data_dir: Path
    db_path: Path
    index_dir: Path
    backup_dir: Callable[[], Path]
    disk: DiskProbe
    count: Callable[[], int] = requests_total
    _last: tuple[float, int] = field(default=(0.0, 0))
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        self._last = (time.monotonic(), self.count())

    def _rate(self) -> float:
        now, total = time.monotonic(), self.count()
        with self._lock:
            then, before = self._last
            self._last = (now, total)
        minutes = max(now - then, 60.0) / 60  # never less than a minute: no absurd rate right after a start
        return round(max(total - before, 0) / minutes, 2)

    def reading(self) -> dict[str, Any]:
        data = self.disk.usage(self.data_dir)
        backups = self.disk.usage(self.backup_dir())
        return {
            "data_free": data.free,
            "data_total": data.total,
            "backup_free": backups.free,
            "backup_total": backups.total,
            "db_bytes": database_bytes(self.db_path),
            "index_bytes": tree_bytes(self.index_dir),
            "requests_per_minute": self._rate(),
        }

    def sample(self, now: datetime | None = None) -> dict[str, Any]:
        """Record a sample and keep the table small; returns the sample and how many rows were folded away."""
        at = now or utcnow()
        values = self.reading()
        with transaction(write=True):
            MetricSample.create(at=at, **values)
            removed = compact(at)
        return values | {"removed": removed}


def _hour() -> Any:
    """The stored time's "YYYY-MM-DD HH" prefix, as text (coerce off: peewee would parse it as a datetime)."""
    if is_postgresql():
        return fn.to_char(MetricSample.at, "YYYY-MM-DD HH24").coerce(False)
    return fn.substr(MetricSample.at, 1, 13).coerce(False)


def _hourly_averages(before: datetime) -> list[dict[str, Any]]:
    """One averaged row per hour older than `before` that still holds more than one sample."""
    hour = _hour()
    columns = [fn.AVG(getattr(MetricSample, name)).alias(name) for name in GAUGES]
    query = (
        MetricSample.select(hour.alias("hour"), fn.MAX(MetricSample.at).alias("at"), *columns)
        .where(MetricSample.at < before)
        .group_by(hour)
        .having(fn.COUNT(MetricSample.id) > 1)
        .dicts()
    )
    return cast(list[dict[str, Any]], list(query))  # .dicts() rows; peewee's stubs type the query by model


def compact(now: datetime) -> int:
    """Inside a write transaction: average old samples per hour, drop what is past KEEP, bound the row count."""
    removed = MetricSample.delete().where(MetricSample.at < now - KEEP).execute()
    for row in _hourly_averages(now - DENSE):
        hour = row.pop("hour")
        removed += MetricSample.delete().where(MetricSample.at < now - DENSE, _hour() == hour).execute()
        at = row.pop("at")
        at = MetricSample.at.python_value(at) if isinstance(at, str) else at
        MetricSample.create(at=at, **{k: (v if k == "requests_per_minute" else round(v)) for k, v in row.items()})
        removed -= 1
    extra = MetricSample.select().count() - MAX_ROWS
    if extra > 0:
        oldest = MetricSample.select(MetricSample.id).order_by(MetricSample.at).limit(extra)
        removed += MetricSample.delete().where(MetricSample.id.in_(oldest)).execute()
    return int(removed)


def series(days: int, interval_minutes: int, index_on_server: bool = False) -> MetricSeries:
    """The samples of the last `days` days, oldest first. With the index on a Chroma server there is no local
    folder to measure: the chart leaves its size out instead of drawing a zero."""
    since = utcnow() - timedelta(days=days)
    with transaction():
        rows = list(MetricSample.select().where(MetricSample.at >= since).order_by(MetricSample.at))
    points = [MetricPoint.model_validate(row, from_attributes=True) for row in rows]
    return MetricSeries(days=days, interval_minutes=interval_minutes, items=points, index_on_server=index_on_server)


SAMPLER: Key[Sampler] = Key("metrics sampler")
