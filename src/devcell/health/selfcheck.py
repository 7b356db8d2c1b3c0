"""`devcell check`: what an admin needs to know when something is off — paths, permissions, versions, database."""

from __future__ import annotations

import os
import platform
import shutil
import sqlite3
import stat
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from devcell import __version__
from devcell.core import paths
from devcell.core.config import SECRET_KEY_FILE, Config, redacted_url
from devcell.core.db import database, is_postgresql, transaction
from devcell.core.disk import MB, human
from devcell.core.migrations.runner import HEAD, current_version
from devcell.health.checks import disk_severity
from devcell.health.watch import integrity


@dataclass(frozen=True)
class CheckLine:
    name: str
    ok: bool
    message: str
    # Worth reading, yet nothing is wrong yet: `devcell check` prints it and still exits 0.
    warning: bool = False


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _directory(name: str, path: Path) -> CheckLine:
    if not path.is_dir():
        return CheckLine(name, False, f"{path} is missing")
    if not os.access(path, os.W_OK):
        return CheckLine(name, False, f"{path} is not writable by uid {os.getuid()}")
    mode = _mode(path)
    if mode & 0o007:
        return CheckLine(name, False, f"{path} is readable by everyone (mode {mode:o}); run: chmod o-rwx {path}")
    return CheckLine(name, True, f"{path} (mode {mode:o})")


def _secret(config: Config) -> CheckLine:
    if config.secret_key:
        return CheckLine("secret key", True, "from the environment")
    path = config.data_dir / SECRET_KEY_FILE
    if not path.is_file():
        return CheckLine("secret key", False, f"{path} is missing (it is created at start)")
    mode = _mode(path)
    ok = mode & 0o077 == 0
    return CheckLine("secret key", ok, f"{path} (mode {mode:o})" + ("" if ok else f"; run: chmod 600 {path}"))


def _database() -> list[CheckLine]:
    version = current_version()
    if is_postgresql():
        return _server_database(version)
    with transaction():
        result = database.execute_sql("PRAGMA quick_check").fetchone()[0]
        journal = database.execute_sql("PRAGMA journal_mode").fetchone()[0]
    return [
        CheckLine("schema", version == HEAD, f"version {version} of {HEAD}"),
        CheckLine("database integrity", result == "ok", str(result)),
        CheckLine("journal mode", journal == "wal", str(journal)),
    ]


def _server_database(version: int) -> list[CheckLine]:
    """A PostgreSQL server: the schema, how long a read takes (it is across a network now), and the check the
    health page and the nightly maintenance run there (every table DevCell needs is present)."""
    started = time.monotonic()
    with transaction():
        server = str(database.execute_sql("SHOW server_version").fetchone()[0])
    took = (time.monotonic() - started) * 1000
    checked = integrity(full=False)
    return [
        CheckLine("schema", version == HEAD, f"version {version} of {HEAD}"),
        CheckLine("database integrity", bool(checked["ok"]), str(checked["message"])),
        CheckLine("database server", True, f"PostgreSQL {server}, a read took {took:.1f} ms"),
    ]


def _database_location(config: Config) -> CheckLine:
    if config.database_url is not None:
        return CheckLine("database", True, f"PostgreSQL at {redacted_url(config.database_url)}")
    return CheckLine("database file", config.database_path.is_file(), str(config.database_path))


def _disk(path: Path, floor_mb: int) -> CheckLine:
    """The health page's rule: it fails only when changes are refused, and warns when that is near."""
    usage = shutil.disk_usage(path)
    floor = floor_mb * MB
    severity = disk_severity(usage.free, usage.total, floor)
    message = f"{human(usage.free)} free of {human(usage.total)} ({usage.free / usage.total:.0%}) at {path}"
    if severity == "critical":
        message += f"; changes are refused below {human(floor)} (setting disk_floor_mb); free space: du -sh {path}/*"
    elif severity == "warning":
        message += f"; changes will be refused below {human(floor)} (setting disk_floor_mb)"
    return CheckLine("disk space", severity != "critical", message, warning=severity == "warning")


def _web(config: Config) -> CheckLine:
    dist = config.web_dist or paths.web_dist()
    ok = (dist / "index.html").is_file()
    return CheckLine("web interface", ok, str(dist) if ok else f"{dist}/index.html missing; run: python3 build.py web")


def _opened(problem: str | None, config: Config) -> list[CheckLine]:
    if problem is not None and config.uses_postgresql:
        return [CheckLine("database", False, problem)]  # a server that does not answer: nothing to restore
    if problem is not None:
        fix = "restore a backup: devcell restore ARCHIVE (service stopped) or the recovery page (devcell recovery-code)"
        return [CheckLine("database", False, f"{problem}; {fix}")]
    return _database()


def _safely(name: str, check: Callable[[], list[CheckLine]]) -> list[CheckLine]:
    """A check that fails to run is a failed check with its reason, never a traceback that hides the others."""
    try:
        return check()
    except Exception as exc:
        return [CheckLine(name, False, f"the check could not run: {type(exc).__name__}: {exc}")]


def run_selfcheck(config: Config, problem: str | None = None, disk_floor_mb: int = 200) -> list[CheckLine]:
    """Every check, in order; `problem` is why the database could not be opened (then it is not queried);
    `disk_floor_mb` is the setting of that name (its default here, for a database that cannot be read)."""
    versions = f"DevCell {__version__}, Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}"
    checks: list[tuple[str, Callable[[], list[CheckLine]]]] = [
        ("versions", lambda: [CheckLine("versions", True, versions)]),
        ("data directory", lambda: [_directory("data directory", config.data_dir)]),
        ("knowledgebase directory", lambda: [_directory("knowledgebase directory", config.kb_dir)]),
        ("secret key", lambda: [_secret(config)]),
        ("database file", lambda: [_database_location(config)]),
        ("database", lambda: _opened(problem, config)),
        ("disk space", lambda: [_disk(config.data_dir, disk_floor_mb)]),
        ("web interface", lambda: [_web(config)]),
    ]
    return [line for name, check in checks for line in _safely(name, check)]
