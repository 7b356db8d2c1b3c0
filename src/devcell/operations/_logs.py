"""The log viewer: entries of devcell.log or rag.log, filtered by level and text, with a cursor to follow."""

from __future__ import annotations

import re
from pathlib import Path

from devcell.operations.schemas import LogEntry, LogPage, LogQuery

FILES = {"devcell": "devcell.log", "rag": "rag.log"}
LEVELS = {"DEBUG": 10, "INFO": 20, "WARNING": 30, "ERROR": 40, "CRITICAL": 50}
TAIL_BYTES = 2 * 1024 * 1024  # without a cursor, only the end of the file is read: a 5 MB file stays cheap
LINE = re.compile(r"^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3}) (DEBUG|INFO|WARNING|ERROR|CRITICAL) ([^:]+): ?(.*)$")


def _read(path: Path, after: int | None) -> tuple[str, int, int]:
    """(text, offset of its first byte, file size). A cursor beyond the end means the file was rotated."""
    size = path.stat().st_size
    start = after if after is not None and after <= size else max(0, size - TAIL_BYTES)
    with path.open("rb") as handle:
        handle.seek(start)
        data = handle.read(size - start)
    if start > 0 and after is None:  # began mid-line: drop the partial first line
        cut = data.find(b"\n") + 1
        data, start = data[cut:], start + cut
    return data.decode("utf-8", errors="replace"), start, size


def _entries(text: str, start: int) -> list[LogEntry]:
    entries: list[LogEntry] = []
    offset = start
    for line in text.splitlines(keepends=True):
        match = LINE.match(line.rstrip("\n"))
        if match:
            at, level, logger, message = match.groups()
            entries.append(LogEntry(offset=offset, at=at, level=level, logger=logger, message=message))
        elif entries:  # a traceback or a multi-line message belongs to the entry above
            entries[-1].message += "\n" + line.rstrip("\n")
        offset += len(line.encode("utf-8", errors="replace"))
    return entries


def read_logs(logs_dir: Path, query: LogQuery) -> LogPage:
    path = logs_dir / FILES[query.file]
    if not path.is_file():
        return LogPage(items=[], next=0, file=path.name, missing=True)
    text, start, size = _read(path, query.after)
    floor = LEVELS[query.level] if query.level else 0
    needle = query.q.lower() if query.q else None
    found = [
        e
        for e in _entries(text, start)
        if LEVELS[e.level] >= floor and (needle is None or needle in (e.logger + " " + e.message).lower())
    ]
    return LogPage(items=found[-query.limit :], next=size, file=path.name, missing=False)
