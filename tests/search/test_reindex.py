"""reindex_all (behind `devcell reindex`): a fresh index with every document, failures recorded and skipped, and a
cancel that leaves the rest queued for the next start. tests/test_cli.py runs it through the command."""

from __future__ import annotations

import pytest
from starlette.applications import Starlette

from devcell.core.jobs import JobCancelled
from devcell.search import indexing
from devcell.search.runtime import KNOWLEDGE, Knowledge
from tests.conftest import Actor
from tests.documents.conftest import note, wait_jobs


class Steps:
    """A job context that records progress and cancels once `cancel_at` documents were started."""

    def __init__(self, cancel_at: int | None = None) -> None:
        self.messages: list[str] = []
        self.cancel_at = cancel_at

    def progress(self, done: int, total: int | None = None, message: str | None = None) -> None:
        self.messages.append(message or "")

    def check_cancelled(self) -> None:
        started = len({m.split(": ")[0] for m in self.messages if m.startswith("Document")})
        if self.cancel_at is not None and started >= self.cancel_at:
            raise JobCancelled()


def statuses(admin: Actor) -> dict[str, str]:
    return {d["title"]: d["status"] for d in admin.get("/api/documents").json()["items"]}


def test_reindex_all_rebuilds_the_index(app: Starlette, admin: Actor) -> None:
    for n in range(3):
        note(admin, f"Note {n}", f"Paragraph number {n} about pelicans.")
    kn: Knowledge = app.state.need(KNOWLEDGE)
    kn.index().delete(sorted(kn.index().ids())[:2])  # damage: two vectors lost
    result = indexing.reindex_all(kn, Steps())
    assert (result["documents"], result["indexed"], result["failed"], result["chunks"]) == (3, 3, 0, 3)
    assert kn.index().count() == 3
    status = admin.get("/api/knowledge/status").json()
    assert status["consistent"] is True
    assert status["vectors"] == 3


def test_a_cancel_leaves_the_rest_queued(app: Starlette, admin: Actor) -> None:
    for n in range(3):
        note(admin, f"Note {n}", f"Paragraph number {n}.")
    wait_jobs(admin)
    steps = Steps(cancel_at=2)
    with pytest.raises(JobCancelled):
        indexing.reindex_all(app.state.need(KNOWLEDGE), steps)
    assert sorted(statuses(admin).values()) == ["indexed", "queued", "queued"]
    assert steps.messages[0].startswith("Document 1 of 3 (Note 0)")


def test_progress_names_each_document(app: Starlette, admin: Actor) -> None:
    note(admin, "Only one", "Text.")
    steps = Steps()
    indexing.reindex_all(app.state.need(KNOWLEDGE), steps)
    assert any(m.startswith("Document 1 of 1 (Only one): ") for m in steps.messages)
    assert steps.messages[-1] == "Done"
