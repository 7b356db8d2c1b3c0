"""Logging: structured lines to stdout (journald under systemd) and a rotating file in <data>/logs/."""

from __future__ import annotations

import logging
import logging.handlers
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
