"""API bodies more than one slice returns: a tracked job (the jobs API, backups, index care, scheduled runs)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict


class JobOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    kind: str
    title: str
    owner_id: int | None
    status: Literal["queued", "running", "succeeded", "failed", "cancelled"]
    progress_done: int
    progress_total: int | None
    message: str
    result: Any
    error: str | None
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
