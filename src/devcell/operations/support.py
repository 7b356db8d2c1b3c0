"""The support bundle: what a helper needs to diagnose an appliance, with secrets left out."""

from __future__ import annotations

import platform
import re
import sqlite3
from dataclasses import asdict
from typing import Any

from devcell import __version__
from devcell.backups.service import table_counts
from devcell.core.db import utcnow
from devcell.operations.logs import read_logs
from devcell.operations.maintenance import page_stats
from devcell.operations.schemas import LogQuery

# Setup codes (ABCD-EFGH-JKLM), API and invite tokens (dct_..., dci_...), and anything after key= or password=.
SECRETS = re.compile(
    r"\b[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}\b"  # setup code
    r"|\bdc[a-z]_[A-Za-z0-9_-]+"  # API and invite tokens
    r"|(?i:((?:key|password|token)=))\S+"
)


def redact(text: str) -> str:
    return SECRETS.sub(lambda m: (m.group(1) or "") + "[redacted]", text)


def _settings(state: Any) -> dict[str, Any]:
    """Only what differs from the defaults; secrets only say whether they are set."""
    changed = {}
    for item in state.settings.describe().items:
        if item.changed:
            changed[item.key] = {"value": "(set)" if item.secret else item.value, "source": item.source}
    return changed


def _logs(state: Any) -> list[dict[str, str]]:
    page = read_logs(state.config.logs_dir, LogQuery.model_validate({"level": "WARNING", "limit": 200}))
    return [{"at": e.at, "level": e.level, "logger": e.logger, "message": redact(e.message)} for e in page.items]


def bundle(state: Any) -> dict[str, Any]:
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
        "health": [asdict(f) for f in state.health.findings(fresh=True)],
        "schedule": [
            {"name": e.name, "schedule": e.schedule, "runs_here": e.runs_here, "last": e.last_run and e.last_run.status}
            for e in state.scheduler.entries()
        ],
        "backups": [
            {"name": e.name, "size": e.size, "verified": None if e.verify is None else e.verify.get("ok")}
            for e in state.backups.entries()[:20]
        ],
        "database": page_stats() | {"tables": table_counts(config.database_path)},
        "recent_problems_in_log": _logs(state),
    }
