"""Where bundled resources live: beside the source in a checkout, under sys._MEIPASS when frozen."""

from __future__ import annotations

import sys
from pathlib import Path


def resource_root() -> Path:
    """The directory holding `web_dist/` (the repository root, or the PyInstaller bundle)."""
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        return Path(bundle)
    return Path(__file__).resolve().parents[3]


def web_dist() -> Path:
    return resource_root() / "web_dist"
