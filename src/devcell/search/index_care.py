"""The vector index as operations sees it: its consistency on the health page, the rebuild that fixes it, and the
check after a restore (the index described the database from before the restore, not the restored one).

Everything goes through the search slice's own functions (status, repair, its index and lock): the index is
its derived data, this module only decides when it must be rebuilt."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import orjson

from devcell.backups.service import INDEX_MARKER
from devcell.core.jobs import JobRunner, JobSnapshot
from devcell.core.state import Key
from devcell.search import indexing
from devcell.search._remote import WorkerTrouble
from devcell.search.runtime import Knowledge

log = logging.getLogger(__name__)

JOB_KIND = indexing.REBUILD_KIND


class IndexCare:
    def __init__(self, knowledge: Knowledge, runner: JobRunner, data_dir: Path) -> None:
        self.knowledge = knowledge
        self.runner = runner
        self.marker = data_dir / INDEX_MARKER

    # -- the health check --

    def status(self) -> Any | None:
        """The knowledge slice's status, or None while the index has not been opened in this process: the health
        page must not load the model and the index just to look at them (idle memory stays small)."""
        if not self.knowledge.index_opened():
            return None
        with self.knowledge.observing():
            return indexing.status(self.knowledge)

    def worker_trouble(self) -> WorkerTrouble | None:
        worker = self.knowledge.worker
        return worker.trouble() if worker is not None else None

    # -- the rebuild --

    def start_rebuild(self, reason: str, owner_id: int | None = None) -> JobSnapshot:
        """The knowledge slice's rebuild job (the Rebuild button, another model after a restore); one at a time:
        while one is queued or running, that one is returned."""
        return indexing.start_rebuild(self.knowledge, reason, owner_id)

    # -- after a restore --

    def check_after_restore(self) -> str | None:
        """If a restore left its marker: rebuild when needed. Returns what was decided (None: no marker)."""
        try:
            left: dict[str, Any] = orjson.loads(self.marker.read_bytes())
        except (OSError, orjson.JSONDecodeError):
            if not self.marker.exists():
                return None
            left = {}  # unreadable: decide as if nothing were known
        try:
            outcome = self._decide(left.get("embedding_model"), left.get("chunks"))
        except Exception:
            log.exception("checking the knowledge index after the restore failed; the marker stays for a retry")
            return "The index could not be checked after the restore; see the log."
        self.marker.unlink(missing_ok=True)
        log.info("knowledge index after the restore: %s", outcome)
        return outcome

    def _decide(self, archive_model: str | None, passages: int | None) -> str:
        kn = self.knowledge
        installed = kn.paths.model_id
        if archive_model and archive_model != installed:
            reason = f"the backup's vectors were made with {archive_model}; this appliance uses {installed}"
            self.start_rebuild(reason)
            return f"Rebuilding the index: {reason}."
        if passages == 0 and not kn.index_opened():
            # Nothing to embed, and no reason to load the model for it: stale vectors of an index on disk are
            # dropped by the knowledge slice's own check when it is first used.
            return "The restored database has no passages; there is nothing to index."
        if not kn.model_ready():
            return f"The embedding model {installed} is missing; the index is rebuilt once it is installed."
        return self._reconcile()

    def _reconcile(self) -> str:
        """Keep the vectors that still belong to the restored passages and embed only the rest: a restore of a
        large knowledgebase costs minutes, not the hours of embedding everything again on a Pi."""
        found = indexing.reconcile(self.knowledge)
        if found.get("rebuilding"):
            return "The index could not be checked against the restored database; it is being rebuilt."
        kept, todo = found["vectors_kept"], found["documents_requeued"]
        if not todo and not found["vectors_dropped"]:
            return f"The index matches the restored database ({kept} vectors)."
        return (
            f"Kept {kept} vectors that match the restored passages, dropped {found['vectors_dropped']}; "
            f"{todo} document(s) are being indexed again."
        )


INDEX_CARE: Key[IndexCare] = Key("index care")
