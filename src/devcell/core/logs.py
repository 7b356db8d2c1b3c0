"""Logging: structured lines to stdout (journald under systemd) and a rotating file in <data>/logs/."""

from __future__ import annotations

import logging
import logging.handlers
import sys
from pathlib import Path

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def configure_logging(level: str, logs_dir: Path | None) -> None:
    root = logging.getLogger()
    root.setLevel(level.upper())
    for handler in list(root.handlers):
        if getattr(handler, "_devcell", False):
            root.removeHandler(handler)
    handlers: list[logging.Handler] = [logging.StreamHandler()]
    if logs_dir is not None:
        handlers.append(
            logging.handlers.RotatingFileHandler(
                logs_dir / "devcell.log", maxBytes=5_000_000, backupCount=5, encoding="utf-8"
            )
        )
    for handler in handlers:
        handler.setFormatter(logging.Formatter(FORMAT))
        handler._devcell = True  # type: ignore[attr-defined]
        root.addHandler(handler)


def announce_secret(logger_name: str, level: int, message: str, *args: object) -> None:
    """Log a line that carries a one-time secret to stderr only: the service log (journald keeps it, readable by
    root and the adm group) and a terminal. Never through the root logger, which also writes logs/devcell.log:
    the admin log viewer shows that file to every administrator long after the code was used."""
    announcer = logging.getLogger(logger_name)
    announcer.propagate = False
    handler = logging.StreamHandler(sys.stderr)  # this call's stderr: a daemon or a test may have replaced it
    handler.setFormatter(logging.Formatter(FORMAT))
    announcer.addHandler(handler)
    try:
        announcer.log(level, message, *args)
    finally:
        announcer.removeHandler(handler)
