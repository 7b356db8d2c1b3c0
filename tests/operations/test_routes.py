"""The tracked-jobs API over HTTP: listing, reading, cancelling and following a job."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import orjson
import pytest
from starlette.applications import Starlette
from starlette.testclient import TestClient

from devcell.core.jobs import JOBS, JobContext, JobRunner
from tests.conftest import Actor
from tests.waiting import wait_until

WAIT = 5.0


@pytest.fixture
def jobs(app: Starlette, client: TestClient) -> JobRunner:
    """The running app's job runner (the client fixture started its lifespan)."""
    runner: JobRunner = app.state.need(JOBS)
    return runner


def blocking_job(started: threading.Event) -> Callable[[JobContext], Any]:
    def run(ctx: JobContext) -> None:
        started.set()
        while True:
            ctx.check_cancelled()
            time.sleep(0.005)

    return run


def wait_status(actor: Actor, job_id: str, status: str) -> dict[str, Any]:
    def reached() -> dict[str, Any] | None:
        body: dict[str, Any] = actor.get(f"/api/jobs/{job_id}").json()
        return body if body["status"] == status else None

    return wait_until(reached, WAIT, f"job {job_id} reached {status}")


def finished_job(jobs: JobRunner, actor: Actor, title: str = "Quick") -> str:
    job = jobs.submit("test", title, lambda ctx: "ok", int(actor.user["id"]))
    wait_status(actor, job.id, "succeeded")
    return job.id


def test_jobs_list_shows_only_your_own(jobs: JobRunner, admin: Actor, user: Actor) -> None:
    mine = finished_job(jobs, user, "mine")
    finished_job(jobs, admin, "theirs")
    body = user.get("/api/jobs").json()
    assert ([j["id"] for j in body["items"]], body["total"]) == ([mine], 1)


def test_jobs_list_everyone_is_ignored_for_users(jobs: JobRunner, admin: Actor, user: Actor) -> None:
    finished_job(jobs, user)
    finished_job(jobs, admin)
    assert user.get("/api/jobs", params={"everyone": "true"}).json()["total"] == 1


def test_jobs_list_everyone_shows_all_to_admins(jobs: JobRunner, admin: Actor, user: Actor) -> None:
    finished_job(jobs, user)
    finished_job(jobs, admin)
    assert admin.get("/api/jobs").json()["total"] == 1
    assert admin.get("/api/jobs", params={"everyone": "true"}).json()["total"] == 2


def test_jobs_list_paginates(jobs: JobRunner, user: Actor) -> None:
    ids = [finished_job(jobs, user, title) for title in ("a", "b", "c")]
    body = user.get("/api/jobs", params={"limit": 2, "offset": 1}).json()
    assert ([j["id"] for j in body["items"]], body["total"], body["limit"], body["offset"]) == (
        [ids[1], ids[0]],
        3,
        2,
        1,
    )


def test_jobs_list_refuses_unknown_query_parameters(user: Actor) -> None:
    response = user.get("/api/jobs", params={"owner": "1"})
    assert response.status_code == 422
    assert response.json()["error"]["detail"][0]["field"] == "query.owner"


def test_job_get_returns_result(jobs: JobRunner, user: Actor) -> None:
    job_id = finished_job(jobs, user)
    body = user.get(f"/api/jobs/{job_id}").json()
    assert (body["status"], body["result"], body["title"]) == ("succeeded", "ok", "Quick")


def test_job_get_of_another_users_job_is_404(jobs: JobRunner, admin: Actor, user: Actor) -> None:
    job_id = finished_job(jobs, admin)
    response = user.get(f"/api/jobs/{job_id}")
    assert (response.status_code, response.json()["error"]["code"]) == (404, "job_not_found")


def test_job_get_of_an_unknown_job_is_404(user: Actor) -> None:
    assert user.get("/api/jobs/no-such-job").status_code == 404


def test_job_cancel_answers_202_and_the_job_ends_cancelled(jobs: JobRunner, user: Actor) -> None:
    started = threading.Event()
    job = jobs.submit("test", "Endless", blocking_job(started), int(user.user["id"]))
    assert started.wait(WAIT)
    response = user.post(f"/api/jobs/{job.id}/cancel")
    assert (response.status_code, response.json()["id"]) == (202, job.id)
    assert wait_status(user, job.id, "cancelled")["message"] == "Cancelled"


def test_job_cancel_of_a_finished_job_is_409(jobs: JobRunner, user: Actor) -> None:
    job_id = finished_job(jobs, user)
    response = user.post(f"/api/jobs/{job_id}/cancel")
    assert (response.status_code, response.json()["error"]["code"]) == (409, "job_finished")


def test_job_cancel_of_another_users_job_is_404_and_does_not_cancel(jobs: JobRunner, admin: Actor, user: Actor) -> None:
    started = threading.Event()
    job = jobs.submit("test", "Endless", blocking_job(started), int(admin.user["id"]))
    assert started.wait(WAIT)
    response = user.post(f"/api/jobs/{job.id}/cancel")
    still = jobs.get(job.id)
    jobs.cancel(job.id)
    assert response.status_code == 404
    assert still is not None
    assert still.status == "running"


def read_events(lines: Iterator[str]) -> list[dict[str, Any]]:
    """Parse `event: job` / `data: {...}` pairs until the stream ends."""
    events: list[dict[str, Any]] = []
    name = None
    for line in lines:
        if line.startswith("event: "):
            name = line[len("event: ") :]
        elif line.startswith("data: "):
            assert name == "job"
            events.append(orjson.loads(line[len("data: ") :]))
    return events


def test_job_events_stream_until_the_final_state(jobs: JobRunner, user: Actor) -> None:
    go = threading.Event()

    def work(ctx: JobContext) -> str:
        assert go.wait(WAIT)
        ctx.progress(1, 2, "half way")
        ctx.progress(2, 2)
        return "all done"

    job = jobs.submit("test", "Streamed", work, int(user.user["id"]))
    with user.client.stream("GET", f"/api/jobs/{job.id}/events") as response:
        assert response.headers["content-type"].startswith("text/event-stream")
        lines = response.iter_lines()
        first = read_events(iter([next(lines), next(lines)]))
        go.set()
        rest = read_events(lines)
    assert first[0]["status"] in ("queued", "running")
    assert [(e["status"], e["progress_done"]) for e in rest][-3:] == [
        ("running", 1),
        ("running", 2),
        ("succeeded", 2),
    ]
    assert rest[-1]["result"] == "all done"


def test_job_events_of_a_finished_job_send_one_final_event(jobs: JobRunner, user: Actor) -> None:
    job_id = finished_job(jobs, user)
    with user.client.stream("GET", f"/api/jobs/{job_id}/events") as response:
        events = read_events(response.iter_lines())
    assert [e["status"] for e in events] == ["succeeded"]


def test_job_events_of_another_users_job_is_404(jobs: JobRunner, admin: Actor, user: Actor) -> None:
    job_id = finished_job(jobs, admin)
    response = user.get(f"/api/jobs/{job_id}/events")
    assert (response.status_code, response.json()["error"]["code"]) == (404, "job_not_found")


def test_jobs_api_needs_sign_in(client: TestClient) -> None:
    assert client.get("/api/jobs").status_code == 401
