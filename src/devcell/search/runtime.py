"""The search slice's long-lived parts: paths, the embedding model and the vector index, opened on first use
(idle memory stays small until someone uses the knowledgebase), and the retrieval trace log."""

from __future__ import annotations

import contextlib
import logging
import logging.handlers
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from devcell.core.config import Config
from devcell.core.jobs import JobRunner
from devcell.core.state import Key
from devcell.documents.service import make_dirs
from devcell.search._chunking import CHUNKER_VERSION
from devcell.search._index import VectorIndex, location
from devcell.search._remote import KnowledgeWorker, RemoteEmbedder, RemoteIndex
from devcell.search.embedding import Embedder, ModelMissing, load_embedder
from devcell.settings.service import SettingsStore

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Paths:
    kb_dir: Path
    index_dir: Path
    logs_dir: Path
    model_root: Path
    model_id: str
    chroma_url: str | None = None
    chroma_database: str = "devcell"
    # The model and the index in the knowledge worker process (search.worker), not in this one.
    in_worker: bool = False


class Knowledge:
    def __init__(self, paths: Paths, settings: SettingsStore, jobs: JobRunner) -> None:
        self.paths = paths
        self.settings = settings
        self.jobs = jobs
        self._embedder: Embedder | None = None
        self._index: VectorIndex | RemoteIndex | None = None
        self.worker: KnowledgeWorker | None = None  # with paths.in_worker, once the model is known
        self._lock = threading.Lock()
        # One document embeds at a time: two would double the peak memory (budget: 600 MB while indexing).
        self.index_lock = threading.Lock()
        self.rag_log = _rag_logger(paths.logs_dir)
        self.checked = False  # ensure_index ran in this process
        # Why search answers from keywords (the index failed or is being rebuilt); None: the index is trusted.
        self.degraded: str | None = None
        self.rebuild_job: str | None = None  # the rebuild started last: one at a time
        self.rebuild_lock = threading.Lock()
        self.verifying = False  # the index is being checked against a restored database: search uses keywords
        # A Chroma server that does not answer: when it was last tried (monotonic seconds), None when it answers.
        self.outage_checked_at: float | None = None
        make_dirs(paths.kb_dir)  # the documents slice's folders: the scan must find them, even before an upload

    @property
    def kb_dir(self) -> Path:
        return self.paths.kb_dir

    def embedder(self) -> Embedder:
        with self._lock:
            _import_numpy()
            embedder = self._loaded_embedder()
        # Read on every use, so a changed setting applies without a restart.
        embedder.unload_after(60.0 * self.settings.get_int("model_idle_minutes"))
        return embedder

    def model_ready(self) -> bool:
        try:
            self.embedder()
        except ModelMissing:
            return False
        return True

    def version(self) -> str:
        """What a document's vectors were made with; another value means: index it again."""
        return _version_of(self.embedder())

    def index(self) -> VectorIndex | RemoteIndex:
        with self._lock:
            _import_numpy()
            if self._index is None:
                embedder = self._loaded_embedder()
                paths = self.paths
                if self.worker is not None:
                    where = location(paths.index_dir, paths.chroma_url, paths.chroma_database)
                    self._index = RemoteIndex(self.worker, paths.index_dir, paths.chroma_url, where)
                else:
                    self._index = VectorIndex(
                        paths.index_dir, paths.model_id, embedder.dimension, _version_of(embedder), paths.chroma_url,
                        paths.chroma_database,
                    )  # fmt: skip
            return self._index

    def _loaded_embedder(self) -> Embedder:
        """Under the lock: the embedder, made on first use. With a worker, this process knows the model (its id,
        dimension and files) and the worker runs it."""
        if self._embedder is None:
            local = load_embedder(self.paths.model_root, self.paths.model_id)
            if not self.paths.in_worker:
                self._embedder = local
                return local
            self.worker = KnowledgeWorker(self._worker_spec(local))
            self.worker.on_start = self._worker_started
            self._embedder = RemoteEmbedder(local, self.worker)
        return self._embedder

    def _worker_spec(self, local: Embedder) -> dict[str, object]:
        paths = self.paths
        return {
            "model_root": str(paths.model_root), "model_id": paths.model_id, "index_dir": str(paths.index_dir),
            "dimension": local.dimension, "version": _version_of(local),
            "chroma_url": paths.chroma_url, "chroma_database": paths.chroma_database,
        }  # fmt: skip

    def _worker_started(self) -> None:
        """A new worker opens the index afresh (it may find it damaged, or changed while none ran): the first-use
        check runs again."""
        self.checked = False

    def observing(self) -> contextlib.AbstractContextManager[None]:
        """Knowledge calls in this block only look (a health check, a metric): they do not keep the knowledge
        worker from stopping when idle."""
        return self.worker.observing() if self.worker is not None else contextlib.nullcontext()

    def index_opened(self) -> bool:
        return self._index is not None and self._index.opened

    def index_round_trip_ms(self) -> float | None:
        """One read of the vector index (its count), timed: on a Chroma server, a round trip. None before the index
        is opened in this process (opening it would load the model: idle memory stays small) or while it fails."""
        if not self.index_opened() or self.outage_checked_at is not None:
            return None
        started = time.perf_counter()
        try:
            with self.observing():
                self.index().count()
        except Exception:
            return None  # the searches and the indexing jobs notice an outage and say so; this is only a timing
        return round((time.perf_counter() - started) * 1000, 2)

    def close(self) -> None:
        if self._index is not None:
            self._index.close()
        if self.worker is not None:
            self.worker.stop()


def _version_of(embedder: Embedder) -> str:
    """What vectors made by `embedder` are: its model, their size and the chunker that cut the passages."""
    return f"{embedder.model_id}/{embedder.dimension}/{CHUNKER_VERSION}"


def _import_numpy() -> None:
    """numpy's first import, under the knowledge lock. Two threads importing it for the first time at once (a search
    embedding its question while an indexing job opens chroma, which imports numpy.typing) fail with "cannot import
    name 'NDArray' from partially initialized module" (seen under a real server, once per start at most)."""
    import numpy  # noqa: F401


def from_config(config: Config, settings: SettingsStore, jobs: JobRunner) -> Knowledge:
    paths = Paths(
        config.kb_dir,
        config.index_dir,
        config.logs_dir,
        config.model_dir,
        config.embedding_model,
        config.chroma_url,
        config.chroma_database,
        config.knowledge_process,
    )
    return Knowledge(paths, settings, jobs)


def _rag_logger(logs_dir: Path) -> logging.Logger:
    """<data>/logs/rag.log: one JSON line per question (question, chunk ids, scores, timings; no secrets)."""
    logger = logging.getLogger(f"devcell.rag.{logs_dir}")
    logger.propagate = False
    logger.setLevel(logging.INFO)
    if not logger.handlers:
        logs_dir.mkdir(parents=True, exist_ok=True)
        handler = logging.handlers.RotatingFileHandler(
            logs_dir / "rag.log", maxBytes=5_000_000, backupCount=3, encoding="utf-8", delay=True
        )
        handler.setFormatter(logging.Formatter("%(asctime)s %(message)s"))
        logger.addHandler(handler)
    return logger


KNOWLEDGE: Key[Knowledge] = Key("knowledge runtime")
