"""The composition root: builds every part of a running server onto the typed `app.state` (core/state.py).

Slices do not find their collaborators; this module hands each what it needs (settings, the job runner, the
knowledge runtime, backups, the disk probe ...) and registers the scheduled jobs. `app.py` decides when (start,
recovery mode, leaving it); this module decides what.
"""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path
from typing import Any

from devcell.accounts.sessions import (
    ACTIVITY,
    CREDENTIALS,
    LOGIN_GUARD,
    Activity,
    Authenticator,
    Credentials,
    LoginGuard,
    prune_expired_sessions,
)
from devcell.backups.folders import folder_problem
from devcell.backups.service import BACKUPS, Backups
from devcell.chat.service import prune_expired as prune_expired_chats
from devcell.core import llm, llm_server
from devcell.core.config import Config
from devcell.core.disk import DISK, DiskProbe
from devcell.core.jobs import JOBS, JobContext, JobRunner
from devcell.core.processes import HEARTBEAT, Heartbeat, Report
from devcell.core.scheduler import SCHEDULER, ScheduledJob, Scheduler
from devcell.core.state import AppState
from devcell.documents.service import LIBRARY, remove_abandoned_uploads
from devcell.health.checks import CHECKS
from devcell.health.guard import GATE, Gate, RequestGuard
from devcell.health.registry import HEALTH, Health, HealthContext
from devcell.health.service import READINESS, Readiness, ready_conditions
from devcell.health.watch import DATABASE_WATCH, Recovery, close_restored_jobs
from devcell.notifications import rules as notification_rules
from devcell.notifications import service as notifications
from devcell.notifications.due import send_due_notes
from devcell.notifications.reminders import send_standup_reminders
from devcell.operations import maintenance
from devcell.operations.samples import SAMPLER, Sampler
from devcell.operations.schedule import scheduled_jobs
from devcell.recovery import service as recovery_service
from devcell.recovery.service import RECOVERY_MODE, RecoveryMode
from devcell.search import answers as search_answers
from devcell.search import runtime as search_runtime
from devcell.search.index_care import INDEX_CARE, IndexCare
from devcell.search.indexing import scan as scan_knowledgebase
from devcell.search.runtime import KNOWLEDGE
from devcell.search.service import IndexedLibrary
from devcell.settings.service import SETTINGS_STORE, SettingsStore


def wire(state: AppState, secret: str) -> None:
    """Everything a serving DevCell runs, built from the configuration and the secret key; nothing is started."""
    config = state.config
    settings = state.provide(SETTINGS_STORE, SettingsStore(config.setting_overrides()))
    credentials = state.provide(CREDENTIALS, Credentials(secret))
    activity = state.provide(ACTIVITY, Activity())
    state.authenticator = Authenticator(credentials, settings, activity)
    state.provide(LOGIN_GUARD, LoginGuard(settings))
    jobs = state.provide(JOBS, JobRunner(config.job_workers))
    knowledge = state.provide(KNOWLEDGE, search_runtime.from_config(config, settings, jobs))
    state.provide(LIBRARY, IndexedLibrary(knowledge))  # how the documents slice reaches the index
    _wire_operations(state, config, settings, jobs)
    notification_rules.listen(lambda: settings.get_str("standup_visibility"))  # tasks, standups, jobs
    _wire_heartbeat(state, jobs)
    state.need(HEALTH).context.llm_probe = lambda: llm.probe(search_answers.llm_config(settings))
    state.need(HEALTH).context.llm_context = lambda: settings.context_warning(discover=True)
    llm.listen_to_errors(llm_server.learn_from_error)  # llama-cpp-python tells its context only in overflow errors


def _wire_heartbeat(state: AppState, jobs: JobRunner) -> None:
    """This process in the process list (several serve one PostgreSQL database past one box): what it reports,
    and the sweep that fails the jobs of processes that are gone."""
    scheduler, knowledge = state.need(SCHEDULER), state.need(KNOWLEDGE)

    def report() -> Report:
        vectors = "unreachable" if knowledge.outage_checked_at is not None else "ok"
        return Report(runs_scheduler=scheduler.runs_here, vectors=vectors, vectors_ms=knowledge.index_round_trip_ms())

    state.provide(HEARTBEAT, Heartbeat(report, jobs.recover))


def _wire_operations(state: AppState, config: Config, settings: SettingsStore, jobs: JobRunner) -> None:
    """The self-management parts: guard, database watch, backups, maintenance, scheduler, health, metrics."""
    disk = state.get(DISK) or state.provide(DISK, DiskProbe())  # tests provide a nearly full disk beforehand
    gate = state.provide(GATE, Gate())
    guard = RequestGuard(gate, disk, config.data_dir, lambda: settings.get_int("disk_floor_mb"))
    state.request_guard = guard
    watch = state.provide(DATABASE_WATCH, Recovery(gate))
    state.provide(READINESS, Readiness(config.tmp_dir, lambda: ready_conditions(watch, gate, guard)))
    watch.start()
    index_care = state.provide(INDEX_CARE, IndexCare(state.need(KNOWLEDGE), jobs, config.data_dir))
    backups = state.provide(BACKUPS, _backups(config, settings, disk, gate, watch, index_care))
    # A backup folder is saved only once this process (under the service's sandbox) wrote a file there.
    settings.add_check("backup_dir", lambda value: folder_problem(Path(str(value))))
    state.provide(
        SAMPLER,
        Sampler(config.data_dir, config.database_path, config.index_dir, lambda: backups.directory().path, disk),
    )
    jobs_table = _scheduled_jobs(state, _upkeep(config, settings, disk, gate, jobs))
    # A restore made while no server ran (`devcell restore`) left its marker: check the index once serving.
    scheduler = state.provide(
        SCHEDULER, Scheduler(config.data_dir, jobs, settings, jobs_table, (index_care.check_after_restore,))
    )
    context = HealthContext(
        data_dir=config.data_dir,
        host=config.host,
        setting=settings.get,
        disk=disk,
        backups=backups,
        runner=jobs,
        scheduler=scheduler,
        recovery=watch,
        llm_probe=None,  # set once the LLM client is wired (returns None when reachable, else why not)
        index=index_care,
        database_url=config.database_url,
    )
    state.provide(HEALTH, Health(context, CHECKS))


def _backups(
    config: Config, settings: SettingsStore, disk: DiskProbe, gate: Gate, watch: Recovery, index_care: IndexCare
) -> Backups:
    def after_restore() -> dict[str, Any]:
        watch.check()  # lifts the refusal of changes that a damaged database caused
        closed = close_restored_jobs()
        return {"index": index_care.check_after_restore(), "jobs_closed": closed}

    return Backups(
        config.data_dir,
        config.kb_dir,
        settings.get,
        disk,
        gate.hold,
        after_restore,
        embedding_model=config.embedding_model,
        zone=settings.zone,
        database_url=config.database_url,
    )


def _upkeep(
    config: Config, settings: SettingsStore, disk: DiskProbe, gate: Gate, jobs: JobRunner
) -> maintenance.Upkeep:
    """Nightly maintenance, handed what it prunes and sweeps from the slices that own it."""
    return maintenance.Upkeep(
        db_path=config.database_path,
        kb_dir=config.kb_dir,
        disk=disk,
        runner=jobs,
        prune_sessions=prune_expired_sessions,
        prune_chats=prune_expired_chats,
        prune_notifications=lambda: notifications.prune(settings.get_int("notification_retention_days")),
        abandoned_uploads=remove_abandoned_uploads,
        history_days=lambda: settings.get_int("job_history_days"),
        pause=gate.hold,
        today=lambda: datetime.now(settings.zone()),
    )


def _scheduled_jobs(state: AppState, upkeep: maintenance.Upkeep) -> list[ScheduledJob]:
    """What the scheduler runs; a backup or maintenance run makes the health checks look again."""

    def run_maintenance(context: JobContext) -> dict[str, Any]:
        result = maintenance.run_maintenance(upkeep, context)
        state.need(HEALTH).forget()
        return result

    def run_backup(context: JobContext) -> dict[str, Any]:
        result = state.need(BACKUPS).scheduled(context)
        state.need(HEALTH).forget()
        return result

    def run_checkpoint(_context: JobContext) -> dict[str, int]:
        return maintenance.checkpoint() | {"pid": os.getpid()}  # the pid says which process ran it

    def run_knowledge_scan(_context: JobContext) -> dict[str, Any]:
        return scan_knowledgebase(state.need(KNOWLEDGE)).model_dump(mode="json")

    def run_metrics_sample(_context: JobContext) -> dict[str, Any]:
        return state.need(SAMPLER).sample()

    def run_reminders(_context: JobContext) -> dict[str, int]:
        settings = state.need(SETTINGS_STORE)
        zone = settings.time_zone()
        due = send_due_notes(zone)
        standup = send_standup_reminders(settings.get_str("standup_reminder_time"), zone)
        return {"due": due, "standup": standup}

    return scheduled_jobs(
        run_backup, run_maintenance, run_checkpoint, run_knowledge_scan, run_metrics_sample, run_reminders
    )


def enter_recovery(state: AppState, problem: str) -> RecoveryMode:
    """Recovery mode's parts: health and the recovery page only; nobody can sign in (the accounts are in the
    damaged database). `RecoveryMode.leave` is set by the caller, which knows how to start the services."""
    mode = state.provide(RECOVERY_MODE, recovery_service.enter(state.config, problem))
    state.request_guard = recovery_service.RecoveryGuard()
    state.provide(READINESS, recovery_service.Unready(problem))
    return mode
