"""HTTP routes of the assistant slice: summaries and SITREPs here, plus review and workflows from their packages."""

from __future__ import annotations

from functools import partial

from starlette.responses import Response

from devcell.assistant import _jobs, _write, service
from devcell.assistant.review import routes as review_routes
from devcell.assistant.schemas import (
    ProjectSummaryIn,
    SitrepIn,
    SitrepOut,
    SitrepPage,
    SitrepQuery,
    StandupSummaryIn,
    SummaryOut,
)
from devcell.assistant.workflows import routes as workflow_routes
from devcell.core import llm
from devcell.core.auth import Access
from devcell.core.jobs import JOBS, JobRunner
from devcell.core.web import ApiRoute, Call
from devcell.search.service import KNOWLEDGE
from devcell.settings.service import SETTINGS_STORE, SettingsStore

NO_LLM = "No LLM is configured. An administrator can set one in Settings → LLM."


def _settings(call: Call) -> SettingsStore:
    return call.state.need(SETTINGS_STORE)


def _llm(call: Call) -> llm.LLMConfig:
    """The LLM configuration; 503 before any work when there is none."""
    config = _settings(call).llm_config()
    if not config.configured:
        raise llm.LLMNotConfigured(NO_LLM)
    return config


def _visibility(call: Call) -> str:
    return _settings(call).get_str("standup_visibility")


def _zone(call: Call) -> str:
    return _settings(call).time_zone()


def _context(call: Call) -> int:
    return _settings(call).context_tokens()


async def _finish(call: Call, config: llm.LLMConfig, outcome: SummaryOut | service.Pending) -> SummaryOut:
    """A cached or plain summary as it is; otherwise one completion (outside any transaction), then stored.
    The LLM is required only here: a cached summary or "No standups" needs none."""
    if isinstance(outcome, SummaryOut):
        return outcome
    if not config.configured:
        raise llm.LLMNotConfigured(NO_LLM)
    brief = await _write.write(config, outcome.prompt)
    return await call.run(service.save_summary, outcome, brief, config.model)


async def standup_summary(call: Call, body: StandupSummaryIn) -> SummaryOut:
    """Summarise a day's standups you may read (one project's, or the team's), citing them; cached until they
    change. 503/504/502 when a summary must be made and the LLM is missing or down, slow, or answers nonsense."""
    config = _settings(call).llm_config()
    outcome = await call.run(
        service.prepare_standup_summary, call.user, _visibility(call), _zone(call), body, config.model, _context(call)
    )
    return await _finish(call, config, outcome)


async def project_summary(call: Call, body: ProjectSummaryIn) -> SummaryOut:
    """Summarise a project's recent standups, task movement and blockers (viewer or above); cached."""
    config = _settings(call).llm_config()
    outcome = await call.run(
        service.prepare_project_summary, call.user, _visibility(call), _zone(call), body, config.model, _context(call)
    )
    return await _finish(call, config, outcome)


async def create_sitrep(call: Call, body: SitrepIn) -> SitrepOut:
    """Generate a SITREP from the standups, tasks and projects you can see (a tracked job: follow job_id)."""
    config = _llm(call)
    started = await call.run(service.start_sitrep, call.user, body, _zone(call), _context(call))
    run = _jobs.SitrepRun(
        sitrep_id=started.id, principal=call.user, visibility=_visibility(call), appliance_zone=_zone(call),
        config=config, context_tokens=_context(call), instructions=body.instructions, project_id=body.project_id,
        days=body.days, knowledge=call.state.need(KNOWLEDGE) if body.use_knowledge else None,
    )  # fmt: skip
    runner = call.state.need(JOBS)
    job = runner.submit("sitrep", f"SITREP: {started.title}", partial(_jobs.generate, run=run), call.user.user_id)
    return await call.run(service.attach_job, call.user, started.id, job.id)


def _job_finished(runner: JobRunner, job_id: str) -> bool:
    snapshot = runner.get(job_id)
    return snapshot is None or snapshot.finished


async def _settle(call: Call) -> None:
    await call.run(service.settle, call.user, partial(_job_finished, call.state.need(JOBS)))


async def list_sitreps(call: Call, query: SitrepQuery) -> SitrepPage:
    """Your SITREPs, newest first."""
    await _settle(call)
    return await call.run(service.list_sitreps, call.user, query)


async def get_sitrep(call: Call) -> SitrepOut:
    """One of your SITREPs (others' are 404, administrators' included)."""
    await _settle(call)
    return await call.run(service.get_sitrep, call.user, call.path_int("sitrep_id"))


async def export_sitrep(call: Call) -> Response:
    """Your SITREP as a Markdown file with its sources as links; 409 while generating or after a failure."""
    base = str(call.request.base_url)
    name, text = await call.run(service.export_sitrep, call.user, call.path_int("sitrep_id"), base)
    disposition = f'attachment; filename="{name}"'
    return Response(text, media_type="text/markdown; charset=utf-8", headers={"Content-Disposition": disposition})


async def delete_sitrep(call: Call) -> None:
    """Delete your SITREP (a running generation is cancelled)."""
    job_id = await call.run(service.delete_sitrep, call.user, call.path_int("sitrep_id"))
    if job_id is not None:
        call.state.need(JOBS).cancel(job_id)


U = Access.USER
SITREP = "/api/sitreps/{sitrep_id:int}"
BRIEF_ROUTES: list[ApiRoute] = [
    ApiRoute(
        "POST", "/api/assistant/standup-summary", standup_summary, access=U, body=StandupSummaryIn, response=SummaryOut
    ),
    ApiRoute(
        "POST", "/api/assistant/project-summary", project_summary, access=U, body=ProjectSummaryIn, response=SummaryOut
    ),
    ApiRoute("POST", "/api/sitreps", create_sitrep, access=U, body=SitrepIn, response=SitrepOut, status=202),
    ApiRoute("GET", "/api/sitreps", list_sitreps, access=U, query=SitrepQuery, response=SitrepPage),
    ApiRoute("GET", SITREP, get_sitrep, access=U, response=SitrepOut),
    ApiRoute("GET", SITREP + "/export", export_sitrep, access=U),
    ApiRoute("DELETE", SITREP, delete_sitrep, access=U, status=204),
]

ROUTES: list[ApiRoute] = [*BRIEF_ROUTES, *review_routes.ROUTES, *workflow_routes.ROUTES]
