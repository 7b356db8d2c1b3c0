"""Knowledge tests run on the hashing embedder (instant, deterministic) with the network blocked for the app:
proxy variables point at a closed port, so any outbound HTTP would fail."""

from __future__ import annotations

import time
from pathlib import Path

import httpx2
import pytest

from devcell.config import Config, load_config
from tests.conftest import Actor, set_llm
from tests.fakes.llm_server import closed_port

__all__ = ["set_llm"]  # tests of this package import it from here

FAKE_MODEL = "hashing-test"


@pytest.fixture(autouse=True)
def network_blocked(monkeypatch: pytest.MonkeyPatch) -> None:
    closed = f"http://127.0.0.1:{closed_port()}"
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"):
        monkeypatch.setenv(name, closed)
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")


@pytest.fixture
def config(tmp_path: Path) -> Config:
    return load_config({"DEVCELL_EMBEDDING_MODEL": FAKE_MODEL}, data_dir=tmp_path / "data")


def upload(actor: Actor, name: str, content: bytes, **fields: object) -> httpx2.Response:
    data = {k: str(v) for k, v in fields.items()}
    return actor.client.post(
        "/api/documents", headers=actor.headers, files={"file": (name, content, "application/octet-stream")}, data=data
    )


def uploaded(actor: Actor, name: str, content: bytes, **fields: object) -> dict[str, object]:
    """Upload and wait until indexing has finished; the final document."""
    response = upload(actor, name, content, **fields)
    assert response.status_code == 201, response.text
    return wait_done(actor, int(response.json()["id"]))


def wait_done(actor: Actor, document_id: int, timeout: float = 30.0) -> dict[str, object]:
    deadline = time.monotonic() + timeout
    while True:
        body = actor.get(f"/api/documents/{document_id}").json()
        if body["status"] in ("indexed", "failed") and body_job_finished(actor, body):
            return body  # type: ignore[no-any-return]
        assert time.monotonic() < deadline, f"document {document_id} still {body['status']}"
        time.sleep(0.05)


def body_job_finished(actor: Actor, body: dict[str, object]) -> bool:
    if not body.get("job_id"):
        return True
    job = actor.get(f"/api/jobs/{body['job_id']}")
    return job.status_code != 200 or job.json()["status"] in ("succeeded", "failed", "cancelled")


def wait_jobs(actor: Actor, timeout: float = 30.0) -> None:
    """Until no job of the app is queued or running."""
    deadline = time.monotonic() + timeout
    while True:
        jobs = actor.get("/api/jobs?everyone=true&limit=200").json()["items"]
        if all(j["status"] in ("succeeded", "failed", "cancelled") for j in jobs):
            return
        assert time.monotonic() < deadline, "jobs still running"
        time.sleep(0.05)


def note(actor: Actor, title: str, text: str, project_id: int | None = None) -> dict[str, object]:
    response = actor.post("/api/documents/notes", json={"title": title, "text": text, "project_id": project_id})
    assert response.status_code == 201, response.text
    return wait_done(actor, int(response.json()["id"]))
