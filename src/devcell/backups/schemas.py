"""Bodies of the backups API."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field


class VerifyOut(BaseModel):
    ok: bool
    problems: list[str]
    checked_at: str
    seconds: float


class BackupOut(BaseModel):
    name: str
    kind: Literal["backup", "safety", "upload"]
    origin: Literal["scheduled", "manual", "safety", "upload"] = Field(
        description="Who made it: the daily schedule, a person (Back up now, `devcell backup`), the safety copy "
        "before a restore, or an upload. Retention only ever removes scheduled backups."
    )
    pinned: bool = Field(description="Kept whatever retention says; unpin before deleting it.")
    created_at: datetime
    size: int
    app_version: str | None
    schema_version: int | None
    tables: dict[str, int] | None
    files: int | None
    verify: VerifyOut | None


class BackupList(BaseModel):
    items: list[BackupOut]
    directory: str
    free_bytes: int
    total_bytes: int
    # The backup folder is on the data's own disk (on a Pi, the SD card): a failing card takes the backups along.
    same_disk_as_data: bool = False


class RestoreIn(BaseModel):
    """Typed confirmation: the archive's name, so a stray click restores nothing."""

    model_config = ConfigDict(extra="forbid")

    confirm: str


class RestoreOut(BaseModel):
    archive: str
    safety_backup: str | None
    created_at: str | None
    app_version: str | None
    embedding_model: str | None = None
    schema_from: int
    schema_to: int
    tables: dict[str, Any]
    files: int
    seconds: float
    index: str | None = Field(None, description="What was decided about the vector index after the restore.")


class DamagedFile(BaseModel):
    name: str
    size: int


class DamagedFolder(BaseModel):
    """Copies of a damaged database, set aside by a restore over it (damaged/<name>/ in the data directory)."""

    name: str = Field(description="The folder: the UTC time of the restore that set these files aside.")
    created_at: datetime
    files: list[DamagedFile]
    size: int = Field(description="Bytes of all its files together.")


class DamagedList(BaseModel):
    items: list[DamagedFolder] = Field(description="Newest first; empty when no damaged database was ever kept.")
    total_size: int


class FolderCheckIn(BaseModel):
    """A folder to try as the backup folder, signed by `devcell settings set backup_dir` with the secret key."""

    model_config = ConfigDict(extra="forbid")

    token: str = Field(max_length=2000)


class FolderCheckOut(BaseModel):
    """Whether the running service can write backups into the folder, and if not, why and what to do."""

    path: str
    ok: bool
    message: str | None
