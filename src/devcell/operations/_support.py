"""The support bundle: what a helper needs to diagnose an appliance, with secrets left out."""

from __future__ import annotations

import platform
import re
import sqlite3
from dataclasses import asdict
from typing import Any

from devcell import __version__
from devcell.backups.service import BACKUPS, table_counts
from devcell.core.config import Config
from devcell.core.db import open_table_counts, run_sql, transaction, utcnow
from devcell.core.scheduler import SCHEDULER
from devcell.core.state import AppState
from devcell.health.service import HEALTH
from devcell.operations._logs import read_logs
from devcell.operations.maintenance import page_stats
from devcell.operations.schemas import LogQuery
from devcell.settings.service import SETTINGS_STORE

# Setup codes (ABCD-EFGH-JKLM), API and invite tokens (dct_..., dci_...), and anything after key= or password=.
SECRETS = re.compile(
    r"\b[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}\b"  # setup code
    r"|\bdc[a-z]_[A-Za-z0-9_-]+"  # API and invite tokens
    r"|(?i:((?:key|password|token)=))\S+"
)


def _table_counts(config: Config) -> dict[str, int]:
    return open_table_counts() if config.uses_postgresql else table_counts(config.database_path)


def _database(config: Config) -> dict[str, Any]:
    """Which database holds the data, its size and its tables' rows. On PostgreSQL the server's version too (the
    SQLite library's version alone would have a helper look for a devcell.db that is not there)."""
    if not config.uses_postgresql:
        return {"kind": "sqlite"} | page_stats() | {"tables": _table_counts(config)}
    with transaction():
        server = str(run_sql("SHOW server_version").fetchone()[0])
    return {"kind": "postgresql", "server_version": server} | page_stats() | {"tables": _table_counts(config)}


def redact(text: str) -> str:
    return SECRETS.sub(lambda m: (m.group(1) or "") + "[redacted]", text)


def _settings(state: AppState) -> dict[str, Any]:
    """Only what differs from the defaults; secrets only say whether they are set."""
    changed = {}
    for item in state.need(SETTINGS_STORE).describe().items:
        if item.changed:
            changed[item.key] = {"value": "(set)" if item.secret else item.value, "source": item.source}
    return changed


def _logs(state: AppState) -> list[dict[str, str]]:
    page = read_logs(state.config.logs_dir, LogQuery.model_validate({"level": "WARNING", "limit": 200}))
    return [{"at": e.at, "level": e.level, "logger": e.logger, "message": redact(e.message)} for e in page.items]


def bundle(state: AppState) -> dict[str, Any]:
    """The bundle's content, from the running server's parts (503 not_running in recovery mode)."""
    config = state.config
    return {
        "created_at": utcnow().isoformat(),
        "versions": {
            "devcell": __version__,
            "python": platform.python_version(),
            "sqlite": sqlite3.sqlite_version,
            "platform": platform.platform(),
            "machine": platform.machine(),
        },
        "config": {"host": config.host, "port": config.port, "job_workers": config.job_workers},
        "settings_changed": _settings(state),
        "health": [asdict(f) for f in state.need(HEALTH).findings(fresh=True)],
        "schedule": [
            {"name": e.name, "schedule": e.schedule, "runs_here": e.runs_here, "last": e.last_run and e.last_run.status}
            for e in state.need(SCHEDULER).entries()
        ],
        "backups": [
            {"name": e.name, "size": e.size, "verified": None if e.verify is None else e.verify.get("ok")}
            for e in state.need(BACKUPS).entries()[:20]
        ],
        "database": _database(config),
        "recent_problems_in_log": _logs(state),
    }
