"""One-time codes kept in a 0600 file in the data directory: read off a terminal or the journal, typed into a
browser, compared in constant time, deleted once used."""

from __future__ import annotations

import hmac
import os
import secrets
from pathlib import Path

# No 0/O, 1/I/L: the code is read off a terminal and typed into a browser.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


def normalise(code: str) -> str:
    return "".join(ch for ch in code.upper() if ch.isalnum())


def ensure_code(path: Path) -> str:
    """The code in `path`, created (0600, three groups of four) if missing."""
    code = "-".join("".join(secrets.choice(CODE_ALPHABET) for _ in range(4)) for _ in range(3))
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text(encoding="ascii").strip()
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(code + "\n")
        handle.flush()
        os.fsync(handle.fileno())
    return code


def matches(path: Path, given: str) -> bool:
    """True when `given` is the code in `path` (ignoring case, spaces and dashes); False when there is none."""
    try:
        expected = path.read_text(encoding="ascii").strip()
    except FileNotFoundError:
        return False
    return bool(expected) and hmac.compare_digest(normalise(given), normalise(expected))


def discard(path: Path) -> None:
    path.unlink(missing_ok=True)
