"""HTTP conventions: API routes with declared access rules, the request context, JSON bodies and errors."""

from __future__ import annotations

import hmac
import inspect
import logging
from collections.abc import Awaitable, Callable
from typing import Any, ParamSpec, TypeVar

import orjson
from pydantic import BaseModel, ValidationError
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Match, Route
from starlette.types import Scope

from devcell.core.auth import Access, Principal
from devcell.core.db import is_damage
from devcell.core.disk import disk_full
from devcell.core.errors import (
    DevCellError,
    Forbidden,
    MethodNotAllowed,
    PayloadTooLarge,
    ServiceUnavailable,
    Unauthorized,
    UnsupportedMediaType,
    ValidationFailed,
)
from devcell.core.field_errors import field_errors
from devcell.core.state import AppState

log = logging.getLogger(__name__)
P = ParamSpec("P")
R = TypeVar("R")
M = TypeVar("M", bound=BaseModel)

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
CSRF_HEADER = "x-csrf-token"
MAX_JSON_BYTES = 1_000_000
# Anonymous routes (sign-in, setup, registration) take a few short fields. A small cap means an unauthenticated
# caller can never make the process hold more than this per request (a 256 MB sign-in once cost 257 MB of RSS).
MAX_PUBLIC_JSON_BYTES = 16_384
# SQLite's INTEGER is a signed 64-bit value: a larger id or offset raised OverflowError (500) deep in a query.
MAX_DB_INT = 2**63 - 1
MIN_DB_INT = -(2**63)


SESSION_COOKIE = "devcell_session"


def json_default(value: Any) -> Any:
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json")
    raise TypeError(f"cannot serialise {type(value).__name__}")


class JSONResponse(Response):
    media_type = "application/json"

    def render(self, content: Any) -> bytes:
        # UTC as "Z", like pydantic: a plain dict with datetimes serialises exactly like the model it stands for.
        return orjson.dumps(content, default=json_default, option=orjson.OPT_NON_STR_KEYS | orjson.OPT_UTC_Z)


def json(content: Any, status: int = 200, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse(content, status_code=status, headers=headers)


def no_content() -> Response:
    return Response(status_code=204)


def error_response(error: DevCellError) -> JSONResponse:
    # Rate limits (429) and pauses (503, e.g. during a restore) say when to come back.
    retry = error.detail.get("retry_after") if isinstance(error.detail, dict) else None
    headers = {"Retry-After": str(retry)} if retry is not None and error.status in (429, 503) else None
    if error.status == 401:
        headers = {"WWW-Authenticate": 'Bearer realm="devcell"'}
    if isinstance(error, MethodNotAllowed):
        headers = {"Allow": ", ".join(error.allowed)}
    return json(error.envelope(), error.status, headers)


def validation_error(exc: ValidationError, where: str = "body") -> ValidationFailed:
    """Field errors named like `title` (body) or `query.limit`; a whole-input error is named `body` or `query`."""

    def field(loc: tuple[int | str, ...]) -> str:
        name = ".".join(str(part) for part in loc)
        if where == "body":
            return name or "body"
        return f"{where}.{name}" if name else where

    # In plain words (no "Value error, " prefix), every field's error: the form shows them all at once.
    detail = field_errors(exc, field)
    first = detail[0]
    return ValidationFailed(f"{first['field']}: {first['message']}", detail=detail)


class Call:
    """What an endpoint gets: the request, the caller, and helpers to parse input and run services."""

    def __init__(self, request: Request, principal: Principal | None, body_limit: int = MAX_JSON_BYTES) -> None:
        self.request = request
        self.principal = principal
        self.body_limit = body_limit

    @property
    def user(self) -> Principal:
        if self.principal is None:
            raise Unauthorized("Sign in to continue.")
        return self.principal

    @property
    def state(self) -> AppState:
        """The app's wired parts (built by devcell/wiring.py)."""
        return _state(self.request)

    async def parse_body(self, model: type[M]) -> M:
        """Parse and validate a JSON body; 415 for other content types, 422 with field errors when invalid.

        ApiRoute calls it for the body its row declares and hands the result to the handler, which never parses
        its own input (tests/test_architecture.py checks)."""
        content_type = self.request.headers.get("content-type", "")
        if content_type.split(";")[0].strip().lower() != "application/json":
            raise UnsupportedMediaType("Send the request body as JSON (Content-Type: application/json).")
        raw = await self._read_body()
        try:
            data = orjson.loads(raw or b"null")
        except orjson.JSONDecodeError:
            raise ValidationFailed.for_field("body", "is not valid JSON") from None
        try:
            return _in_db_range(model.model_validate(data), "body")
        except ValidationError as exc:
            raise validation_error(exc) from None

    async def _read_body(self) -> bytes:
        """The body, refused with 413 as soon as it is known to be over the route's limit: by its declared
        Content-Length before a byte is read, else (chunked, or a lying client) by counting while it streams."""
        limit = self.body_limit
        declared = self.request.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > limit:
            raise _too_large(limit)
        chunks: list[bytes] = []
        size = 0
        async for chunk in self.request.stream():
            size += len(chunk)
            if size > limit:
                raise _too_large(limit)
            chunks.append(chunk)
        return b"".join(chunks)

    def parse_query(self, model: type[M]) -> M:
        """Validate query parameters against a model (repeated keys become lists); ApiRoute's, like parse_body."""
        params: dict[str, Any] = {}
        for key in self.request.query_params:
            values = self.request.query_params.getlist(key)
            params[key] = values if len(values) > 1 else values[0]
        try:
            return _in_db_range(model.model_validate(params), "query")
        except ValidationError as exc:
            raise validation_error(exc, "query") from None

    @property
    def client_address(self) -> str:
        return self.request.client.host if self.request.client else "unknown"

    def path_int(self, name: str) -> int:
        raw = self.request.path_params[name]
        if not isinstance(raw, int):
            raise ValidationFailed.for_field(name, "must be a whole number")
        if raw > MAX_DB_INT:
            raise ValidationFailed.for_field(name, f"must be at most {MAX_DB_INT}")
        return raw

    async def run(self, fn: Callable[P, R], *args: P.args, **kwargs: P.kwargs) -> R:
        """Run a blocking service function in the thread pool (peewee state stays in that thread).

        For writes (they may wait on the write lock), searches, exports and anything that can take a while."""
        return await run_in_threadpool(fn, *args, **kwargs)

    def read(self, fn: Callable[P, R], *args: P.args, **kwargs: P.kwargs) -> R:
        """Run a short indexed read directly on the event loop, without the thread-pool hop.

        Only for reads that use an index and finish well under a millisecond (a page of a list, one row): the hop
        costs more than such a query (~2.5x throughput, see stack-notes "Serving speed"). Never for writes: a write
        can wait seconds on busy_timeout and would stall every request."""
        return fn(*args, **kwargs)


# `async def handler(call, [body], [query]) -> result`: `body` and `query` are passed in, parsed and validated, when
# the route row declares them; the result is a Response, or what the row's response model describes (rendered as
# JSON with the row's status; None for a 204).
Handler = Callable[..., Awaitable[object]]


class ResponseMismatch(AssertionError):
    """A handler returned what its route row does not declare (checked while the tests run)."""


def _damaged(exc: BaseException) -> ServiceUnavailable | None:
    """A read or write that hit a damaged page: 503 with what to do, not a 500 (the damage is known and logged)."""
    if not is_damage(exc):
        return None
    log.error("the database is damaged: %s", exc)
    return ServiceUnavailable(
        "Part of DevCell's database is damaged, so this could not be read or saved. An administrator can restore "
        "the newest good backup from the System page (or `devcell restore`).",
        code="database_damaged",
    )


def _too_large(limit: int) -> PayloadTooLarge:
    return PayloadTooLarge(f"The request body is larger than this endpoint accepts ({limit:,} bytes).")


def _out_of_range(value: object, where: str) -> str | None:
    """The name of the first whole number in `value` that SQLite cannot store, or None."""
    if isinstance(value, int) and not isinstance(value, bool):
        return where if not MIN_DB_INT <= value <= MAX_DB_INT else None
    if isinstance(value, BaseModel):
        items: Any = ((name, getattr(value, name)) for name in type(value).model_fields)
    elif isinstance(value, dict):
        items = value.items()
    elif isinstance(value, list | tuple | set | frozenset):
        items = enumerate(value)
    else:
        return None
    for key, item in items:
        found = _out_of_range(item, f"{where}.{key}")
        if found is not None:
            return found
    return None


def _in_db_range(parsed: M, where: str) -> M:
    """422 for any whole number outside SQLite's 64-bit range, wherever it sits in the input (ids, offsets,
    counts): each schema need not repeat the bound, and no such number reaches a query."""
    found = _out_of_range(parsed, where)
    if found is not None:
        name = found.removeprefix("body.") if where == "body" else found
        raise ValidationFailed.for_field(name, f"must be between {MIN_DB_INT} and {MAX_DB_INT}")
    return parsed


def _state(request: Request) -> AppState:
    state: AppState = request.app.state
    return state


def _check_csrf(request: Request, principal: Principal) -> None:
    if request.method in SAFE_METHODS or principal.session_id is None:
        return
    sent = request.headers.get(CSRF_HEADER, "")
    if not principal.csrf_token or not hmac.compare_digest(sent, principal.csrf_token):
        raise Forbidden("Missing or wrong CSRF token; reload the page and try again.", code="csrf_failed")


def authorize(request: Request, access: Access) -> Principal | None:
    """Resolve the caller and enforce the route's access rule (401 anonymous, 403 not allowed)."""
    authenticator = _state(request).authenticator
    header = request.headers.get("authorization", "")
    bearer = header[7:].strip() if header[:7].lower() == "bearer " else None
    principal = authenticator(bearer, request.cookies.get(SESSION_COOKIE))
    if access is Access.PUBLIC:
        if principal is not None:
            _check_csrf(request, principal)
        return principal
    if principal is None:
        raise Unauthorized("Sign in to continue.")
    _check_csrf(request, principal)
    if access is Access.ADMIN and not principal.is_admin:
        raise Forbidden("This needs an administrator.", code="admin_required")
    return principal


class ApiRoute(Route):
    """A JSON API route that declares who may call it, what it reads and what it returns; the declaration drives
    the handler: it gets the declared body and query parsed, and its result is rendered with the declared status.
    """

    # Set by the test suite: every 2xx JSON answer is validated against the declared response model, so a route
    # row can never describe (in OpenAPI and the generated TypeScript types) something other than what it returns.
    check_responses = False

    def __init__(
        self,
        method: str,
        path: str,
        handler: Handler,
        *,
        access: Access,
        body: type[BaseModel] | None = None,
        body_required: bool = True,
        query: type[BaseModel] | None = None,
        response: type[BaseModel] | None = None,
        status: int = 200,
        body_limit: int | None = None,
    ) -> None:
        self.access = access
        # JSON bodies stop at this size; routes that stream uploads enforce their own.
        self.body_limit = body_limit or (MAX_PUBLIC_JSON_BYTES if access is Access.PUBLIC else MAX_JSON_BYTES)
        self.handler = handler
        self.body_model = body
        # False: a request may leave the body out (no Content-Type) and gets the model's defaults, for a body
        # added to a route that older clients call without one.
        self.body_required = body_required
        self.query_model = query
        self.response_model = response
        self.status = status
        self.summary = (handler.__doc__ or handler.__name__).strip().splitlines()[0]
        _check_signature(method, path, handler, body, query)
        super().__init__(path, self._endpoint, methods=[method], name=handler.__name__)
        self.method = method
        # The router tries every route in turn; most cannot match, and a string test says so faster than the
        # regex (tens of routes come before the last slice's). None: the path has parameters.
        self._literal = None if "{" in path else path
        self._prefix = path.split("{", 1)[0]

    async def _endpoint(self, request: Request) -> Response:
        try:
            # The system's guard: 507 when the disk is nearly full, 503 while a restore runs.
            guard = _state(request).request_guard
            if guard is not None:
                guard(request)
            call = Call(request, authorize(request, self.access), self.body_limit)
            inputs: dict[str, BaseModel] = {}
            if self.body_model is not None:
                inputs["body"] = await self._body(call, self.body_model)
            if self.query_model is not None:
                inputs["query"] = call.parse_query(self.query_model)
            return self._render(await self.handler(call, **inputs))
        except DevCellError as error:
            return error_response(error)
        except Exception as exc:
            known = disk_full(exc) or _damaged(exc)
            if known is None:
                raise
            return error_response(known)

    async def _body(self, call: Call, model: type[BaseModel]) -> BaseModel:
        if not self.body_required and "content-type" not in call.request.headers:
            return model()
        return await call.parse_body(model)

    def _render(self, result: object) -> Response:
        if isinstance(result, Response):
            response = result
        elif self.status == 204:
            if result is not None:
                raise ResponseMismatch(f"{self.method} {self.path} declares 204 but returned {type(result).__name__}")
            response = no_content()
        else:
            response = json(result, self.status)
        if ApiRoute.check_responses:
            self._check(response)
        return response

    def _check(self, response: Response) -> None:
        model = self.response_model
        if model is None or not 200 <= response.status_code < 300 or response.media_type != "application/json":
            return
        try:
            model.model_validate_json(bytes(response.body))
        except ValidationError as exc:
            raise ResponseMismatch(f"{self.method} {self.path} returned what {model.__name__} rejects: {exc}") from exc

    def matches(self, scope: Scope) -> tuple[Match, Scope]:
        if scope["type"] == "http" and not scope.get("root_path"):
            path: str = scope["path"]
            if path != self._literal if self._literal is not None else not path.startswith(self._prefix):
                return Match.NONE, {}
        return super().matches(scope)


def _check_signature(
    method: str, path: str, handler: Handler, body: type[BaseModel] | None, query: type[BaseModel] | None
) -> None:
    """A handler takes the call, then exactly the inputs its row declares: caught when the module is imported."""
    names = list(inspect.signature(handler).parameters)[1:]
    wanted = [name for name, model in (("body", body), ("query", query)) if model is not None]
    if names != wanted:
        raise TypeError(f"{method} {path}: {handler.__name__}(call, {', '.join(names)}) must take (call, "
                        f"{', '.join(wanted)}) as its route row declares")  # fmt: skip


def permission_table(routes: list[ApiRoute]) -> dict[tuple[str, str], Access]:
    """The declared (method, path) -> access rule table that enforcement and the authorization test share."""
    return {(route.method, route.path): route.access for route in routes}
