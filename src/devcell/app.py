"""create_app(config) -> the Starlette app: routes, middleware, lifespan. It wires; it does not do."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import threading
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from peewee import OperationalError
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
from devcell.accounts.sessions import ACTIVITY, Activity, prune_expired_sessions
from devcell.assistant import routes as assistant_routes
from devcell.backups import routes as backups_routes
from devcell.chat import routes as chat_routes
from devcell.core import paths
from devcell.core.auth import Access
from devcell.core.config import Config, load_or_create_secret, prepare_data_dir
from devcell.core.db import DatabaseUnreachable, close_database, database_problem, init_database, is_damage
from devcell.core.errors import HttpError, InternalError, MethodNotAllowed, NotFound
from devcell.core.jobs import JOBS
from devcell.core.middleware import AllowedHosts, GZip, SecurityHeaders
from devcell.core.migrations.runner import migrate
from devcell.core.openapi import openapi_document
from devcell.core.processes import HEARTBEAT
from devcell.core.scheduler import SCHEDULER
from devcell.core.spa import spa_routes
from devcell.core.state import AppState
from devcell.core.web import ApiRoute, Call, error_response
from devcell.dashboard import routes as dashboard_routes
from devcell.documents import routes as documents_routes
from devcell.finder import routes as finder_routes
from devcell.health import routes as health_routes
from devcell.notifications import routes as notifications_routes
from devcell.operations import routes as operations_routes
from devcell.operations.metrics import RequestMetrics
from devcell.projects import routes as projects_routes
from devcell.recovery import routes as recovery_routes
from devcell.recovery.service import RECOVERY_MODE
from devcell.search import indexing as search_indexing
from devcell.search import routes as search_routes
from devcell.search.runtime import KNOWLEDGE
from devcell.settings import routes as settings_routes
from devcell.settings.service import SETTINGS_STORE
from devcell.standups import routes as standups_routes
from devcell.tasks import routes as tasks_routes
from devcell.training import routes as training_routes
from devcell.wiring import enter_recovery, wire

log = logging.getLogger(__name__)

HOUSEKEEPING_SECONDS = 60.0
SERVER_RETRY_SECONDS = 5.0
# Set by the server when it is asked to stop (SIGTERM, Ctrl-C), which uvicorn would not act on while the app starts.
STOP_REQUESTED = threading.Event()


def api_routes() -> list[ApiRoute]:
    """Every JSON API route of every slice; later slices add theirs here."""
    return [
        *health_routes.ROUTES,
        *operations_routes.ROUTES,
        *accounts_routes.ROUTES,
        *settings_routes.ROUTES,
        *notifications_routes.ROUTES,
        *projects_routes.ROUTES,
        *tasks_routes.ROUTES,
        *standups_routes.ROUTES,
        *dashboard_routes.ROUTES,
        *documents_routes.ROUTES,
        *search_routes.ROUTES,
        *finder_routes.ROUTES,
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
    init_database(config.database_target)
    try:
        migrate(config.database_path, config.snapshots_dir)
    except OperationalError as exc:
        if config.database_url is None:
            raise
        raise DatabaseUnreachable(config.database_url, exc) from exc
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


def _state(app: Starlette) -> AppState:
    state = app.state
    assert isinstance(state, AppState)  # create_app sets it
    return state


@dataclass
class _Running:
    """What a started server must stop again (recovery mode starts none of it until a restore succeeds)."""

    knowledge_start: asyncio.Task[Any]
    housekeeping: asyncio.Task[None]


async def _start_services(app: Starlette, secret: str) -> _Running:
    state = _state(app)
    config = state.config
    wire(state, secret)
    await run_in_threadpool(state.need(SETTINGS_STORE).refresh, True)
    await run_in_threadpool(state.need(HEARTBEAT).start)  # registered before it submits a job or fails others'
    interrupted = await run_in_threadpool(state.need(JOBS).recover)
    if interrupted:
        log.warning("%d job(s) were interrupted by the last shutdown and are marked failed", interrupted)
    await run_in_threadpool(_announce_setup, config)
    # In the background: the scan only stats files, but indexing what it finds must not delay readiness.
    knowledge_start = asyncio.create_task(run_in_threadpool(search_indexing.start, state.need(KNOWLEDGE)))
    await run_in_threadpool(state.need(SCHEDULER).start)
    await run_in_threadpool(state.need(HEARTBEAT).beat)  # the process list says at once whether it runs the jobs
    housekeeping = asyncio.create_task(_housekeeping(state.need(ACTIVITY)))
    log.info("DevCell %s ready on http://%s:%s (data in %s)", __version__, config.host, config.port, config.data_dir)
    return _Running(knowledge_start, housekeeping)


async def _stop_services(app: Starlette, running: _Running) -> None:
    state = _state(app)
    running.housekeeping.cancel()
    await run_in_threadpool(state.need(SCHEDULER).stop)
    await run_in_threadpool(state.need(JOBS).shutdown)
    await run_in_threadpool(state.need(HEARTBEAT).stop)
    await asyncio.gather(running.knowledge_start, return_exceptions=True)
    state.need(KNOWLEDGE).close()
    await run_in_threadpool(state.need(ACTIVITY).flush)


async def _open_server_database(config: Config) -> str:
    """A PostgreSQL server that does not answer yet (down, or still starting after a reboot) is waited for, with a
    line in the log each time, rather than a service that exits and is restarted until systemd gives up."""
    while True:
        try:
            return await run_in_threadpool(open_storage, config)
        except DatabaseUnreachable as exc:
            log.error("%s; trying again in %.0f s", exc, SERVER_RETRY_SECONDS)
            await run_in_threadpool(close_database)
        if await run_in_threadpool(STOP_REQUESTED.wait, SERVER_RETRY_SECONDS):
            # uvicorn acts on a stop only once the start is over: nothing is open yet, so leave now.
            log.info("stopped while waiting for the database")
            logging.shutdown()
            os._exit(0)


async def _open_or_diagnose(config: Config) -> tuple[str | None, str | None]:
    """(secret, None) when the storage opened and migrated; (None, why not) when the database is damaged."""
    if config.uses_postgresql:
        return await _open_server_database(config), None
    problem = await run_in_threadpool(database_problem, config.database_path)
    if problem is not None:
        return None, problem
    try:
        return await run_in_threadpool(open_storage, config), None
    except Exception as exc:
        if not is_damage(exc):
            raise
        return None, f"SQLite cannot read {config.database_path.name}: {exc}"


def _enter_recovery(app: Starlette, problem: str, started: list[_Running]) -> None:
    """Serve health and the recovery page only; a successful restore starts everything else (`leave`)."""
    state = _state(app)
    mode = enter_recovery(state, problem)

    async def leave() -> None:
        mode.lock.release()  # the scheduler takes it next
        secret = await run_in_threadpool(open_storage, state.config)
        started.append(await _start_services(app, secret))
        state.drop(RECOVERY_MODE)

    mode.leave = leave


@contextlib.asynccontextmanager
async def lifespan(app: Starlette) -> AsyncIterator[None]:
    config = _state(app).config
    for note in config.notes:
        log.info("config: %s", note)
    secret, problem = await _open_or_diagnose(config)
    started: list[_Running] = []
    if secret is not None:
        started.append(await _start_services(app, secret))
    else:
        assert problem is not None
        await run_in_threadpool(_enter_recovery, app, problem, started)
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
            message = f"{request.method} is not allowed here; use {', '.join(allowed)}."
            return error_response(MethodNotAllowed(message, allowed=allowed))
        return error_response(NotFound(f"There is no API endpoint {request.url.path}."))

    # Every method: otherwise Starlette answers unknown POST/PUT/... paths itself, outside the error envelope.
    return Route("/api/{rest:path}", endpoint, methods=list(_ALL_METHODS))


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    return error_response(HttpError(exc.detail, status=exc.status_code))


async def _server_error(request: Request, exc: Exception) -> Response:
    log.error("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    return error_response(InternalError("Something went wrong inside DevCell. The details are in the service log."))


async def openapi(call: Call) -> dict[str, Any]:
    """The OpenAPI 3.1 description of this API, generated from the route table."""
    state = call.state
    if state.openapi is None:
        state.openapi = openapi_document(state.api_routes, __version__)
    return state.openapi


def create_app(config: Config) -> Starlette:
    """The DevCell ASGI app. Storage is opened and migrated in its lifespan, not here."""
    api = [*api_routes(), ApiRoute("GET", "/api/openapi.json", openapi, access=Access.USER)]
    dist: Path = config.web_dist or paths.web_dist()
    routes: list[BaseRoute] = [*api, *operations_routes.OUTSIDE_API, _unknown_api(api), *spa_routes(dist)]
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
    app.state = AppState(config, api)
    return app
