"""HTTP routes of the multi-agent workflows: pipelines, runs (a tracked job each), the live transcript as SSE,
cancel, delete, and tasks from the tasks artifact."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

from starlette.responses import Response

from devcell.assistant.workflows import _jobs, service
from devcell.assistant.workflows._transcript import Event, Transcript, Transcripts, transcripts
from devcell.assistant.workflows.schemas import (
    PipelineList,
    TasksIn,
    TasksOut,
    WorkflowIn,
    WorkflowOut,
    WorkflowPage,
    WorkflowQuery,
)
from devcell.core import llm
from devcell.core.auth import Access
from devcell.core.events import frame, sse_response
from devcell.core.jobs import JOBS
from devcell.core.web import ApiRoute, Call
from devcell.settings.service import SETTINGS_STORE

NO_LLM = "No LLM is configured. An administrator can set one in Settings → LLM."


def _live(call: Call) -> Transcripts:
    return transcripts(call.state.need(JOBS))


async def list_pipelines(call: Call) -> PipelineList:
    """The pipelines, their agent roles in order, and the artifacts they write."""
    return service.pipelines()


async def create_workflow(call: Call, body: WorkflowIn) -> WorkflowOut:
    """Start a run of a pipeline on the input (a tracked job); follow it at /api/workflows/{id}/events."""
    settings = call.state.need(SETTINGS_STORE)
    config = settings.llm_config()
    if not config.configured:
        raise llm.LLMNotConfigured(NO_LLM)
    user = call.user
    run_id, project = await call.run(service.create_run, user, body)
    context_tokens = settings.context_tokens()
    plan = _jobs.RunPlan(run_id, body.pipeline, body.input, project, config, context_tokens)
    title = service.default_title(body)
    await call.run(_jobs.start, call.state.need(JOBS), _live(call), plan, title, user.user_id)
    return await call.run(service.get_run, user, run_id, _live(call))


async def list_workflows(call: Call, query: WorkflowQuery) -> WorkflowPage:
    """My workflow runs, newest first."""
    return await call.run(service.list_runs, call.user, query, _live(call))


async def get_workflow(call: Call) -> WorkflowOut:
    """One of my runs with its steps, artifacts and the task titles of its tasks artifact."""
    return await call.run(service.get_run, call.user, call.path_int("workflow_id"), _live(call))


def _replay(out: WorkflowOut) -> list[Event]:
    """A stored run as the events a live reader would have seen."""
    events: list[Event] = []
    for step in out.steps:
        if step.started_at is None:
            continue  # pending, or skipped without ever starting: a live reader saw nothing of it
        events.append(("step", {"index": step.index, "role": step.role, "status": "running"}))
        if step.output:
            events.append(("delta", {"index": step.index, "text": step.output}))
        if step.status != "running":
            ended = {"index": step.index, "role": step.role, "status": step.status, "truncated": step.truncated}
            events.append(("step", ended))
    if out.error is not None:
        events.append(("error", out.error.model_dump()))
    events.append(("done", out.model_dump(mode="json")))
    return events


async def _follow(
    known: list[Event], transcript: Transcript | None, queue: asyncio.Queue[Event | None] | None
) -> AsyncIterator[bytes]:
    try:
        for name, data in known:
            yield frame(name, data)
        while queue is not None:
            event = await queue.get()
            if event is None:
                return
            yield frame(*event)
    finally:
        if transcript is not None and queue is not None:
            transcript.unsubscribe(queue)


async def workflow_events(call: Call) -> Response:
    """Server-sent events: what the run has written so far, then live `step` {index, role, status}, `delta`
    {index, text}, `error` {code, message} and `done` (the run); the stream ends when the run ends."""
    run_id, user, live = call.path_int("workflow_id"), call.user, _live(call)
    out = await call.run(service.get_run, user, run_id, live)  # 404 unless it is mine
    transcript = live.get(run_id)
    if transcript is None:
        known = _replay(
            out if out.status not in service.ACTIVE else await call.run(service.get_run, user, run_id, live)
        )
        return sse_response(_follow(known, None, None))
    known, queue = transcript.subscribe(asyncio.get_running_loop())
    return sse_response(_follow(known, transcript, queue))


async def cancel_workflow(call: Call) -> WorkflowOut:
    """Stop a run: no further LLM call, the current answer abandoned, finished steps kept."""
    run_id = call.path_int("workflow_id")
    return await call.run(service.cancel_run, call.user, run_id, call.state.need(JOBS), _live(call))


async def delete_workflow(call: Call) -> None:
    """Delete a run (a running one is cancelled first); tasks made from it stay."""
    await call.run(service.delete_run, call.user, call.path_int("workflow_id"), call.state.need(JOBS), _live(call))


async def create_tasks(call: Call, body: TasksIn) -> TasksOut:
    """Make tasks from titles of the tasks artifact (member role in the project); titles already made into
    tasks from this workflow are skipped."""
    zone = call.state.need(SETTINGS_STORE).time_zone()
    return await call.run(service.create_tasks, call.user, call.path_int("workflow_id"), body, zone)


U = Access.USER
RUN = "/api/workflows/{workflow_id:int}"
ROUTES = [
    ApiRoute("GET", "/api/workflows/pipelines", list_pipelines, access=U, response=PipelineList),
    ApiRoute("GET", "/api/workflows", list_workflows, access=U, query=WorkflowQuery, response=WorkflowPage),
    ApiRoute("POST", "/api/workflows", create_workflow, access=U, body=WorkflowIn, response=WorkflowOut, status=202),
    ApiRoute("GET", RUN, get_workflow, access=U, response=WorkflowOut),
    ApiRoute("GET", RUN + "/events", workflow_events, access=U),
    ApiRoute("POST", RUN + "/cancel", cancel_workflow, access=U, response=WorkflowOut, status=202),
    ApiRoute("DELETE", RUN, delete_workflow, access=U, status=204),
    ApiRoute("POST", RUN + "/tasks", create_tasks, access=U, body=TasksIn, response=TasksOut, status=201),
]
