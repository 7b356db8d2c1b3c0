"""The tracked-jobs API, the schedule, the log viewer, metrics (charts and Prometheus) and the support bundle."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from devcell.core.auth import Access
from devcell.core.db import utcnow
from devcell.core.events import frame, sse_response
from devcell.core.jobs import JOBS, JobRunner, JobSnapshot
from devcell.core.scheduler import SCHEDULER
from devcell.core.schemas import JobOut
from devcell.core.web import ApiRoute, Call, json
from devcell.operations import _logs, _support, metrics, samples, service
from devcell.operations.schemas import (
    JobPage,
    JobQuery,
    LogPage,
    LogQuery,
    MetricQuery,
    MetricSeries,
    ProcessesOut,
    ScheduleOut,
)
from devcell.settings.service import SETTINGS_STORE

JOB_POLL_SECONDS = 0.5  # how often a job running in another process is read again while someone follows it


async def list_jobs(call: Call, query: JobQuery) -> JobPage:
    """Your tracked jobs, newest first (administrators may ask for everyone's)."""
    return call.read(service.list_jobs, call.state.need(JOBS), call.user, query)


async def get_job(call: Call) -> JobOut:
    """One job with its progress, result or failure reason."""
    return call.read(service.get_job, call.state.need(JOBS), call.user, call.request.path_params["job_id"])


async def cancel_job(call: Call) -> JobOut:
    """Ask a job to stop at its next safe point (409 when it already finished)."""
    job_id = call.request.path_params["job_id"]
    return await call.run(service.cancel_job, call.state.need(JOBS), call.user, job_id)


async def _next_change(runner: JobRunner, job_id: str, queue: asyncio.Queue[JobSnapshot], last: JobOut) -> JobOut:
    """The job's next state: from this process when the job runs here, else from its row, which the process that
    runs it (another one, past one box) keeps up to date; polled, as nothing else crosses between processes."""
    while True:
        try:
            return service.job_out(await asyncio.wait_for(queue.get(), timeout=JOB_POLL_SECONDS))
        except TimeoutError:
            if runner.is_live(job_id):
                continue
        stored = await run_in_threadpool(runner.get, job_id)
        if stored is not None and (now := service.job_out(stored)) != last:
            return now


async def _job_events(runner: JobRunner, first: JobOut, queue: asyncio.Queue[JobSnapshot]) -> AsyncIterator[bytes]:
    try:
        yield frame("job", first.model_dump(mode="json"))
        snap = first
        while snap.status not in ("succeeded", "failed", "cancelled"):
            snap = await _next_change(runner, first.id, queue, snap)
            yield frame("job", snap.model_dump(mode="json"))
    finally:
        runner.unsubscribe(first.id, queue)


async def job_events(call: Call) -> Response:
    """Server-sent events: one `job` event per change, ending after the final state."""
    runner = call.state.need(JOBS)
    job_id = call.request.path_params["job_id"]
    queue = runner.subscribe(job_id)  # subscribe first so no change between read and stream is lost
    try:
        first = await call.run(service.get_job, runner, call.user, job_id)
    except Exception:
        runner.unsubscribe(job_id, queue)
        raise
    return sse_response(_job_events(runner, first, queue))


async def get_schedule(call: Call) -> ScheduleOut:
    """Scheduled jobs with their timing, next run and last run."""
    return await call.run(service.schedule, call.state.need(SCHEDULER))


async def run_scheduled(call: Call) -> JobOut:
    """Run a scheduled job now (a tracked job; 409 while it runs)."""
    name = call.request.path_params["name"]
    snap = await call.run(call.state.need(SCHEDULER).run_now, name, call.user.user_id)
    return service.job_out(snap)


async def get_processes(call: Call) -> ProcessesOut:
    """The DevCell processes serving this database (several past one box), and which runs the scheduled jobs."""
    return await call.run(service.processes)


async def get_logs(call: Call, query: LogQuery) -> LogPage:
    """Log entries (newest last), filtered by level and text; pass `after` = the last `next` to follow."""
    return await call.run(_logs.read_logs, call.state.config.logs_dir, query)


async def get_metric_history(call: Call, query: MetricQuery) -> MetricSeries:
    """Sampled disk free, database and index size and request rate of the last days, oldest first (charts)."""
    interval = call.state.need(SETTINGS_STORE).get_int("metrics_sample_minutes")
    on_server = call.state.config.chroma_url is not None
    return await call.run(samples.series, query.days, interval, on_server)


async def get_metrics(call: Call) -> Response:
    """Prometheus text format: requests, latencies, jobs, database and disk sizes, backups, health."""
    text = await call.run(metrics.render, call.state)
    return Response(text, media_type="text/plain; version=0.0.4; charset=utf-8")


async def get_support_bundle(call: Call) -> Response:
    """A JSON file for whoever helps you: versions, changed settings (no secrets), health, jobs, backups, database
    statistics and recent warnings from the log (setup codes and tokens removed)."""
    body = await call.run(_support.bundle, call.state)
    name = f"devcell-support-{utcnow():%Y%m%dT%H%M%SZ}.json"
    # A Response: the attachment header makes browsers save it as a file.
    return json(body, headers={"Content-Disposition": f'attachment; filename="{name}"'})


ROUTES = [
    ApiRoute("GET", "/api/jobs", list_jobs, access=Access.USER, query=JobQuery, response=JobPage),
    ApiRoute("GET", "/api/jobs/{job_id}", get_job, access=Access.USER, response=JobOut),
    ApiRoute("GET", "/api/jobs/{job_id}/events", job_events, access=Access.USER),
    ApiRoute("POST", "/api/jobs/{job_id}/cancel", cancel_job, access=Access.USER, response=JobOut, status=202),
    ApiRoute("GET", "/api/system/schedule", get_schedule, access=Access.ADMIN, response=ScheduleOut),
    ApiRoute(
        "POST", "/api/system/schedule/{name}/run", run_scheduled, access=Access.ADMIN, response=JobOut, status=202
    ),
    ApiRoute("GET", "/api/system/processes", get_processes, access=Access.ADMIN, response=ProcessesOut),
    ApiRoute("GET", "/api/system/logs", get_logs, access=Access.ADMIN, query=LogQuery, response=LogPage),
    ApiRoute("GET", "/api/system/support-bundle", get_support_bundle, access=Access.ADMIN),
    ApiRoute(
        "GET",
        "/api/system/metrics/history",
        get_metric_history,
        access=Access.ADMIN,
        query=MetricQuery,
        response=MetricSeries,
    ),
]
# Outside /api like every exporter (and outside the OpenAPI document); an admin's API token (Bearer) is what a
# Prometheus server sends.
OUTSIDE_API = [ApiRoute("GET", "/metrics", get_metrics, access=Access.ADMIN)]
