"""Recovery mode's settings: read from the damaged SQLite file when it can be, never an error when it cannot.

SQLite only by nature (no `backend` fixture): recovery mode is the appliance's own file; on PostgreSQL the server
waits for its database server instead and never calls salvaged_settings."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

from devcell.settings.service import salvaged_settings


def test_a_readable_file_gives_its_saved_values(tmp_path: Path, template_database: Path) -> None:
    path = tmp_path / "devcell.db"
    shutil.copyfile(template_database, path)
    connection = sqlite3.connect(path)
    with connection:
        connection.execute(
            "INSERT INTO setting (key, value, updated_at) VALUES ('chat_retention_days', '7', '2026-01-01 00:00:00')"
        )
    connection.close()
    assert salvaged_settings(path, {}).get("chat_retention_days") == 7


def test_a_missing_file_gives_the_environment_and_defaults(tmp_path: Path) -> None:
    missing = tmp_path / "devcell.db"
    settings = salvaged_settings(missing, {"chat_retention_days": "3"})
    assert settings.get("chat_retention_days") == 3
    assert settings.get("standup_reminder_time") is not None
    assert not missing.exists()  # reading never creates the file


def test_a_damaged_file_gives_the_defaults(tmp_path: Path) -> None:
    damaged = tmp_path / "devcell.db"
    damaged.write_bytes(b"this is not a database" * 100)
    assert salvaged_settings(damaged, {}).get("chat_retention_days") == 30
