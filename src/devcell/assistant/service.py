"""Briefs from team data: standup and project summaries (cached until their inputs change) and SITREPs (saved).

Summaries run in three steps so no thread waits on the LLM inside a transaction: `prepare_*` reads the inputs
the caller may see and answers from the cache (or without the LLM when there is nothing to summarise), the route
awaits the completion, and `save_summary` stores it. SITREPs are rows written by a tracked job (assistant.jobs).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING, Literal, cast

import orjson

from devcell.accounts.service import OwnedData, register_owned_data, user_briefs
from devcell.assistant import _cache, _export, _inputs, _prompt
from devcell.assistant._inputs import Section, Window
from devcell.assistant._write import Brief
from devcell.assistant.errors import SitrepNotFound, SitrepNotReady
from devcell.assistant.models import Sitrep
from devcell.assistant.schemas import (
    ProjectSummaryIn,
    SitrepError,
    SitrepIn,
    SitrepOut,
    SitrepPage,
    SitrepQuery,
    SitrepStatus,
    SourceRef,
    StandupSummaryIn,
    SummaryOut,
)
from devcell.core.db import unit_of_work, utcnow
from devcell.core.errors import ValidationFailed
from devcell.core.llm import estimate_tokens
from devcell.projects import service as projects
from devcell.projects.schemas import UserRef
from devcell.standups import service as standups

if TYPE_CHECKING:
    from devcell.core.auth import Principal

SummaryKind = Literal["standups", "project"]
ORPHAN_AFTER = timedelta(minutes=5)  # a "generating" SITREP whose job was never attached (the process stopped)
INTERRUPTED = "Interrupted: DevCell stopped while this SITREP was being generated. Generate a new one."


@dataclass(frozen=True)
class Pending:
    """A summary to generate: the prompt, and what identifies it in the cache."""

    kind: SummaryKind
    key: str
    date: date | None
    project_id: int | None
    days: int | None
    prompt: _prompt.Prompt


def _out(kind: SummaryKind, day: date | None, project_id: int | None, days: int | None, **fields: object) -> SummaryOut:
    return SummaryOut.model_validate(
        {"kind": kind, "date": day, "project_id": project_id, "days": days, "generated_at": utcnow(), **fields}
    )


def _from_cache(pending: Pending) -> SummaryOut | None:
    row = _cache.get(pending.key)
    if row is None:
        return None
    return _out(
        pending.kind, pending.date, pending.project_id, pending.days, markdown=row.markdown,
        sources=_cache.sources_of(row), cached=True, omitted=row.omitted, model=row.model,
        truncated=row.truncated, warnings=orjson.loads(row.warnings),
    ).model_copy(update={"generated_at": row.created_at})  # fmt: skip


def _plain(
    kind: SummaryKind, day: date | None, project_id: int | None, days: int | None, text: str, model: str
) -> SummaryOut:
    """Nothing to summarise: said plainly, without an LLM call."""
    return _out(kind, day, project_id, days, markdown=text, sources=[], cached=False, omitted=None, model=model)


def _cached_or_pending(pending: Pending, refresh: bool) -> SummaryOut | Pending:
    return (None if refresh else _from_cache(pending)) or pending


@unit_of_work()
def prepare_standup_summary(
    principal: Principal, visibility: str, appliance_zone: str, data: StandupSummaryIn, model: str, context_tokens: int
) -> SummaryOut | Pending:
    """The day's standups the caller may read (one project's when asked): cached, plain, or a prompt to send."""
    project = projects.require_project(principal, data.project_id) if data.project_id is not None else None
    day = data.date or standups.user_today(principal.user_id, appliance_zone)
    section = _inputs.standups_section(principal, visibility, day, day, data.project_id)
    scope = f" in {project.name}" if project else ""
    if not section.items:
        return _plain("standups", day, data.project_id, None, f"No standups for {day.isoformat()}{scope}.", model)
    params = {"date": day.isoformat(), "project_id": data.project_id, "context": context_tokens}
    task = f"Summarise the standups of {day.isoformat()}{scope}."
    prompt = _prompt.build(_prompt.STANDUP_SYSTEM, task, [section], context_tokens)
    pending = Pending("standups", _cache.key("standups", params, [section], model), day, data.project_id, None, prompt)
    return _cached_or_pending(pending, data.refresh)


def _window(principal: Principal, appliance_zone: str, days: int) -> Window:
    zone = standups.user_zone(principal.user_id, appliance_zone)
    today = standups.user_today(principal.user_id, appliance_zone)
    return Window(today=today, first=today - timedelta(days=days - 1), zone=zone)


def _work_sections(
    principal: Principal, visibility: str, window: Window, project_id: int | None
) -> tuple[Section, Section]:
    return (
        _inputs.standups_section(principal, visibility, window.first, window.today, project_id),
        _inputs.tasks_section(principal, window, project_id),
    )


@unit_of_work()
def prepare_project_summary(
    principal: Principal, visibility: str, appliance_zone: str, data: ProjectSummaryIn, model: str, context_tokens: int
) -> SummaryOut | Pending:
    """The project, its standups and task movement of the last `days` days, and its blocked and due tasks."""
    project = _inputs.project_section(principal, data.project_id)  # 404 for a project the caller cannot see
    window = _window(principal, appliance_zone, data.days)
    standup_part, task_part = _work_sections(principal, visibility, window, data.project_id)
    name = project.items[0].title
    if not standup_part.items and not task_part.items:
        text = (
            f"Nothing to summarise for {name}: no standups, no task changes and no blocked or due tasks "
            f"in the last {data.days} days."
        )
        return _plain("project", None, data.project_id, data.days, text, model)
    sections = [project, standup_part, task_part]
    params = {
        "project_id": data.project_id,
        "days": data.days,
        "today": window.today.isoformat(),
        "context": context_tokens,
    }
    task = f"Summarise project {name} over the last {data.days} days (up to {window.today.isoformat()})."
    prompt = _prompt.build(_prompt.PROJECT_SYSTEM, task, sections, context_tokens)
    pending = Pending(
        "project", _cache.key("project", params, sections, model), None, data.project_id, data.days, prompt
    )
    return _cached_or_pending(pending, data.refresh)


@unit_of_work(write=True)
def save_summary(pending: Pending, brief: Brief, model: str) -> SummaryOut:
    sources = _prompt.cited(brief.markdown, pending.prompt.sources)
    row = _cache.put(pending.key, pending.kind, brief, sources, pending.prompt.omitted, model)
    return _out(
        pending.kind, pending.date, pending.project_id, pending.days, markdown=brief.markdown, sources=sources,
        cached=False, omitted=row.omitted, model=model, truncated=brief.truncated, warnings=brief.warnings,
    ).model_copy(update={"generated_at": row.created_at})  # fmt: skip


# SITREPs


def _creator(principal: Principal) -> UserRef:
    """The caller as the creator of their SITREPs (every SITREP read here is the caller's own): one indexed read."""
    return projects.user_ref(user_briefs([principal.user_id])[principal.user_id])


def _sitrep_out(row: Sitrep, created_by: UserRef) -> SitrepOut:
    error = SitrepError(code=row.error_code, message=row.error_message or "") if row.error_code else None
    return SitrepOut(
        id=row.id, title=row.title, status=cast(SitrepStatus, row.status), error=error, markdown=row.markdown,
        sources=[SourceRef.model_validate(s) for s in orjson.loads(row.sources)], instructions=row.instructions,
        project_id=row.project_id, days=row.days, use_knowledge=row.use_knowledge, omitted=row.omitted,
        model=row.model, job_id=row.job_id, created_by=created_by, created_at=row.created_at,
        finished_at=row.finished_at, truncated=row.truncated, warnings=orjson.loads(row.warnings),
    )  # fmt: skip


def _own(principal: Principal, sitrep_id: int) -> Sitrep:
    """The caller's SITREP; anyone else's (administrators' included) is 404."""
    row = Sitrep.get_or_none(Sitrep.id == sitrep_id, Sitrep.created_by == principal.user_id)
    if row is None:
        raise SitrepNotFound(sitrep_id)
    return row


def check_instructions(instructions: str, context_tokens: int) -> None:
    """422 when the instructions alone leave no room for inputs in the model's context."""
    framing = _prompt._framing("", [], instructions)
    room = _prompt.input_tokens(context_tokens, _prompt.SITREP_SYSTEM, framing)
    if room < _prompt.MIN_INPUT_TOKENS:
        fixed = estimate_tokens(instructions)
        limit = max(0, fixed - (_prompt.MIN_INPUT_TOKENS - room))
        raise ValidationFailed.for_field(
            "instructions",
            f"about {fixed} tokens long; with the model's context of {context_tokens} tokens (llm_context_tokens) "
            f"they must stay under about {limit} tokens ({limit * 3} characters) to leave room for the inputs",
        )


def _default_title(principal: Principal, appliance_zone: str, project_name: str | None) -> str:
    today = standups.user_today(principal.user_id, appliance_zone).isoformat()
    return f"SITREP {today}" + (f" · {project_name}" if project_name else "")


@unit_of_work(write=True)
def start_sitrep(principal: Principal, data: SitrepIn, appliance_zone: str, context_tokens: int) -> SitrepOut:
    """A SITREP row in status generating (the job fills it in); checks the project and the instructions' size."""
    check_instructions(data.instructions, context_tokens)
    project = projects.require_project(principal, data.project_id) if data.project_id is not None else None
    title = data.title or _default_title(principal, appliance_zone, project.name if project else None)
    row = Sitrep.create(
        title=title, instructions=data.instructions, project=data.project_id, days=data.days,
        use_knowledge=data.use_knowledge, created_by=principal.user_id, created_at=utcnow(),
    )  # fmt: skip
    return _sitrep_out(_own(principal, row.id), _creator(principal))


@unit_of_work(write=True)
def attach_job(principal: Principal, sitrep_id: int, job_id: str) -> SitrepOut:
    # Only this column: the job may already have written its result.
    Sitrep.update(job_id=job_id).where(Sitrep.id == sitrep_id).execute()
    return _sitrep_out(_own(principal, sitrep_id), _creator(principal))


@unit_of_work()
def sitrep_inputs(
    principal: Principal, visibility: str, appliance_zone: str, project_id: int | None, days: int
) -> list[Section]:
    """Standups, tasks and projects the caller can see in the last `days` days, read in one snapshot."""
    window = _window(principal, appliance_zone, days)
    standup_part, task_part = _work_sections(principal, visibility, window, project_id)
    if project_id is not None:
        project_part = _inputs.project_section(principal, project_id)
    else:
        mentioned = [i.body for i in standup_part.items + task_part.items]
        project_part = _inputs.projects_section(principal, mentioned)
    return [standup_part, task_part, project_part]


def sitrep_prompt(sections: list[Section], instructions: str, days: int, context_tokens: int) -> _prompt.Prompt:
    period = "today" if days == 1 else f"the last {days} days"
    task = f"Write the SITREP for {period}."
    return _prompt.build(_prompt.SITREP_SYSTEM, task, sections, context_tokens, instructions)


def nothing_to_report(days: int) -> str:
    period = "today" if days == 1 else f"in the last {days} days"
    return f"Nothing to report: there are no standups, tasks or projects you can see {period}."


@unit_of_work(write=True)
def finish_sitrep(sitrep_id: int, brief: Brief, prompt: _prompt.Prompt | None, model: str) -> None:
    """Store the generated report (prompt None: the plain nothing-to-report text, made without the LLM)."""
    sources = _prompt.cited(brief.markdown, prompt.sources) if prompt else []
    Sitrep.update(
        status="ready", markdown=brief.markdown, sources=orjson.dumps([s.model_dump() for s in sources]).decode(),
        omitted=prompt.omitted if prompt else None, model=model, finished_at=utcnow(), truncated=brief.truncated,
        warnings=orjson.dumps(brief.warnings).decode(),
    ).where(Sitrep.id == sitrep_id).execute()  # fmt: skip


@unit_of_work(write=True)
def fail_sitrep(sitrep_id: int, code: str, message: str) -> None:
    Sitrep.update(status="failed", error_code=code, error_message=message, finished_at=utcnow()).where(
        Sitrep.id == sitrep_id
    ).execute()


@unit_of_work()
def _generating(user_id: int) -> list[Sitrep]:
    return list(Sitrep.select().where(Sitrep.created_by == user_id, Sitrep.status == "generating"))


@unit_of_work(write=True)
def _mark_interrupted(sitrep_ids: list[int]) -> None:
    # Still generating only: the job may have finished one since it was read.
    Sitrep.update(status="failed", error_code="interrupted", error_message=INTERRUPTED, finished_at=utcnow()).where(
        Sitrep.id.in_(sitrep_ids), Sitrep.status == "generating"
    ).execute()


def settle(principal: Principal, job_finished: Callable[[str], bool]) -> None:
    """Mark the caller's SITREPs failed whose job ended without finishing them (the process stopped meanwhile).
    A read first: the write lock is taken only when there is something to mark."""
    now = utcnow()
    stale = [
        row.id
        for row in _generating(principal.user_id)
        if (row.job_id is None and now - row.created_at > ORPHAN_AFTER)
        or (row.job_id is not None and job_finished(row.job_id))
    ]
    if stale:
        _mark_interrupted(stale)


@unit_of_work()
def list_sitreps(principal: Principal, query: SitrepQuery) -> SitrepPage:
    """The caller's SITREPs, newest first."""
    select = Sitrep.select().where(Sitrep.created_by == principal.user_id)
    total = select.count()
    rows = list(select.order_by(Sitrep.created_at.desc(), Sitrep.id.desc()).limit(query.limit).offset(query.offset))
    creator = _creator(principal) if rows else None
    items = [_sitrep_out(r, creator) for r in rows if creator is not None]
    return SitrepPage(items=items, total=total, limit=query.limit, offset=query.offset)


@unit_of_work()
def get_sitrep(principal: Principal, sitrep_id: int) -> SitrepOut:
    return _sitrep_out(_own(principal, sitrep_id), _creator(principal))


@unit_of_work(write=True)
def delete_sitrep(principal: Principal, sitrep_id: int) -> str | None:
    """Delete the caller's SITREP; returns its job id so a running job can be cancelled."""
    row = _own(principal, sitrep_id)
    row.delete_instance()
    return row.job_id if row.status == "generating" else None


@unit_of_work()
def export_sitrep(principal: Principal, sitrep_id: int, base_url: str) -> tuple[str, str]:
    """(file name, Markdown) of a ready SITREP; 409 while it is generating or when it failed."""
    sitrep = _sitrep_out(_own(principal, sitrep_id), _creator(principal))
    if sitrep.status == "generating":
        raise SitrepNotReady("This SITREP is still being generated; export it when it is ready.")
    if sitrep.status == "failed":
        reason = sitrep.error.message if sitrep.error else "it failed"
        raise SitrepNotReady(f"This SITREP failed ({reason}); there is nothing to export. Generate a new one.")
    return _export.filename(sitrep), _export.render(sitrep, base_url)


# Deleting a user: their SITREPs move to the user who takes over (like every per-user row).


def _owned_sitreps(user_id: int) -> int:
    return int(Sitrep.select().where(Sitrep.created_by == user_id).count())


def _reassign_sitreps(from_id: int, to_id: int) -> None:
    Sitrep.update(created_by=to_id).where(Sitrep.created_by == from_id).execute()


register_owned_data(OwnedData("SITREPs", _owned_sitreps, _reassign_sitreps))
