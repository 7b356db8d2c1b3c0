"""create_app(config) -> the Starlette app: routes, middleware, lifespan. It wires; it does not do."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from devcell import __version__
from devcell.accounts import routes as accounts_routes
from devcell.accounts.service import announce_setup_code, needs_setup
from devcell.accounts.sessions import Activity, Authenticator, Credentials, LoginGuard, prune_expired_sessions
from devcell.assistant import routes as assistant_routes
from devcell.backups import routes as backups_routes
from devcell.chat import routes as chat_routes
from devcell.config import Config, load_or_create_secret, prepare_data_dir
from devcell.core import llm, paths
from devcell.core.auth import Access
from devcell.core.db import close_database, database_problem, init_database, is_damage
from devcell.core.errors import DevCellError, NotFound
from devcell.core.jobs import JobRunner
from devcell.core.middleware import AllowedHosts, GZip, SecurityHeaders
from devcell.core.migrations.runner import migrate
from devcell.core.openapi import openapi_document
from devcell.core.ratelimit import SlidingWindowLimiter
from devcell.core.spa import spa_routes
from devcell.core.web import ApiRoute, Call, error_response, json
from devcell.dashboard import routes as dashboard_routes
from devcell.knowledge import answers as knowledge_answers
from devcell.knowledge import indexing as knowledge_indexing
from devcell.knowledge import routes as knowledge_routes
from devcell.knowledge import runtime as knowledge_runtime
from devcell.projects import routes as projects_routes
from devcell.recovery import routes as recovery_routes
from devcell.recovery import service as recovery_service
from devcell.settings import routes as settings_routes
from devcell.settings.service import SettingsStore
from devcell.standups import routes as standups_routes
from devcell.system import routes as system_routes
from devcell.system.metrics import RequestMetrics
from devcell.system.wiring import wire_operations
from devcell.tasks import routes as tasks_routes
from devcell.training import routes as training_routes

log = logging.getLogger(__name__)

HOUSEKEEPING_SECONDS = 60.0


def api_routes() -> list[ApiRoute]:
    """Every JSON API route of every slice; later slices add theirs here."""
    return [
        *system_routes.ROUTES,
        *accounts_routes.ROUTES,
        *settings_routes.ROUTES,
        *projects_routes.ROUTES,
        *tasks_routes.ROUTES,
        *standups_routes.ROUTES,
        *dashboard_routes.ROUTES,
        *knowledge_routes.ROUTES,
        *chat_routes.ROUTES,
        *assistant_routes.ROUTES,
        *training_routes.ROUTES,
        *backups_routes.ROUTES,
        *recovery_routes.ROUTES,
    ]


def open_storage(config: Config) -> str:
    """Create the data directory, load (or create) the secret, open the database and migrate it.
    Shared by the server and the CLI. Returns the secret key."""
    prepare_data_dir(config)
    secret = load_or_create_secret(config)
    init_database(config.database_path)
    migrate(config.database_path, config.snapshots_dir)
    return secret


def _announce_setup(config: Config) -> None:
    if needs_setup():
        announce_setup_code(config.data_dir)


async def _housekeeping(activity: Activity) -> None:
    """Write batched last-seen times and drop expired sessions, once a minute."""
    while True:
        await asyncio.sleep(HOUSEKEEPING_SECONDS)
        try:
            await run_in_threadpool(activity.flush)
            await run_in_threadpool(prune_expired_sessions)
        except Exception:
            log.exception("housekeeping failed; retrying in a minute")


def _wire_state(app: Starlette, config: Config, secret: str) -> None:
    state = app.state
    state.config = config
    state.settings = SettingsStore(config.setting_overrides())
    state.credentials = Credentials(secret)
    state.activity = Activity()
    state.authenticator = Authenticator(state.credentials, state.settings, state.activity)
    state.login_guard = LoginGuard(state.settings)
    state.anonymous_limiter = SlidingWindowLimiter(20, 15 * 60)
    state.jobs = JobRunner(config.job_workers)
    state.knowledge = knowledge_runtime.from_config(config, state.settings, state.jobs)
    wire_operations(state, config, prune_expired_sessions)
    state.health.context.llm_probe = lambda: llm.probe(knowledge_answers.llm_config(state.settings))


@dataclass
class _Running:
    """What a started server must stop again (recovery mode starts none of it until a restore succeeds)."""

    knowledge_start: asyncio.Task[Any]
    housekeeping: asyncio.Task[None]


async def _start_services(app: Starlette, config: Config, secret: str) -> _Running:
    _wire_state(app, config, secret)
    await run_in_threadpool(app.state.settings.refresh, True)
    interrupted = await run_in_threadpool(app.state.jobs.recover)
    if interrupted:
        log.warning("%d job(s) were interrupted by the last shutdown and are marked failed", interrupted)
    await run_in_threadpool(_announce_setup, config)
    # In the background: the scan only stats files, but indexing what it finds must not delay readiness.
    knowledge_start = asyncio.create_task(run_in_threadpool(knowledge_indexing.start, app.state.knowledge))
    await run_in_threadpool(app.state.scheduler.start)
    housekeeping = asyncio.create_task(_housekeeping(app.state.activity))
    log.info("DevCell %s ready on http://%s:%s (data in %s)", __version__, config.host, config.port, config.data_dir)
    return _Running(knowledge_start, housekeeping)


async def _stop_services(app: Starlette, running: _Running) -> None:
    running.housekeeping.cancel()
    await run_in_threadpool(app.state.scheduler.stop)
    await run_in_threadpool(app.state.jobs.shutdown)
    await asyncio.gather(running.knowledge_start, return_exceptions=True)
    app.state.knowledge.close()
    await run_in_threadpool(app.state.activity.flush)


async def _open_or_diagnose(config: Config) -> tuple[str | None, str | None]:
    """(secret, None) when the storage opened and migrated; (None, why not) when the database is damaged."""
    problem = await run_in_threadpool(database_problem, config.database_path)
    if problem is not None:
        return None, problem
    try:
        return await run_in_threadpool(open_storage, config), None
    except Exception as exc:
        if not is_damage(exc):
            raise
        return None, f"SQLite cannot read {config.database_path.name}: {exc}"


def _enter_recovery(app: Starlette, config: Config, problem: str, started: list[_Running]) -> None:
    """Serve health and the recovery page only; a successful restore starts everything else (`leave`)."""
    state = app.state
    state.recovery_mode = recovery_service.enter(config, problem)
    state.authenticator = lambda _bearer, _cookie: None  # the accounts are in the damaged database
    state.request_guard = recovery_service.guard
    state.readiness = recovery_service.Unready(problem)
    state.anonymous_limiter = SlidingWindowLimiter(20, 15 * 60)

    async def leave() -> None:
        state.recovery_mode.lock.release()  # the scheduler takes it next
        secret = await run_in_threadpool(open_storage, config)
        started.append(await _start_services(app, config, secret))
        state.recovery_mode = None

    state.leave_recovery = leave


@contextlib.asynccontextmanager
async def lifespan(app: Starlette) -> AsyncIterator[None]:
    config: Config = app.state.config
    for note in config.notes:
        log.info("config: %s", note)
    secret, problem = await _open_or_diagnose(config)
    started: list[_Running] = []
    if secret is not None:
        started.append(await _start_services(app, config, secret))
    else:
        assert problem is not None
        await run_in_threadpool(_enter_recovery, app, config, problem, started)
    try:
        yield
    finally:
        for running in started:
            await _stop_services(app, running)
        close_database()


_ALL_METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")


def _unknown_api(routes: list[ApiRoute]) -> Route:
    async def endpoint(request: Request) -> Response:
        allowed = sorted({r.method for r in routes if r.path_regex.match(request.url.path)})
        if allowed:
            error = DevCellError(
                f"{request.method} is not allowed here; use {', '.join(allowed)}.", code="method_not_allowed"
            )
            error.status = 405
            response = error_response(error)
            response.headers["Allow"] = ", ".join(allowed)
            return response
        return error_response(NotFound(f"There is no API endpoint {request.url.path}."))

    # Every method: otherwise Starlette answers unknown POST/PUT/... paths itself, outside the error envelope.
    return Route("/api/{rest:path}", endpoint, methods=list(_ALL_METHODS))


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    error = DevCellError(exc.detail, code="http_error")
    error.status = exc.status_code
    return error_response(error)


async def _server_error(request: Request, exc: Exception) -> Response:
    log.error("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    error = DevCellError(
        "Something went wrong inside DevCell. The details are in the service log.", code="internal_error"
    )
    error.status = 500
    return error_response(error)


async def openapi(call: Call) -> Response:
    """The OpenAPI 3.1 description of this API, generated from the route table."""
    state = call.state
    if getattr(state, "openapi", None) is None:
        state.openapi = openapi_document(state.api_routes, __version__)
    return json(state.openapi)


def create_app(config: Config) -> Starlette:
    """The DevCell ASGI app. Storage is opened and migrated in its lifespan, not here."""
    api = [*api_routes(), ApiRoute("GET", "/api/openapi.json", openapi, access=Access.USER)]
    dist: Path = config.web_dist or paths.web_dist()
    routes: list[BaseRoute] = [*api, *system_routes.OUTSIDE_API, _unknown_api(api), *spa_routes(dist)]
    app = Starlette(
        routes=routes,
        middleware=[
            Middleware(RequestMetrics),
            Middleware(SecurityHeaders),
            Middleware(AllowedHosts, hosts=config.allowed_hosts),
            Middleware(GZip),
        ],
        exception_handlers={HTTPException: _http_error, Exception: _server_error},
        lifespan=lifespan,
    )
    app.state.config = config
    app.state.api_routes = api
    return app
