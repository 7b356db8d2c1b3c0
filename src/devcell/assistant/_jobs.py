"""The SITREP job: gather what the author can see, optionally search the knowledgebase, ask the LLM, store it.

It runs in a job worker thread (llm.complete_sync). Whatever happens, the SITREP row ends ready or failed: an LLM
failure stores its code and message (llm_unavailable, llm_timeout, llm_bad_answer) and fails the job with the
same message, so the SITREPs page and the jobs page say the same thing.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from devcell.assistant import _inputs, _write, service
from devcell.assistant._inputs import Section
from devcell.assistant._write import Brief
from devcell.core import llm
from devcell.core.errors import DevCellError
from devcell.core.jobs import JobCancelled, JobContext
from devcell.search import service as search

if TYPE_CHECKING:
    from devcell.core.auth import Principal
    from devcell.search.service import Knowledge

log = logging.getLogger(__name__)

KNOWLEDGE_PASSAGES = 5
KNOWLEDGE_QUERY = "current status, plans, procedures, known problems and risks"  # when no instructions are given
STEPS = 3


@dataclass(frozen=True)
class SitrepRun:
    """What the job needs, taken from the request when it was submitted (settings may change meanwhile)."""

    sitrep_id: int
    principal: Principal
    visibility: str
    appliance_zone: str
    config: llm.LLMConfig
    context_tokens: int
    instructions: str
    project_id: int | None
    days: int
    knowledge: Knowledge | None  # None: no knowledgebase search


def _knowledge(run: SitrepRun) -> Section:
    """Passages the author may retrieve; a failed search is said in the report, it does not sink it."""
    assert run.knowledge is not None
    query = run.instructions.strip()[:2000] or KNOWLEDGE_QUERY
    try:
        found = search.search(run.knowledge, run.principal, query, KNOWLEDGE_PASSAGES, run.project_id)
    except (DevCellError, OSError, RuntimeError, ValueError) as exc:
        log.warning("SITREP %s: knowledgebase search failed: %s", run.sitrep_id, exc)
        reason = exc.message if isinstance(exc, DevCellError) else type(exc).__name__
        section = _inputs.knowledge_section([])
        section.problem = f"The knowledgebase could not be searched ({reason})."
        return section
    section = _inputs.knowledge_section(search.relevant(run.knowledge, found.items))
    if found.degraded:
        section.problem = "The semantic index is being repaired; these passages come from keyword search."
    return section


def _generate(ctx: JobContext, run: SitrepRun) -> dict[str, Any]:
    ctx.progress(0, STEPS, "Reading standups, tasks and projects")
    sections = service.sitrep_inputs(run.principal, run.visibility, run.appliance_zone, run.project_id, run.days)
    if not any(s.items for s in sections):
        service.finish_sitrep(run.sitrep_id, Brief(service.nothing_to_report(run.days)), None, run.config.model)
        return {"sitrep_id": run.sitrep_id}
    ctx.check_cancelled()
    if run.knowledge is not None:
        ctx.progress(1, STEPS, "Searching the knowledgebase")
        sections.append(_knowledge(run))
    prompt = service.sitrep_prompt(sections, run.instructions, run.days, run.context_tokens)
    ctx.check_cancelled()
    ctx.progress(2, STEPS, "Writing the SITREP (waiting for the LLM)")
    brief = _write.write_sync(run.config, prompt)
    service.finish_sitrep(run.sitrep_id, brief, prompt, run.config.model)
    return {"sitrep_id": run.sitrep_id}


def generate(ctx: JobContext, run: SitrepRun) -> dict[str, Any]:
    """The job function; re-raises after recording the failure on the SITREP."""
    try:
        return _generate(ctx, run)
    except llm.LLMError as exc:
        service.fail_sitrep(run.sitrep_id, exc.code, exc.message)
        raise
    except JobCancelled:
        service.fail_sitrep(run.sitrep_id, "cancelled", "The SITREP was cancelled before the LLM wrote it.")
        raise
    except Exception as exc:
        service.fail_sitrep(run.sitrep_id, "internal_error", f"Generating the SITREP failed: {exc}")
        raise
