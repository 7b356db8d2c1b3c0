"""Builds the self-management parts of a running server (guard, backups, scheduler, health) onto app.state."""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from devcell.backups.service import Backups
from devcell.config import Config
from devcell.core.disk import DiskProbe
from devcell.core.jobs import JobContext
from devcell.core.scheduler import Scheduler
from devcell.knowledge.indexing import scan as scan_knowledgebase
from devcell.system import maintenance
from devcell.system.checks import CHECKS
from devcell.system.guard import Gate, RequestGuard
from devcell.system.health import Health, HealthContext
from devcell.system.index_care import IndexCare
from devcell.system.recovery import Recovery, close_restored_jobs
from devcell.system.samples import Sampler
from devcell.system.schedule import scheduled_jobs
from devcell.system.service import Readiness, ready_conditions


def wire_operations(state: Any, config: Config, prune_sessions: Callable[[], int]) -> None:
    """`state.disk` may be set beforehand (tests inject a nearly full disk); everything else is made here."""
    settings = state.settings
    disk: DiskProbe = getattr(state, "disk", None) or DiskProbe()
    gate = Gate()
    state.disk, state.gate = disk, gate
    state.request_guard = RequestGuard(gate, disk, config.data_dir, lambda: settings.get_int("disk_floor_mb"))
    state.recovery = Recovery(gate)
    state.readiness = Readiness(config.tmp_dir, lambda: ready_conditions(state.recovery, gate, state.request_guard))
    state.recovery.start()
    state.index_care = IndexCare(state.knowledge, state.jobs, config.data_dir)

    def after_restore() -> dict[str, Any]:
        state.recovery.check()  # lifts the refusal of changes that a damaged database caused
        closed = close_restored_jobs()
        return {"index": state.index_care.check_after_restore(), "jobs_closed": closed}

    state.backups = Backups(
        config.data_dir,
        config.kb_dir,
        settings.get,
        disk,
        gate.hold,
        after_restore,
        embedding_model=config.embedding_model,
    )
    upkeep = maintenance.Upkeep(
        db_path=config.database_path,
        kb_dir=config.kb_dir,
        disk=disk,
        runner=state.jobs,
        prune_sessions=prune_sessions,
        history_days=lambda: settings.get_int("job_history_days"),
        pause=gate.hold,
        today=lambda: datetime.now(ZoneInfo(settings.get_str("time_zone"))),
    )

    def run_maintenance(context: JobContext) -> dict[str, Any]:
        result = maintenance.run_maintenance(upkeep, context)
        state.health.forget()
        return result

    def run_backup(context: JobContext) -> dict[str, Any]:
        result: dict[str, Any] = state.backups.scheduled(context)
        state.health.forget()
        return result

    def run_checkpoint(_context: JobContext) -> dict[str, int]:
        return maintenance.checkpoint() | {"pid": os.getpid()}  # the pid says which process ran it

    def run_knowledge_scan(_context: JobContext) -> dict[str, Any]:
        # Looked up at run time: the knowledge runtime is wired beside operations, not inside them.
        return scan_knowledgebase(state.knowledge).model_dump(mode="json")

    state.sampler = Sampler(
        config.data_dir, config.database_path, config.index_dir, lambda: state.backups.directory().path, disk
    )

    def run_metrics_sample(_context: JobContext) -> dict[str, Any]:
        return state.sampler.sample()  # type: ignore[no-any-return]

    jobs = scheduled_jobs(run_backup, run_maintenance, run_checkpoint, run_knowledge_scan, run_metrics_sample)
    # A restore made while no server ran (`devcell restore`) left its marker: check the index once serving.
    state.scheduler = Scheduler(config.data_dir, state.jobs, settings, jobs, (state.index_care.check_after_restore,))
    context = HealthContext(
        data_dir=config.data_dir,
        host=config.host,
        setting=settings.get,
        disk=disk,
        backups=state.backups,
        runner=state.jobs,
        scheduler=state.scheduler,
        recovery=state.recovery,
        # The LLM client sets `app.state.health.context.llm_probe` (returns None when reachable, else why not).
        llm_probe=None,
        index=state.index_care,
    )
    state.health = Health(context, CHECKS)
