"""Bodies of the jobs, schedule, log and metrics API."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from devcell.core.schemas import JobOut


class JobQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    everyone: bool = Field(False, description="Administrators: list every user's jobs, not only your own.")
    limit: Annotated[int, Field(ge=1, le=200)] = 50
    offset: Annotated[int, Field(ge=0)] = 0


class JobPage(BaseModel):
    items: list[JobOut]
    total: int
    limit: int
    offset: int


class ScheduleRunOut(BaseModel):
    id: str
    status: str
    started_at: datetime | None
    finished_at: datetime | None
    seconds: float | None
    message: str
    error: str | None


class ScheduleEntryOut(BaseModel):
    name: str
    title: str
    schedule: str
    next_run_at: datetime | None
    last_run: ScheduleRunOut | None
    running: bool
    runs_here: bool


class ScheduleOut(BaseModel):
    items: list[ScheduleEntryOut]


class ProcessOut(BaseModel):
    """One DevCell process serving this database, as its last heartbeat described it."""

    name: str = Field(description="devcell@host:pid")
    host: str
    pid: int
    version: str
    started_at: datetime
    seen_at: datetime
    runs_scheduler: bool = Field(description="it runs the scheduled jobs (backups, maintenance, scans)")
    database_ms: float | None = Field(description="how long a database read took from it")
    vectors: str = Field(description="its vector index: ok, unreachable, or empty before its first search")
    vectors_ms: float | None = Field(description="how long a read of the vector index took from it (once opened)")
    this: bool = Field(description="the process that answered this request")


class ProcessesOut(BaseModel):
    database: Literal["sqlite", "postgresql"]
    processes: list[ProcessOut]


class LogQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    file: Literal["devcell", "rag"] = "devcell"
    level: Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"] | None = Field(
        None, description="This level and above."
    )
    q: Annotated[str, Field(max_length=200)] | None = Field(None, description="Text the entry contains.")
    after: Annotated[int, Field(ge=0)] | None = Field(None, description="The `next` of the last answer, to follow.")
    limit: Annotated[int, Field(ge=1, le=1000)] = 200


class LogEntry(BaseModel):
    offset: int
    at: str
    level: str
    logger: str
    message: str


class LogPage(BaseModel):
    items: list[LogEntry]
    next: int
    file: str
    missing: bool


class MetricQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    days: Annotated[int, Field(ge=1, le=14)] = Field(7, description="How many days back (samples are kept 14).")


class MetricPoint(BaseModel):
    at: datetime
    data_free: int
    data_total: int
    backup_free: int
    backup_total: int
    db_bytes: int
    index_bytes: int
    requests_per_minute: float


class MetricSeries(BaseModel):
    days: int
    interval_minutes: int
    items: list[MetricPoint]
    index_on_server: bool = Field(
        False, description="the vector index is on a Chroma server (DEVCELL_CHROMA_URL): index_bytes is not measured"
    )
