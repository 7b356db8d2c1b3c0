"""Refusals of the backups slice, each with a message that says what to do."""

from __future__ import annotations

from devcell.core.errors import Conflict, DevCellError, NotFound


class ArchiveInvalid(DevCellError):
    status = 422
    code = "archive_invalid"


class ArchiveTooNew(Conflict):
    code = "archive_too_new"


class BackupBusy(Conflict):
    code = "backup_busy"


class BackupPinned(Conflict):
    code = "backup_pinned"


class ServerRunning(Conflict):
    code = "server_running"


class DamagedNotFound(NotFound):
    code = "damaged_not_found"


class BackupFolderUnusable(Conflict):
    """The backup folder is missing (an unmounted disk) or this process cannot write there (the sandbox, a
    read-only mount, its owner): said before anything is written, instead of "Read-only file system" halfway."""

    code = "backup_folder_unusable"


class ArchiveOtherDatabase(ArchiveInvalid):
    """A SQLite appliance's archive offered to a DevCell on PostgreSQL, or the reverse."""

    code = "archive_other_database"


class PostgresToolMissing(DevCellError):
    """pg_dump or pg_restore is not installed (the postgresql-client package)."""

    status = 503
    code = "postgresql_client_missing"


class PostgresToolFailed(DevCellError):
    """pg_dump or pg_restore stopped with an error; the message carries its own words."""

    status = 500
    code = "postgresql_tool_failed"


class PostgresUnreachable(DevCellError):
    """The PostgreSQL server did not answer a backup, verify or restore (down, wrong address or password)."""

    status = 503
    code = "database_unreachable"
