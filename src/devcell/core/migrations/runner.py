"""Apply numbered migrations in order, after a snapshot, and refuse databases newer than the code."""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from devcell.core.db import database, is_postgresql, prepare_postgresql, run_sql, transaction, utcnow
from devcell.core.migrations import (
    m0001_initial,
    m0002_settings_invites_jobs,
    m0003_work_tracking,
    m0004_task_list_index,
    m0005_knowledge,
    m0006_metric_samples,
    m0007_chat_history,
    m0008_assistant,
    m0009_workflows,
    m0010_training,
    m0011_checked_answers,
    m0012_stemmed_keywords,
    m0013_notifications,
    m0014_password_resets,
    m0015_away,
    m0016_labels_checklists,
    m0017_project_standup_time,
    m0018_app_processes,
    postgresql,
)

log = logging.getLogger(__name__)

KEEP_SNAPSHOTS = 5


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    # Given the open database: a SqliteDatabase for 1..17 (SQLite DDL), either kind for later ones.
    up: Callable[[Any], None]


# Listed explicitly (not globbed) so a frozen build carries every migration.
MIGRATIONS: tuple[Migration, ...] = (
    Migration(1, "initial", m0001_initial.up),
    Migration(2, "settings_invites_jobs", m0002_settings_invites_jobs.up),
    Migration(3, "work_tracking", m0003_work_tracking.up),
    Migration(4, "task_list_index", m0004_task_list_index.up),
    Migration(5, "knowledge", m0005_knowledge.up),
    Migration(6, "metric_samples", m0006_metric_samples.up),
    Migration(7, "chat_history", m0007_chat_history.up),
    Migration(8, "assistant", m0008_assistant.up),
    Migration(9, "workflows", m0009_workflows.up),
    Migration(10, "training", m0010_training.up),
    Migration(11, "checked_answers", m0011_checked_answers.up),
    Migration(12, "stemmed_keywords", m0012_stemmed_keywords.up),
    Migration(13, "notifications", m0013_notifications.up),
    Migration(14, "password_resets", m0014_password_resets.up),
    Migration(15, "away", m0015_away.up),
    Migration(16, "labels_checklists", m0016_labels_checklists.up),
    Migration(17, "project_standup_time", m0017_project_standup_time.up),
    Migration(18, "app_processes", m0018_app_processes.up),
)
HEAD = MIGRATIONS[-1].version
# A PostgreSQL database starts at the schema of this version in one step (see migrations.postgresql).
POSTGRESQL_BASELINE = Migration(postgresql.VERSION, "postgresql_baseline", postgresql.up)


class SchemaTooNew(Exception):
    """The database was written by a newer DevCell; running older code on it could lose data."""

    def __init__(self, found: int) -> None:
        super().__init__(
            f"The database is at schema version {found}, but this DevCell only knows versions up to {HEAD}. "
            "It was used by a newer DevCell: install that version again, or restore a backup made by this version."
        )
        self.found = found


class MigrationFailed(Exception):
    """A migration raised; the database was rolled back and the snapshot is kept."""


def current_version() -> int:
    """The schema version of the open database (0 when empty)."""
    with transaction():
        tables = database.get_tables()
        if "schema_migration" not in tables:
            return 0
        row = database.execute_sql("SELECT MAX(version) FROM schema_migration").fetchone()
    return int(row[0] or 0)


def pending() -> list[Migration]:
    version = current_version()
    if version > HEAD:
        raise SchemaTooNew(version)
    if is_postgresql() and version == 0:
        return [POSTGRESQL_BASELINE, *(m for m in MIGRATIONS if m.version > POSTGRESQL_BASELINE.version)]
    return [m for m in MIGRATIONS if m.version > version]


def snapshot(db_path: Path, snapshots_dir: Path, version: int) -> Path:
    """Copy the database with SQLite's online backup API into `snapshots_dir`, keeping the newest few."""
    snapshots_dir.mkdir(parents=True, exist_ok=True)
    stamp = utcnow().strftime("%Y%m%dT%H%M%S%fZ")  # microseconds: two snapshots in one second must not collide
    target = snapshots_dir / f"devcell-schema{version}-{stamp}.db"
    source = sqlite3.connect(db_path)
    try:
        dest = sqlite3.connect(target)
        with dest:
            source.backup(dest)
        dest.close()
    finally:
        source.close()
    # Oldest first by time stamp, not by name: "schema10" sorts before "schema2" as text.
    by_age = sorted(snapshots_dir.glob("devcell-schema*.db"), key=lambda path: path.stem.rsplit("-", 1)[-1])
    for old in by_age[:-KEEP_SNAPSHOTS]:
        old.unlink()
    return target


def _apply(migration: Migration) -> None:
    first = migration.version == 1 or migration is POSTGRESQL_BASELINE
    if is_postgresql() and first:
        prepare_postgresql()
    with transaction(write=True):
        if first and not is_postgresql():
            database.execute_sql(
                "CREATE TABLE IF NOT EXISTS schema_migration "
                "(version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at DATETIME NOT NULL)"
            )
        migration.up(database.obj)
        run_sql(
            "INSERT INTO schema_migration (version, name, applied_at) VALUES (?, ?, ?)",
            (migration.version, migration.name, utcnow().replace(tzinfo=None).isoformat(" ")),
        )


def migrate(db_path: Path, snapshots_dir: Path) -> list[Migration]:
    """Bring the database to HEAD. Each migration is one transaction; a snapshot precedes any change to a
    non-empty database. Raises SchemaTooNew or MigrationFailed with a readable message."""
    todo = pending()
    if not todo:
        return []
    start = current_version()
    if start > 0 and is_postgresql():
        log.warning("migrating PostgreSQL from schema %d: take the server's own backup (pg_dump) first", start)
    elif start > 0:
        where = snapshot(db_path, snapshots_dir, start)
        log.info("snapshot before migrating from schema %d: %s", start, where)
    for migration in todo:
        try:
            _apply(migration)
        except Exception as exc:
            raise MigrationFailed(
                f"migration {migration.version} ({migration.name}) failed: {exc}. The database was left at "
                f"schema {migration.version - 1}; a snapshot from before the upgrade is in {snapshots_dir}."
            ) from exc
        log.info("applied migration %04d_%s", migration.version, migration.name)
    return todo
