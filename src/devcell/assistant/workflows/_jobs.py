"""The workflow job: the roles one after another, each answer streamed into the live transcript and stored when
the step ends. Cancel is checked between steps and while a stream runs: the stream is abandoned at once and no
further LLM call is made."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from devcell.assistant.workflows import _prompt, service
from devcell.assistant.workflows._pipelines import PIPELINES, Role
from devcell.assistant.workflows._transcript import Transcript, Transcripts
from devcell.core import llm
from devcell.core.jobs import JobCancelled, JobContext, JobRunner

log = logging.getLogger(__name__)

CANCEL_POLL_SECONDS = 0.1


@dataclass(frozen=True)
class RunPlan:
    run_id: int
    pipeline: str
    text: str
    project: str | None
    config: llm.LLMConfig
    context_tokens: int


async def _pieces(
    config: llm.LLMConfig, prompt: _prompt.RolePrompt, on_piece: Callable[[str], None], cancelled: Callable[[], bool]
) -> bool:
    """Stream one answer into `on_piece`; True when the model stopped at its length limit."""
    reply = llm.stream(config, prompt.messages, prompt.max_tokens)
    # Closed on the way out, so an abandoned stream's connection is closed now rather than at garbage collection.
    async with contextlib.aclosing(reply):
        async for piece in reply:
            if cancelled():
                raise JobCancelled()
            on_piece(piece)
    return reply.truncated


async def _stream(
    config: llm.LLMConfig, prompt: _prompt.RolePrompt, on_piece: Callable[[str], None], cancelled: Callable[[], bool]
) -> bool:
    """Stream one answer, watching for a cancel even while the server is silent between pieces; True when it
    was cut off at the length limit."""
    reading = asyncio.ensure_future(_pieces(config, prompt, on_piece, cancelled))
    while True:
        done, _ = await asyncio.wait({reading}, timeout=CANCEL_POLL_SECONDS)
        if done:
            return reading.result()
        if cancelled():
            reading.cancel()
            await asyncio.gather(reading, return_exceptions=True)
            raise JobCancelled()


def _step(plan: RunPlan, ctx: JobContext, transcript: Transcript, index: int, outputs: list[_prompt.Output]) -> str:
    role = PIPELINES[plan.pipeline].roles[index]
    prompt = _prompt.build(PIPELINES[plan.pipeline], role, plan.text, plan.project, outputs, plan.context_tokens)
    service.step_started(plan.run_id, index, prompt.omitted)
    transcript.publish("step", {"index": index, "role": role.id, "status": "running"})
    parts: list[str] = []

    def on_piece(piece: str) -> None:
        parts.append(piece)
        transcript.publish("delta", {"index": index, "text": piece})

    try:
        truncated = asyncio.run(_stream(plan.config, prompt, on_piece, lambda: ctx.cancelled))
    except llm.LLMError:
        _end_step(plan, transcript, index, role, "failed", "".join(parts))
        raise
    except JobCancelled:
        _end_step(plan, transcript, index, role, "skipped", "".join(parts))
        raise
    _end_step(plan, transcript, index, role, "done", "".join(parts), truncated)
    return "".join(parts)


def _end_step(
    plan: RunPlan, transcript: Transcript, index: int, role: Role, status: str, text: str, truncated: bool = False
) -> None:
    service.step_ended(plan.run_id, index, status, text, truncated)
    transcript.fold_deltas(index)
    transcript.publish("step", {"index": index, "role": role.id, "status": status, "truncated": truncated})


def _steps(plan: RunPlan, ctx: JobContext, transcript: Transcript) -> None:
    roles = PIPELINES[plan.pipeline].roles
    outputs: list[_prompt.Output] = []
    for index, role in enumerate(roles):
        ctx.check_cancelled()
        ctx.progress(index, len(roles), f"{role.name} is writing")
        outputs.append(_prompt.Output(role, _step(plan, ctx, transcript, index, outputs)))
    ctx.progress(len(roles), len(roles), "Done")


def _close(plan: RunPlan, transcript: Transcript, error: llm.LLMError | None = None) -> None:
    if error is not None:
        transcript.publish("error", {"code": error.code, "message": error.message})
    out = service.run_out(plan.run_id)
    if out is None:
        transcript.publish("error", {"code": "workflow_not_found", "message": "This workflow was deleted."})
    else:
        transcript.publish("done", out.model_dump(mode="json"))


def execute(plan: RunPlan, live: Transcripts, ctx: JobContext) -> dict[str, Any]:
    """The job function. LLM failures fail the step and the run with their code and message, then the job."""
    transcript = live.get(plan.run_id)
    if transcript is None or not service.start_run(plan.run_id):
        live.end(plan.run_id)
        raise JobCancelled()  # cancelled (and already ended) before the job got to it
    # The stored final state first, then the last events, then the live transcript goes: a reader in between
    # either follows the transcript to its end or replays the stored run.
    try:
        _steps(plan, ctx, transcript)
    except JobCancelled:
        service.finish_run(plan.run_id, "cancelled")
        _close(plan, transcript)
        raise
    except llm.LLMError as exc:
        service.finish_run(plan.run_id, "failed", exc.code, exc.message)
        _close(plan, transcript, exc)
        raise
    except Exception as exc:
        log.exception("workflow %s failed", plan.run_id)
        failure = llm.LLMError(f"The workflow stopped on an unexpected error: {exc or type(exc).__name__}.",
                               code="workflow_failed")  # fmt: skip
        service.finish_run(plan.run_id, "failed", failure.code, failure.message)
        _close(plan, transcript, failure)
        raise
    else:
        service.finish_run(plan.run_id, "succeeded")
        _close(plan, transcript)
    finally:
        live.end(plan.run_id)
    return {"workflow_id": plan.run_id}


def start(jobs: JobRunner, live: Transcripts, plan: RunPlan, title: str, owner_id: int) -> str:
    """Open the live transcript, then submit the job (so nothing it publishes is lost); returns the job id."""
    live.open(plan.run_id)
    snap = jobs.submit("workflow", f"Workflow: {title}", lambda ctx: execute(plan, live, ctx), owner_id)
    service.set_job(plan.run_id, snap.id)
    return snap.id
