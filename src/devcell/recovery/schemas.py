"""Bodies of the recovery API."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from devcell.backups.schemas import BackupList

Code = Field(min_length=1, max_length=64, description="The recovery code from the service log.")


class RecoveryStatus(BaseModel):
    active: bool = Field(description="True while the database cannot be opened and only recovery works.")
    problem: str | None = Field(None, description="What is wrong with the database (file names, no paths).")
    since: datetime | None = None


class CodeIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    code: str = Code


class RecoveryRestoreIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    code: str = Code
    name: str = Field(min_length=1, max_length=200, description="A backup's name, from the list.")


class RecoveryBackups(BaseModel):
    backups: BackupList
    damaged_dir: str = Field(description="Where the damaged files are put when a restore starts.")
    uploaded: str | None = Field(None, description="The name an uploaded archive was stored under.")


class RecoveryRestored(BaseModel):
    archive: str
    created_at: str | None
    seconds: float
    damaged_kept: str | None = Field(None, description="The folder the damaged files were moved to.")
