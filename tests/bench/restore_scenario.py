"""Benchmark (issue 14, item 4): restore a backup of a 500-document knowledgebase on a running server, then search.

The appliance holds 250 files dropped into the knowledgebase directory (found by the scan) and 250 notes, embedded
with the real model. After the backup the knowledgebase drifts as it does before anyone restores (5 notes added,
5 documents deleted), then the backup is restored through the API. Reported: the restore job, the first search
after it, the time until the index is consistent again (every passage has its vector, nothing queued), and how
many documents were embedded again to get there (each costs ~0.1 s of CPU here and much more on a Pi)."""

from __future__ import annotations

import sqlite3
import time
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from tests.bench.backup_scenario import wait_job
from tests.bench.knowledge_scenarios import readme_sections
from tests.serverproc import Client, ServerProcess, api_token, create_admin

if TYPE_CHECKING:
    from tests.bench.scenarios import Options, Outcome

FILES = 250
NOTES = 250
ADDED = 5  # notes written after the backup
DELETED = 3  # documents deleted after the backup
SETTLE_LIMIT = 3600.0  # seconds; a full re-embed of 500 documents takes minutes here
QUESTION = "How do I restore the appliance from a backup archive?"


def _texts(count: int, offset: int) -> list[tuple[str, str]]:
    """(title, Markdown) pairs from the README's sections, numbered so that no two documents are the same file."""
    sections = readme_sections()
    out = []
    for n in range(count):
        heading, body = sections[(n + offset) % len(sections)]
        # Each paragraph names its copy: search shows one passage per distinct text, so copies must differ.
        numbered = body.replace("\n\n", f"\n\n(Copy {n + offset}.) ")
        out.append((f"{heading} {n + offset}", f"# {heading} ({n + offset})\n\n{numbered}\n"))
    return out


def _knowledge_status(client: Client) -> dict[str, Any]:
    status, body = client.request("GET", "/api/knowledge/status")
    if status != 200:
        raise RuntimeError(f"/api/knowledge/status answered {status}: {body}")
    return dict(body)


def _settled(body: dict[str, Any]) -> bool:
    counts = body["documents"]
    busy = counts["queued"] + counts["indexing"]
    return busy == 0 and bool(body["consistent"]) and body["vectors"] == body["chunks"]


def _wait_settled(client: Client, limit: float = SETTLE_LIMIT) -> dict[str, Any]:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        body = _knowledge_status(client)
        if _settled(body):
            return body
        time.sleep(0.25)
    raise TimeoutError(f"the index was not consistent within {limit} s: {_knowledge_status(client)}")


def _seed(data: Path, client: Client) -> None:
    handbook = data / "knowledgebase" / "handbook"
    handbook.mkdir(parents=True, exist_ok=True)
    for n, (_, text) in enumerate(_texts(FILES, 0)):
        (handbook / f"page-{n:03}.md").write_text(text, encoding="utf-8")
    status, body = client.request("POST", "/api/knowledge/rescan")
    if status != 200:
        raise RuntimeError(f"rescan answered {status}: {body}")
    for title, text in _texts(NOTES, FILES):
        status, body = client.request("POST", "/api/documents/notes", {"title": title, "text": text})
        if status != 201:
            raise RuntimeError(f"creating a note answered {status}: {body}")


def _drift(client: Client) -> None:
    """What happens between the backup and the restore: a few notes more, a few documents fewer."""
    _, page = client.request("GET", f"/api/documents?limit={DELETED}&origin=note")
    for item in page["items"][:DELETED]:
        client.request("DELETE", f"/api/documents/{item['id']}")
    for title, text in _texts(ADDED, 10_000):
        client.request("POST", "/api/documents/notes", {"title": title, "text": text})


def _embedded_since(database: Path, since: datetime) -> tuple[int, int]:
    """(documents embedded again, passages embedded) by indexing jobs that started after `since`."""
    stamp = since.replace(tzinfo=None).isoformat(sep=" ")
    with closing(sqlite3.connect(database)) as db:
        table = next(
            name for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type='table'")
            if name.replace("_", "") == "jobrun"
        )  # fmt: skip
        rows = db.execute(
            f"SELECT result FROM {table} WHERE kind = 'knowledge.index' AND created_at >= ?",
            (stamp,),
        ).fetchall()
    import json

    results = [json.loads(r[0]) for r in rows if r[0]]
    embedded = [r for r in results if "skipped" not in r]
    return len(embedded), sum(int(r.get("chunks", 0)) for r in embedded)


def _first_search(client: Client, limit: float = 120.0) -> tuple[float, dict[str, Any]]:
    started = time.perf_counter()
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        try:
            status, body = client.request("GET", f"/api/search?q={quote(QUESTION)}&limit=5")
        except OSError:
            status, body = 0, None
        if status == 200:
            return time.perf_counter() - started, dict(body)
        time.sleep(0.1)
    raise TimeoutError("no search answered 200 after the restore")


def restore_and_search(options: Options) -> Outcome:
    """Restore of a 500-document knowledgebase (real model) on a running server, then the first search."""
    from tests.bench.scenarios import Outcome

    outcome = Outcome()
    data = options.work_dir / "restore" / "data"
    data.parent.mkdir(parents=True, exist_ok=False)
    create_admin(data)
    with ServerProcess(data, log_path=options.work_dir / "restore" / "server.log") as server:
        server.wait_ready()
        token = api_token(server)
        with server.client(token, timeout=120) as client:
            started = time.perf_counter()
            _seed(data, client)
            before = _wait_settled(client)
            outcome.details["seed_seconds"] = round(time.perf_counter() - started, 1)
            status, job = client.request("POST", "/api/backups")
            if status != 202:
                raise RuntimeError(f"POST /api/backups answered {status}: {job}")
            backup = wait_job(server, token, job["id"])
            name = backup["result"]["name"]
            _drift(client)
            _wait_settled(client)
            since = datetime.now(UTC)
            started = time.perf_counter()
            status, job = client.request("POST", f"/api/backups/{name}/restore", {"confirm": name})
            if status != 202:
                raise RuntimeError(f"restore answered {status}: {job}")
        restored = wait_job(server, token, job["id"])  # a new client: the restore may end the old session
        if restored["status"] != "succeeded":
            raise RuntimeError(f"the restore failed: {restored['error']}")
        restore_s = time.perf_counter() - started
        with server.client(token, timeout=120) as client:
            search_s, found = _first_search(client)
            first_search_total = time.perf_counter() - started
            after = _wait_settled(client)
            settled_total = time.perf_counter() - started
    embedded_docs, embedded_chunks = _embedded_since(data / "devcell.db", since)
    outcome.add("documents", before["documents"]["indexed"], "")
    outcome.add("passages", before["chunks"], "")
    outcome.add("restore job", round(restore_s, 1), "s")
    outcome.add("restore + first search", round(first_search_total, 1), "s")
    outcome.add("restore until the index is consistent", round(settled_total, 1), "s")
    outcome.add("documents embedded again", embedded_docs, "")
    outcome.add("passages embedded again", embedded_chunks, "")
    outcome.details.update(
        first_search_seconds=round(search_s, 2),
        first_search_titles=[p["document_title"] for p in found["items"]],
        first_search_degraded=found.get("degraded"),
        restore_result_index=restored["result"].get("index"),
        vectors_after=after["vectors"],
        chunks_after=after["chunks"],
    )
    return outcome


SCENARIOS = {"restore": restore_and_search}
