"""Bodies of the health API: liveness, readiness and the health report."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class HealthOut(BaseModel):
    status: Literal["ok"]
    version: str


class CheckOut(BaseModel):
    name: str
    ok: bool
    message: str | None = Field(None, description="Administrators only: what was found (paths, errors).")


class ReadyOut(BaseModel):
    status: Literal["ok", "fail"]
    checks: list[CheckOut]


class FixOut(BaseModel):
    label: str
    action: str | None
    command: str | None
    target: str | None


class FindingOut(BaseModel):
    name: str
    title: str
    severity: Literal["ok", "warning", "critical", "skipped"]
    message: str
    fix: FixOut | None


class HealthReportOut(BaseModel):
    status: Literal["ok", "warning", "critical"]
    checked_at: datetime
    items: list[FindingOut]


class ProblemOut(BaseModel):
    """A check that warns or is critical, as everyone may see it: which one, not what was found."""

    name: str
    title: str
    severity: Literal["warning", "critical"]


class HealthSummaryOut(BaseModel):
    status: Literal["ok", "warning", "critical"]
    warning: int
    critical: int
    problems: list[ProblemOut] = Field(
        default_factory=list,
        description="Each warning or critical check by name and title only: its message (paths, errors) and fix "
        "stay in the administrators' report.",
    )


class HealthQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    fresh: bool = Field(False, description="Run the checks again now instead of answering from the short cache.")
