"""The Chroma vector index: derived data under <data>/index, opened on first use and rebuilt when it cannot be
trusted (missing, corrupt, or built with another model, dimension or chunker)."""

from __future__ import annotations

import hashlib
import logging
import shutil
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from devcell.core.db import utcnow

if TYPE_CHECKING:
    import numpy as np

log = logging.getLogger(__name__)

BROKEN = ".broken-"  # a damaged index moved aside: <index>.broken-<time>, removed after a successful rebuild
PREFIX = "chunks-"  # our collections; on a Chroma server nothing else is ever touched
EVERYONE = -1  # the project_id metadata of documents visible to everyone (Chroma metadata cannot be None)


def is_index_failure(exc: BaseException) -> bool:
    """Whether `exc` is chroma failing, which search answers from keywords (never a 500). Chroma's Rust layer
    panics on some damaged pages of chroma.sqlite3 (measured: 6 of 60 random damages panicked while opening), and
    pyo3's PanicException derives from BaseException, so `except Exception` lets it through."""
    if isinstance(exc, Exception):
        return True
    kind = type(exc)
    return kind.__name__ == "PanicException" and kind.__module__ == "pyo3_runtime"


def is_unreachable(exc: BaseException) -> bool:
    """Whether `exc` says the Chroma server did not answer (refused, reset, timed out), as opposed to an index
    that answered with an error: an outage is waited out, never repaired by throwing the index away."""
    import httpx

    if isinstance(exc, httpx.TransportError | ConnectionError | TimeoutError):
        return True
    # chromadb turns a refused first connection into this ValueError.
    return isinstance(exc, ValueError) and "Could not connect to a Chroma server" in str(exc)


def _ensure_database(host: str, port: int, ssl: bool, name: str) -> None:
    """Our database on the server, created on first use (another process may create it at the same moment)."""
    import chromadb
    from chromadb.api.shared_system_client import SharedSystemClient
    from chromadb.config import Settings
    from chromadb.errors import NotFoundError

    admin = chromadb.AdminClient(
        Settings(
            anonymized_telemetry=False,
            chroma_api_impl="chromadb.api.fastapi.FastAPI",
            chroma_server_host=host,
            chroma_server_http_port=port,
            chroma_server_ssl_enabled=ssl,
        )
    )
    _limit_waits(admin)
    try:
        admin.get_database(name)
    except NotFoundError:
        try:
            admin.create_database(name)
        except Exception as exc:
            if "already exists" not in str(exc):
                raise
    finally:  # AdminClient has no close(): release its system as Client.close does, and its connections
        _close_connections(admin)
        SharedSystemClient._release_system(admin._identifier)  # type: ignore[attr-defined]


# chromadb's HTTP client waits forever (httpx timeout None): a server host that is down without refusing would
# hang every search. A connection gets 5 s; a request 120 s (a large upsert on a busy server is slow, not dead).
SERVER_TIMEOUT = (5.0, 120.0)


def _http_sessions(client: Any) -> list[Any]:
    """The httpx.Client of a chromadb HTTP client, and of the admin client every HttpClient makes for itself (on a
    system of its own). chromadb 1.5 gives no other handle on them."""
    holders = (client, getattr(client, "_admin_client", None))
    found = (getattr(getattr(holder, "_server", None), "_session", None) for holder in holders)
    return [session for session in found if session is not None]


def _limit_waits(client: Any) -> None:
    import httpx

    connect, whole = SERVER_TIMEOUT
    for session in _http_sessions(client):
        session.timeout = httpx.Timeout(whole, connect=connect)


def _close_connections(client: Any) -> None:
    """chromadb 1.5's HTTP client never closes its httpx.Client, not even when its system stops: its sockets stay
    open until garbage collection (and warn then). Closing the client must close them."""
    for session in _http_sessions(client):
        session.close()


def location(path: Path, server_url: str | None, database: str) -> str:
    """Where an index lives, for messages: the embedded index's folder or the server's URL."""
    return f"the Chroma server at {server_url} (database {database})" if server_url else str(path)


class VectorIndex:
    """Vectors only, keyed by chunk id ("c<id>"), with the document's project for scope filtering. Embedded under
    `path`, or on the Chroma server at `server_url` (then `path` is unused)."""

    def __init__(
        self,
        path: Path,
        model_id: str,
        dimension: int,
        version: str,
        server_url: str | None = None,
        database: str = "devcell",
    ) -> None:
        self.path = path
        self.server_url = server_url
        self.database = database
        self.model_id = model_id
        self.dimension = dimension
        self.version = version
        self.name = PREFIX + hashlib.sha256(version.encode()).hexdigest()[:16]
        self._collection: Any = None
        self._client: Any = None
        self._lock = threading.Lock()
        self.reset_reason: str | None = None  # why the last open started from an empty index

    @property
    def where(self) -> str:
        """Where the index lives, for messages: the embedded index's folder or the server's URL."""
        return location(self.path, self.server_url, self.database)

    def _client_for(self) -> Any:
        import chromadb
        from chromadb.config import Settings

        if self.server_url:
            url = urlsplit(self.server_url)
            host, port, ssl = url.hostname or "", url.port or 8000, url.scheme == "https"
            _ensure_database(host, port, ssl, self.database)
            client = chromadb.HttpClient(
                host=host, port=port, ssl=ssl, settings=Settings(anonymized_telemetry=False), database=self.database
            )
            _limit_waits(client)
            return client
        self.path.mkdir(parents=True, exist_ok=True)
        return chromadb.PersistentClient(
            path=str(self.path), settings=Settings(anonymized_telemetry=False, allow_reset=True)
        )

    def _connect(self) -> Any:
        from devcell.search._chroma import DevCellEmbeddingFunction

        client = self._client_for()
        try:
            for existing in client.list_collections():
                # Built with another model or chunker: not ours any more. A server may hold other collections.
                if existing.name != self.name and existing.name.startswith(PREFIX):
                    log.info("knowledge index: dropping collection %s (built with another version)", existing.name)
                    client.delete_collection(existing.name)
            collection = client.get_or_create_collection(
                self.name,
                embedding_function=DevCellEmbeddingFunction(self.model_id),
                metadata={"version": self.version, "dimension": self.dimension},
                configuration={"hnsw": {"space": "cosine"}},
            )
            collection.count()  # reads the segment: a damaged index fails here, not in the middle of a search
        except BaseException:
            if self.server_url:  # a server that does not answer: its connections are not kept for the next try
                _close_connections(client)
                client.close()
            raise
        return client, collection

    def collection(self) -> Any:
        with self._lock:
            if self._collection is None:
                try:
                    self._client, self._collection = self._connect()
                except BaseException as exc:
                    # A server that does not answer is not a damaged index: search uses keywords until it does.
                    if not is_index_failure(exc) or self.server_url:
                        raise
                    # Derived data: move the damaged index aside and start empty; the caller re-indexes.
                    log.exception("knowledge index at %s cannot be opened; rebuilding it", self.path)
                    self.reset_reason = f"the index could not be opened ({type(exc).__name__}: {exc})"
                    self._discard()
                    self._client, self._collection = self._connect()
            return self._collection

    def _release(self) -> None:
        """Close our client and drop chroma's per-path system cache, so the next open reads the disk again."""
        from chromadb.api.shared_system_client import SharedSystemClient

        if self._client is not None:
            try:
                if self.server_url:
                    _close_connections(self._client)
                self._client.close()
            except Exception:  # a damaged index may fail to close; it is being thrown away
                log.debug("closing the chroma client failed", exc_info=True)
        if self.server_url:
            self._client = None
            self._collection = None
            return
        system = SharedSystemClient._identifier_to_system.pop(str(self.path), None)
        SharedSystemClient._identifier_to_refcount.pop(str(self.path), None)
        if system is not None:
            try:
                system.stop()
            except Exception:
                log.debug("stopping the chroma system failed", exc_info=True)
        self._client = None
        self._collection = None

    def _discard(self) -> None:
        if self.server_url:
            self._drop_collection()
            self._release()
            return
        self._release()
        if self.path.exists():
            aside = self.path.with_name(f"{self.path.name}{BROKEN}{utcnow():%Y%m%dT%H%M%S}")
            shutil.rmtree(aside, ignore_errors=True)
            self.path.rename(aside)
            shutil.rmtree(aside, ignore_errors=True)

    def _drop_collection(self) -> None:
        """On a server, starting empty means deleting our collection (there is no folder to move aside)."""
        client = self._client or self._client_for()
        try:
            client.delete_collection(self.name)
        except Exception as exc:  # not there yet: already empty
            if "does not exist" not in str(exc):
                raise
        finally:
            if client is not self._client:
                _close_connections(client)
                client.close()

    def leftovers(self) -> list[Path]:
        """Damaged indexes moved aside that are still on disk (their removal can fail while chroma's threads
        still hold files in them)."""
        return sorted(self.path.parent.glob(self.path.name + BROKEN + "*"))

    def remove_leftovers(self) -> int:
        """Delete the damaged indexes moved aside; returns how many were there. Called once a rebuild has
        succeeded: the index is derived data, and a broken copy only fills the disk."""
        found = self.leftovers()
        for path in found:
            if path.is_dir() and not path.is_symlink():
                shutil.rmtree(path, ignore_errors=True)
            else:
                path.unlink(missing_ok=True)
        return len(found)

    def clear(self) -> None:
        """Start from an empty index (`devcell reindex`): the old one is deleted, the next use creates it."""
        with self._lock:
            self._discard()
            self.reset_reason = None

    def forget_reset(self) -> None:
        """The rebuild that a reset index needs has started: the reason is told once."""
        self.reset_reason = None

    def answers(self) -> bool:
        """Whether the index can be used now: for a server, one heartbeat (an outage ends when this is true)."""
        try:
            self.collection().count()
        except BaseException as exc:
            if not is_index_failure(exc):
                raise
            return False
        return True

    @property
    def opened(self) -> bool:
        return self._collection is not None

    def close(self) -> None:
        with self._lock:
            if self._client is not None:
                self._release()

    def count(self) -> int:
        return int(self.collection().count())

    def ids(self) -> set[str]:
        found: set[str] = set()
        offset = 0
        while True:
            page = self.collection().get(include=[], limit=5000, offset=offset)
            found.update(page["ids"])
            if len(page["ids"]) < 5000:
                return found
            offset += 5000

    def entries(self) -> dict[str, dict[str, Any]]:
        """Every vector's metadata by id (no vectors): what a check after a restore compares with the passages."""
        found: dict[str, dict[str, Any]] = {}
        offset = 0
        while True:
            page = self.collection().get(include=["metadatas"], limit=5000, offset=offset)
            found.update(zip(page["ids"], (dict(m or {}) for m in page["metadatas"]), strict=True))
            if len(page["ids"]) < 5000:
                return found
            offset += 5000

    def upsert(
        self,
        ids: list[str],
        vectors: np.ndarray,
        projects: Sequence[int | None],
        documents: list[int],
        fingerprints: Sequence[str],
    ) -> None:
        """`fingerprints`: each passage's fingerprint (indexing.fingerprint), so that a check after a restore can
        tell a vector that belongs to the restored passage from one of another passage with the same id."""
        metadatas = [
            {"project_id": EVERYONE if p is None else p, "document_id": d, "fp": f}
            for p, d, f in zip(projects, documents, fingerprints, strict=True)
        ]
        for start in range(0, len(ids), 1000):
            end = start + 1000
            self.collection().upsert(ids=ids[start:end], embeddings=vectors[start:end], metadatas=metadatas[start:end])

    def set_project(self, ids: list[str], project_id: int | None, document_id: int) -> None:
        if ids:
            meta = {"project_id": EVERYONE if project_id is None else project_id, "document_id": document_id}
            self.collection().update(ids=ids, metadatas=[meta] * len(ids))

    def delete(self, ids: list[str]) -> None:
        for start in range(0, len(ids), 5000):
            self.collection().delete(ids=ids[start : start + 5000])

    def query(self, vector: np.ndarray, k: int, projects: set[int] | None) -> list[tuple[str, float]]:
        """(chunk vector id, cosine similarity) best first; `projects` None means every scope."""
        where = None if projects is None else {"project_id": {"$in": [EVERYONE, *sorted(projects)]}}
        # A metadata filter makes chroma pre-filter through its SQLite (75 ms at 20,000 vectors, growing with
        # the index); callers try without one first and filter in our database (see retrieval.search).
        found = self.collection().query(query_embeddings=[vector], n_results=k, where=where, include=["distances"])
        return [(i, 1.0 - float(d)) for i, d in zip(found["ids"][0], found["distances"][0], strict=True)]

    def vectors(self, ids: list[str]) -> dict[str, np.ndarray]:
        import numpy as np

        if not ids:
            return {}
        found = self.collection().get(ids=ids, include=["embeddings"])
        return {i: np.asarray(v) for i, v in zip(found["ids"], found["embeddings"], strict=True)}
