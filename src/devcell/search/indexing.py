"""Indexing as tracked jobs (extract -> chunk -> embed -> upsert), the knowledgebase scan, and index repair."""

from __future__ import annotations

import hashlib
import logging
import os
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol, TypeVar

from peewee import Expression, fn

from devcell.core.db import run_sql, transaction, upsert, utcnow
from devcell.core.jobs import JobCancelled, JobContext, JobSnapshot
from devcell.documents.service import MANAGED_DIRS, Document, ExtractionFailed, default_title, extract, file_sha256
from devcell.projects import service as projects
from devcell.search._chunking import CHUNKER_VERSION, chunk
from devcell.search._index import EVERYONE, is_index_failure, is_unreachable
from devcell.search._remote import CANNOT_START, KnowledgeWorkerDown, KnowledgeWorkerGone
from devcell.search.models import Chunk, KnowledgeMeta
from devcell.search.runtime import Knowledge
from devcell.search.schemas import ScanOut, StatusOut

log = logging.getLogger(__name__)

T = TypeVar("T")
SCAN_SUFFIXES = {".md": "md", ".markdown": "md", ".txt": "txt", ".pdf": "pdf"}
JOB_KIND = "knowledge.index"
REBUILD_KIND = "knowledge.rebuild"


def vector_id(chunk_id: int) -> str:
    return f"c{chunk_id}"


def fingerprint(heading: str, text: str) -> str:
    """What a passage's vector was made from (the text the model saw, see chunking.Piece.embed_text), kept with
    the vector: a check after a restore keeps a vector only when its passage still has this fingerprint."""
    seen = f"{heading}\n{text}" if heading else text
    return hashlib.sha256(seen.encode("utf-8")).hexdigest()[:16]


def _chunk_ids(document_id: int) -> list[str]:
    rows = run_sql("SELECT id FROM chunk WHERE document_id = ?", (document_id,)).fetchall()
    return [vector_id(int(r[0])) for r in rows]


def _set(document_id: int, **changes: Any) -> None:
    with transaction(write=True):
        Document.update(updated_at=utcnow(), **changes).where(Document.id == document_id).execute()


def reset(document_id: int) -> None:
    """Forget what the document was indexed from, so the next job does the whole pipeline."""
    _set(document_id, indexed_sha256="", indexed_version="", status="queued", reason="")


def queue(kn: Knowledge, document_id: int, owner_id: int | None, out: T) -> T:
    """Start a tracked indexing job for the document; returns `out` with the job id filled in when it has one."""
    with transaction():
        document = Document.get_or_none(Document.id == document_id)
    if document is None:
        return out
    _set(document_id, status="queued", reason="")  # before the job starts: it may finish before submit returns
    job = kn.jobs.submit(JOB_KIND, f"Index {document.title}", lambda ctx: run_index(kn, document_id, ctx), owner_id)
    with transaction(write=True):
        Document.update(job_id=job.id).where(Document.id == document_id).execute()
    if hasattr(out, "job_id"):
        out = out.model_copy(update={"job_id": job.id, "status": "queued", "reason": ""})  # type: ignore[attr-defined]
    return out


class Progress(Protocol):
    """What the pipeline needs from its job: report progress, and stop at a safe point when cancelled."""

    def progress(self, done: int, total: int | None = None, message: str | None = None) -> None: ...

    def check_cancelled(self) -> None: ...


def run_index(kn: Knowledge, document_id: int, ctx: JobContext) -> dict[str, Any]:
    """The job: one document through the pipeline. Its status and reason always end up on the document."""
    with kn.index_lock:
        return _index_recorded(kn, document_id, ctx, check=True)


def _index_recorded(kn: Knowledge, document_id: int, ctx: Progress, check: bool = False) -> dict[str, Any]:
    try:
        if check:
            ensure_index(kn)
        return _index(kn, document_id, ctx)
    except JobCancelled:
        _set(document_id, status="failed", reason="Cancelled; use Retry to index it again.")
        raise
    except ExtractionFailed as exc:
        _set(document_id, status="failed", reason=str(exc))
        raise
    except KnowledgeWorkerDown:
        reason = f"{CANNOT_START}; the document is indexed once it does (an administrator sees why on the System page)."
        _set(document_id, status="failed", reason=reason)
        raise
    except Exception as exc:
        _set(document_id, status="failed", reason=f"Indexing failed: {exc or type(exc).__name__}")
        raise


def _index(kn: Knowledge, document_id: int, ctx: Progress) -> dict[str, Any]:
    with transaction():
        document = Document.get_or_none(Document.id == document_id)
    if document is None:
        return {"skipped": "the document was deleted"}
    path = kn.kb_dir / document.path
    if not path.is_file():
        raise ExtractionFailed("The file is missing from the knowledgebase directory.")
    version = kn.version()
    sha = file_sha256(path)
    if sha == document.indexed_sha256 and version == document.indexed_version and document.chunk_count > 0:
        _set(document_id, status="indexed", reason="", sha256=sha)
        return {"skipped": "unchanged", "chunks": document.chunk_count}
    _set(document_id, status="indexing", reason="")
    ctx.progress(0, None, "Reading the text")
    settings = kn.settings
    sections, pages = extract(
        path, document.kind, max_pages=settings.get_int("pdf_max_pages"),
        timeout=float(settings.get_int("extract_timeout_seconds")),
    )  # fmt: skip
    ctx.check_cancelled()
    embedder = kn.embedder()
    pieces = chunk(sections, embedder.count_tokens)
    total = len(pieces)

    def embedded(done: int) -> None:
        ctx.check_cancelled()
        ctx.progress(done, total, f"Embedding {done} of {total} passages")

    ctx.progress(0, total, f"Embedding {total} passages")
    vectors = embedder.embed([p.embed_text for p in pieces], progress=embedded)
    ctx.progress(total, total, "Saving")
    index = kn.index()
    stat = path.stat()
    with transaction(write=True):
        old = _chunk_ids(document_id)
        Chunk.delete().where(Chunk.document == document_id).execute()
        new_ids = []
        fingerprints = [fingerprint(p.heading, p.text) for p in pieces]
        for piece in pieces:  # one row per piece: identical paragraphs still get their own ids (upstream B13)
            row = Chunk.create(
                document=document_id, seq=piece.seq, heading=piece.heading, page=piece.page, text=piece.text
            )
            new_ids.append(row.id)
        Document.update(
            status="indexed", reason="", sha256=sha, indexed_sha256=sha, indexed_version=version, pages=pages,
            chunk_count=total, size=stat.st_size, mtime_ns=stat.st_mtime_ns, updated_at=utcnow(),
        ).where(Document.id == document_id).execute()  # fmt: skip
        # The scope as it is now: the document may have been moved to another project while it was embedded.
        project_id = Document.get_by_id(document_id).project_id
        # Vectors inside the unit of work: if the upsert fails, the chunk rows roll back with it.
        ids = [vector_id(i) for i in new_ids]
        _store(kn, lambda: index.upsert(ids, vectors, [project_id] * total, [document_id] * total, fingerprints))
    _store(kn, lambda: index.delete(old))
    return {"chunks": total, "pages": pages}


class IndexDamaged(Exception):
    """Chroma failed while storing vectors; the rebuild has started (the document is indexed again by it)."""


def _store(kn: Knowledge, write: Callable[[], None]) -> None:
    """A write to the index. When chroma fails (measured on a damaged chroma.sqlite3: "Error in compaction" on
    every upsert), the rebuild starts at once; a panic becomes an ordinary exception, so the job ends as failed
    instead of escaping the job runner."""
    try:
        write()
    except BaseException as exc:
        if not is_index_failure(exc):
            raise
        index_failed(kn, exc, "storing vectors")
        if kn.outage_checked_at is not None:
            raise IndexDamaged(f"{UNREACHABLE}; the document is indexed again when it answers") from exc
        raise IndexDamaged(
            f"the index failed while storing vectors ({type(exc).__name__}); it is being rebuilt"
        ) from exc


def rescope(kn: Knowledge, document_id: int, project_id: int | None) -> None:
    """Inside the caller's write unit of work: the document's vectors get its new project as their scope (the
    index's scope filter must agree with SQLite, which re-checks every hit anyway)."""
    ids = _chunk_ids(document_id)
    if ids:
        kn.index().set_project(ids, project_id, document_id)


def forget(kn: Knowledge, document: Document) -> None:
    """Delete a document: its vectors, its rows (chunks go with them) and its file."""
    with transaction():
        ids = _chunk_ids(document.id)
    if ids:
        try:
            kn.index().delete(ids)
        except KnowledgeWorkerDown as exc:  # deleting must work all the same: the vectors go with the next repair
            log.warning("%s; the %d vectors of %s are dropped once it starts", exc, len(ids), document.path)
    with transaction(write=True):
        Document.delete().where(Document.id == document.id).execute()
    (kn.kb_dir / document.path).unlink(missing_ok=True)
    if document.job_id:
        kn.jobs.cancel(document.job_id)


# The scan: files an admin places in the knowledgebase directory (outside DevCell's own folders).


def _files(kb_dir: Path) -> Iterator[tuple[str, os.stat_result]]:
    """(path relative to kb_dir, stat) of every regular file with a known suffix; no symlinks, no hidden files."""
    stack = [kb_dir]
    while stack:
        folder = stack.pop()
        try:
            entries = list(os.scandir(folder))
        except OSError:
            continue
        for entry in entries:
            if entry.name.startswith(".") or entry.is_symlink():
                continue
            if entry.is_dir(follow_symlinks=False):
                if folder != kb_dir or entry.name not in MANAGED_DIRS:
                    stack.append(Path(entry.path))
            elif entry.is_file(follow_symlinks=False) and Path(entry.name).suffix.lower() in SCAN_SUFFIXES:
                yield Path(entry.path).relative_to(kb_dir).as_posix(), entry.stat(follow_symlinks=False)


@dataclass
class _ScanPlan:
    add: list[tuple[str, os.stat_result]]
    changed: list[int]
    remove: list[Document]
    found: int


def _plan(kn: Knowledge, version: str) -> _ScanPlan:
    with transaction():
        known = {d.path: d for d in Document.select().where(Document.origin == "scan")}
    plan = _ScanPlan([], [], [], 0)
    seen = set()
    for relative, stat in _files(kn.kb_dir):
        plan.found += 1
        seen.add(relative)
        document = known.get(relative)
        if document is None:
            plan.add.append((relative, stat))
        elif (
            document.size != stat.st_size
            or document.mtime_ns != stat.st_mtime_ns
            or document.indexed_version != version
        ) and document.status != "indexing":
            plan.changed.append(document.id)
    plan.remove = [d for path, d in known.items() if path not in seen]
    return plan


def _adopt(kn: Knowledge, plan: _ScanPlan) -> list[int]:
    """Drop the documents whose files are gone and create rows for new files; returns the new documents' ids."""
    for document in plan.remove:
        forget(kn, document)
    now = utcnow()
    added = []
    # Titles are read before the write lock is taken: a Markdown file's first heading, else its file name.
    kinds = {relative: SCAN_SUFFIXES[Path(relative).suffix.lower()] for relative, _ in plan.add}
    titles = {r: default_title(kn.kb_dir / r, k) or Path(r).name[:200] for r, k in kinds.items()}
    with transaction(write=True):
        for relative, stat in plan.add:
            kind = kinds[relative]
            added.append(
                Document.create(
                    title=titles[relative], kind=kind, origin="scan", path=relative, size=stat.st_size,
                    mtime_ns=stat.st_mtime_ns, status="queued", created_at=now, updated_at=now,
                ).id
            )  # fmt: skip
    return added


def scan(kn: Knowledge) -> ScanOut:
    """Pick up new and changed files, drop removed ones. Unchanged files cost one stat each (no hashing).

    The scheduler calls this periodically; it only queues jobs, so it is quick."""
    started = time.perf_counter()
    plan = _plan(kn, kn.version())
    added = _adopt(kn, plan)
    for document_id in [*added, *plan.changed]:
        queue(kn, document_id, None, None)
    return ScanOut(
        found=plan.found, added=len(added), changed=len(plan.changed), removed=len(plan.remove),
        queued=len(added) + len(plan.changed), took_ms=round((time.perf_counter() - started) * 1000, 1),
    )  # fmt: skip


def resume(kn: Knowledge) -> int:
    """At start: documents left queued or indexing by the last process get a new job."""
    with transaction():
        waiting = [d.id for d in Document.select(Document.id).where(Document.status.in_(["queued", "indexing"]))]
    for document_id in waiting:
        queue(kn, document_id, None, None)
    return len(waiting)


# `devcell reindex`: everything embedded again into a fresh index (the server is stopped; see devcell.cli.data).


class _Within:
    """One document's progress inside the whole reindex: "Document 3 of 40 (title): Embedding 5 of 9 passages"."""

    def __init__(self, ctx: Progress, number: int, total: int, title: str) -> None:
        self.ctx, self.number, self.total, self.title = ctx, number, total, title

    def progress(self, done: int, total: int | None = None, message: str | None = None) -> None:
        where = f"Document {self.number + 1} of {self.total} ({self.title})"
        self.ctx.progress(self.number, self.total, f"{where}: {message}" if message else where)

    def check_cancelled(self) -> None:
        self.ctx.check_cancelled()


def reindex_all(kn: Knowledge, ctx: Progress) -> dict[str, Any]:
    """Throw the vector index away and embed every document again, one after another, after a scan of the
    knowledgebase directory. A failed document is recorded and the rest go on; on cancel the current and the
    remaining documents stay queued, and the next server start indexes them."""
    started = time.perf_counter()
    with kn.index_lock:
        kn.index().clear()
        version = kn.version()
        plan = _plan(kn, version)
        _adopt(kn, plan)
        with transaction(write=True):
            Document.update(indexed_sha256="", indexed_version="", status="queued", reason="", job_id=None).execute()
            upsert(KnowledgeMeta, key="index_version", value=version)
            documents = [(d.id, d.title) for d in Document.select(Document.id, Document.title).order_by(Document.id)]
        kn.checked = True  # this is the repair: no background repair job on top of it
        counts = {"documents": len(documents), "indexed": 0, "failed": 0, "chunks": 0}
        failures: list[str] = []
        for number, (document_id, title) in enumerate(documents):
            ctx.check_cancelled()
            try:
                result = _index_recorded(kn, document_id, _Within(ctx, number, len(documents), title))
            except JobCancelled:
                reset(document_id)
                raise
            except Exception as exc:
                counts["failed"] += 1
                failures.append(f"{title}: {exc or type(exc).__name__}")
                continue
            counts["indexed"] += 1
            counts["chunks"] += int(result.get("chunks", 0))
        ctx.progress(len(documents), len(documents), "Done")
    return {**counts, "failures": failures[:50], "seconds": round(time.perf_counter() - started, 1)}


# Consistency and repair: the index is derived data.


def _meta_version() -> str | None:
    row = KnowledgeMeta.get_or_none(KnowledgeMeta.key == "index_version")
    return None if row is None else str(row.value)


def repair(kn: Knowledge) -> dict[str, int]:
    """Make the vector index match SQLite: drop vectors of chunks that no longer exist, re-index documents whose
    vectors are missing (a deleted or corrupt index, another model or chunker). Runs as a job."""
    index = kn.index()
    version = kn.version()
    with transaction(write=True):
        if _meta_version() != version or index.reset_reason:
            # Another model/chunker (or a fresh index): every document's vectors are gone.
            Document.update(indexed_version="").execute()
            upsert(KnowledgeMeta, key="index_version", value=version)
    index.forget_reset()
    present = index.ids()
    with transaction():
        rows = run_sql("SELECT id, document_id FROM chunk").fetchall()
        chunk_docs = {int(c): int(d) for c, d in rows}
    orphans = [i for i in present if not i.startswith("c") or int(i[1:]) not in chunk_docs]
    index.delete(orphans)
    missing_docs = {d for c, d in chunk_docs.items() if vector_id(c) not in present}
    with transaction():
        rows = run_sql("SELECT id FROM document WHERE indexed_version != ?", (version,)).fetchall()
        stale = {int(r[0]) for r in rows}
    todo = sorted(missing_docs | stale)
    for document_id in todo:
        reset(document_id)
        queue(kn, document_id, None, None)
    return {"orphan_vectors": len(orphans), "documents_requeued": len(todo)}


def count_vectors(kn: Knowledge) -> int | None:
    """The index's vector count, or None when chroma fails (exception or panic): then the rebuild has started
    and search answers from keywords until it ends."""
    try:
        found = kn.index().count()
    except BaseException as exc:
        if not is_index_failure(exc):
            raise
        index_failed(kn, exc, "counting its vectors")
        return None
    rebuild_if_reset(kn)
    return found


def rebuild_if_reset(kn: Knowledge) -> None:
    """An index that could not be opened was moved aside and started empty (VectorIndex.collection): that
    needs the rebuild, whichever call happened to open it."""
    reset = kn.index().reset_reason if kn.index_opened() else None
    if reset:
        start_rebuild(kn, reset)


def needs_repair(kn: Knowledge) -> bool:
    """Cheap check on first use: the index was reset, built for another version, or its count is off. A count
    that fails has already started the rebuild (count_vectors), so no repair is needed on top of it."""
    with transaction(write=True):
        meta = _meta_version()
        chunks = Chunk.select().count()
        if meta is None and chunks == 0:  # a new knowledgebase: nothing to rebuild
            upsert(KnowledgeMeta, key="index_version", value=kn.version())
            meta = kn.version()
    vectors = count_vectors(kn)
    if vectors is None:
        return False
    return meta != kn.version() or vectors != chunks


def ensure_index(kn: Knowledge) -> None:
    """Once per process, on first knowledge use: open the index and, if it cannot be trusted, repair it in the
    background (search keeps answering from what is there). An index that could not be opened was moved aside
    and started empty: that is a rebuild, one at a time, and search says it is degraded until it ends."""
    if kn.checked:
        return
    kn.checked = True
    # needs_repair opens the index; one that cannot be opened was moved aside, and its rebuild has started.
    if needs_repair(kn) and not kn.index().reset_reason:
        log.warning("knowledge index needs repair (counts differ); repairing in the background")
        kn.jobs.submit("knowledge.repair", "Repair the knowledge index", lambda ctx: _locked_repair(kn))
    if kn.index_opened():  # a new knowledge worker answered: what failed while none could start is indexed now
        _queue_failed(kn, CANNOT_START)


def _queue_failed(kn: Knowledge, reason: str) -> None:
    """Queue again the documents whose indexing failed for `reason` (words of their stored reason)."""
    with transaction():
        waiting = [
            d.id
            for d in Document.select(Document.id).where(
                (Document.status == "failed") & Document.reason.contains(reason)
            )
        ]
    for document_id in waiting:
        queue(kn, document_id, None, None)


def _locked_repair(kn: Knowledge) -> dict[str, int]:
    with kn.index_lock:  # an index job commits chunks and vectors together; never look at half of one
        return repair(kn)


# Damage: search answers from keywords (degraded) while one rebuild job makes a new index.


def index_failed(kn: Knowledge, exc: BaseException, doing: str) -> None:
    """Chroma failed (an exception, or a panic in its Rust layer): rebuild the index at once, and let search
    answer from the keyword index meanwhile. Measured on a damaged chroma.sqlite3: opening works, then filtered
    queries, reads by id and writes fail; an unfiltered query may still answer from the HNSW files. A Chroma
    server that does not answer is an outage, not damage: search uses keywords until it answers (see settle)."""
    index = kn.index()
    if isinstance(exc, KnowledgeWorkerGone):  # the process died, not the index: the next call starts a new one
        log.error("knowledge index: %s; answering from keywords for now", exc)
        return
    if index.server_url and is_unreachable(exc):
        server_outage(kn, exc)
        return
    reason = f"the index failed while {doing} ({type(exc).__name__}: {str(exc)[:200]})"
    log.error("knowledge index: %s; answering from keywords and rebuilding it", reason, exc_info=exc)
    start_rebuild(kn, reason)


OUTAGE_RETRY_SECONDS = 10.0  # how often a search tries a Chroma server that did not answer
UNREACHABLE = "The Chroma server did not answer"  # a document's reason: indexed again when the server answers


def server_outage(kn: Knowledge, exc: BaseException) -> None:
    if kn.outage_checked_at is None:
        log.error("knowledge index: %s does not answer (%s); answering from keywords", kn.index().where, exc)
    kn.outage_checked_at = time.monotonic()
    kn.degraded = f"{kn.index().where} does not answer ({type(exc).__name__})"


def _outage_over(kn: Knowledge) -> bool:
    """Tried at most every OUTAGE_RETRY_SECONDS. When the server answers again, the first-use check runs again
    (the counts tell whether vectors went missing meanwhile) and the documents that failed for the outage are
    queued again."""
    assert kn.outage_checked_at is not None
    if time.monotonic() - kn.outage_checked_at < OUTAGE_RETRY_SECONDS:
        return False
    kn.outage_checked_at = time.monotonic()
    if not kn.index().answers():
        return False
    log.info("knowledge index: %s answers again", kn.index().where)
    kn.outage_checked_at = None
    kn.degraded = None
    kn.checked = False
    _queue_failed(kn, UNREACHABLE)
    ensure_index(kn)
    return True


def start_rebuild(kn: Knowledge, reason: str, owner_id: int | None = None) -> JobSnapshot:
    """Start the rebuild job, or return the one already queued or running (one at a time: two would embed
    everything twice). Search is degraded from now until it has ended (see settle)."""
    with kn.rebuild_lock:
        current = kn.jobs.get(kn.rebuild_job) if kn.rebuild_job else None
        if current is not None and not current.finished:
            return current
        kn.degraded = reason
        log.warning("rebuilding the knowledge index: %s", reason)
        job = kn.jobs.submit(
            REBUILD_KIND, "Rebuild the knowledge index", lambda ctx: rebuild(kn, ctx, reason), owner_id
        )
        kn.rebuild_job = job.id
        return job


def rebuild(kn: Knowledge, ctx: Progress, reason: str) -> dict[str, Any]:
    """Throw the index away (damaged or not: a new one is the same work and cannot fail on damage), queue every
    document for indexing, then remove the damaged copies moved aside. Under the index lock: an indexing job
    commits passages and vectors together, never half of one."""
    ctx.progress(0, None, "Emptying the index")
    with kn.index_lock:
        index = kn.index()
        removed = _vectors_or_none(kn)
        index.clear()
        ctx.check_cancelled()
        ctx.progress(0, None, "Queueing every document for indexing")
        repaired = repair(kn)
        leftovers = index.remove_leftovers()
    return {"reason": reason, "vectors_removed": removed, "leftovers_removed": leftovers} | repaired


def _vectors_or_none(kn: Knowledge) -> int | None:
    """How many vectors are thrown away, for the job's result; a damaged index may not say."""
    try:
        return kn.index().count()
    except BaseException as exc:
        if not is_index_failure(exc):
            raise
        return None


def settle(kn: Knowledge) -> str | None:
    """Why search is degraded now, or None. The degradation ends when the rebuild job has ended and no document
    waits for indexing any more (the index holds every passage it can); leftovers go with it."""
    if kn.degraded is None:
        return None
    if kn.outage_checked_at is not None:
        return None if _outage_over(kn) else kn.degraded
    job = kn.jobs.get(kn.rebuild_job) if kn.rebuild_job else None
    if job is not None and not job.finished:
        return kn.degraded
    with transaction():
        waiting = Document.select().where(Document.status.in_(["queued", "indexing"])).exists()
    if waiting:
        return kn.degraded
    kn.degraded = None
    if kn.index_opened():
        kn.index().remove_leftovers()
    log.info("knowledge index rebuilt; search uses it again")
    return None


# After a restore: keep what still matches, embed only the rest.


def reconcile(kn: Knowledge) -> dict[str, Any]:
    """Make the index match a restored database without embedding what it already holds. A vector is kept when
    a restored passage has its id, its document and its fingerprint (the text the model saw); every other vector
    goes (another timeline's passage under a reused id, another appliance's), and only the documents with a
    passage lacking a kept vector, or indexed with another model or chunker, are indexed again. Vectors made
    before fingerprints were kept cannot be checked and count as missing. Search answers from keywords while
    this runs (kn.verifying): until it ends, the index may describe the database from before the restore. If
    the check itself fails, nothing of the index is trusted: the full rebuild starts."""
    kn.checked = True  # this is the first-use check too: ensure_index must not start a weaker repair beside it
    with kn.index_lock:
        kn.verifying = True
        try:
            return _reconcile_locked(kn)
        except BaseException as exc:
            if not is_index_failure(exc):
                raise
            index_failed(kn, exc, "checking it against the restored database")
            return {"vectors_kept": 0, "vectors_dropped": None, "rebuilding": True}
        finally:
            kn.verifying = False


def _reconcile_locked(kn: Knowledge) -> dict[str, Any]:
    index = kn.index()
    entries = index.entries()
    index.forget_reset()  # a reset index is empty: every document is queued below anyway
    plan = _reconcile_plan(entries, kn.version())
    index.delete(plan.drop)
    for (document_id, project_id), ids in plan.rescope.items():
        index.set_project(ids, project_id, document_id)
    with transaction(write=True):
        upsert(KnowledgeMeta, key="index_version", value=kn.version())
    for document_id in plan.embed:
        reset(document_id)
    for document_id in sorted(plan.embed | plan.waiting):
        queue(kn, document_id, None, None)
    return {
        "vectors_kept": plan.kept, "vectors_dropped": len(plan.drop), "scopes_fixed": len(plan.rescope),
        "documents_requeued": len(plan.embed), "documents_resumed": len(plan.waiting - plan.embed),
        "leftovers_removed": index.remove_leftovers(),
    }  # fmt: skip


@dataclass
class _Reconciled:
    kept: int
    drop: list[str]
    rescope: dict[tuple[int, int | None], list[str]]  # (document, its project) -> vectors with another scope
    embed: set[int]  # documents to embed again
    waiting: set[int]  # documents the backup caught queued or indexing: they get their job again


def _reconcile_plan(entries: dict[str, dict[str, Any]], version: str) -> _Reconciled:
    """Compare every restored passage with the vector under its id (one pass over the chunk table)."""
    plan = _Reconciled(0, [], {}, set(), set())
    kept: set[str] = set()
    sql = (
        "SELECT c.id, c.document_id, c.heading, c.text, d.project_id "
        "FROM chunk c JOIN document d ON d.id = c.document_id"
    )
    with transaction():
        for chunk_id, document_id, heading, text, project_id in run_sql(sql):
            vid = vector_id(int(chunk_id))
            meta = entries.get(vid)
            if meta is None or meta.get("document_id") != document_id or meta.get("fp") != fingerprint(heading, text):
                plan.embed.add(int(document_id))
                continue
            kept.add(vid)
            if meta.get("project_id") != (EVERYONE if project_id is None else project_id):
                plan.rescope.setdefault((int(document_id), project_id), []).append(vid)
        rows = run_sql("SELECT id FROM document WHERE indexed_version != ? AND status != 'failed'", (version,))
        plan.embed.update(int(r[0]) for r in rows)
        rows = run_sql("SELECT id FROM document WHERE status IN ('queued', 'indexing')")
        plan.waiting.update(int(r[0]) for r in rows)
    plan.kept = len(kept)
    plan.drop = sorted(vid for vid in entries if vid not in kept)
    return plan


def _counts(visible: Expression | None) -> tuple[dict[str, int], int]:
    """Documents by status and their passages: all of them, or those matching `visible`."""
    counts = dict.fromkeys(("queued", "indexing", "indexed", "failed"), 0)
    documents = Document.select(Document.status, fn.COUNT(Document.id)).group_by(Document.status)
    chunks = Chunk.select().join(Document)
    if visible is not None:
        documents, chunks = documents.where(visible), chunks.where(visible)
    for state, n in projects.rows_of(documents):
        counts[str(state)] = int(n)
    return counts, int(chunks.count())


def status(kn: Knowledge, visible: Expression | None = None) -> StatusOut:
    """The index's state. With `visible` (a WHERE clause on documents, for a caller who is not an administrator)
    the counts are of the documents the caller may see, and index-wide figures are left out (the vector count,
    the model's path): they would tell an outsider how much a private project holds. None: the totals."""
    scoped = visible is not None
    with transaction():
        counts, chunks = _counts(visible)
        all_chunks = Chunk.select().count() if scoped else chunks
        meta = _meta_version()
    problems: list[str] = []
    ready = kn.model_ready()
    if ready:
        ensure_index(kn)
    if not ready:
        where = "" if scoped else f" from {kn.paths.model_root}"
        problems.append(f"The embedding model {kn.paths.model_id} is missing{where}.")
    vectors = None
    consistent = None
    if ready:
        vectors = count_vectors(kn)
        repairing = settle(kn)
        if meta not in (None, kn.version()) and all_chunks:
            problems.append("The index was built with another model or chunker; it is being rebuilt.")
        down = kn.worker.down() if kn.worker is not None else None
        if down is not None:
            problems.append(down)
        elif vectors is None and kn.outage_checked_at is not None:
            where = kn.index().where
            problems.append(
                f"{where[0].upper()}{where[1:]} does not answer; search answers from keywords until it does."
            )
        elif vectors is None:
            problems.append("The index cannot be read; it is being rebuilt, and search answers from keywords.")
        elif vectors != all_chunks:
            found = "does not match the passages" if scoped else f"holds {vectors} vectors for {all_chunks} passages"
            fix = "it is being rebuilt" if repairing or counts["queued"] + counts["indexing"] else "rebuild it"
            problems.append(f"The index {found}; {fix}.")
        consistent = not problems
    if counts["failed"]:
        problems.append(f"{counts['failed']} document(s) failed to index; each shows its reason.")
    embedder = kn.embedder() if ready else None
    return StatusOut(
        documents=counts, chunks=chunks, vectors=None if scoped else vectors, model=kn.paths.model_id,
        dimension=embedder.dimension if embedder else 0, chunker=CHUNKER_VERSION,
        model_ready=ready, consistent=consistent, problems=problems,
        unreachable=kn.paths.chroma_url if kn.outage_checked_at is not None else None,
    )  # fmt: skip


# Wiring: start-up work and the project-deletion hook.

_current: list[Knowledge] = []  # the running app's knowledge (one per process; tests replace it)


def start(kn: Knowledge) -> None:
    """At start, in the background: resume interrupted indexing, then scan the knowledgebase directory.
    (The scheduler calls `scan` periodically once it runs.)"""
    _current[:] = [kn]
    try:
        resumed = resume(kn)
        result = scan(kn)
    except Exception:
        log.exception("knowledge start-up scan failed; POST /api/knowledge/rescan retries it")
        return
    log.info(
        "knowledge: %d interrupted document(s) resumed; scan found %d file(s), %d new, %d changed, %d removed",
        resumed, result.found, result.added, result.changed, result.removed,
    )  # fmt: skip


def _project_deleted(project_id: int, _tasks: str, _user_id: int) -> None:
    """A deleted project takes its documents along (files, passages, vectors): never re-scoped to everyone."""
    documents = list(Document.select().where(Document.project == project_id))
    if not documents or not _current:
        return
    kn = _current[0]
    ids = [vid for d in documents for vid in _chunk_ids(d.id)]
    if ids and kn.index_opened():
        kn.index().delete(ids)  # otherwise the next repair drops them (they match no passage any more)
    Document.delete().where(Document.project == project_id).execute()
    for document in documents:
        (kn.kb_dir / document.path).unlink(missing_ok=True)


projects.on_project_deletion(_project_deleted)
