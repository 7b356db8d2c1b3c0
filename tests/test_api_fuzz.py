"""Fuzz every operation of /api/openapi.json with schemathesis, as a signed-in admin and as a signed-in plain user
(issue #13): no answer is a server error, and every answer has a declared status, content type and schema.

Each identity gets its own fresh instance with a little real data (a project, a task, a comment, a standup, a
note), so ids the fuzzer picks sometimes exist. Requests go in process through schemathesis' ASGI client, while the
app's lifespan runs in a TestClient as in every other test. Generation is seeded and derandomized, and Hypothesis
keeps no example database, so CI sees the same cases on every run.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import requests
import schemathesis
from hypothesis import assume
from hypothesis.configuration import set_hypothesis_home_dir
from schemathesis import Case
from schemathesis.checks import not_a_server_error
from schemathesis.config import SchemathesisConfig
from schemathesis.python.asgi import get_client
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from starlette.applications import Starlette
from starlette.testclient import TestClient

from devcell import __version__
from devcell.app import create_app
from devcell.core.config import load_config
from devcell.core.openapi import openapi_document
from tests.conftest import ADMIN_PASSWORD, USER_PASSWORD, Actor, create_user, new_client, setup_code, sign_in
from tests.documents.conftest import wait_jobs

# Per operation: the fuzzing phase's example count. The coverage phase adds its own boundary cases (empty, too
# long, wrong type, ...) on top; together they keep both runs within a few minutes on a loaded 2-core box. To hunt
# deeper by hand: DEVCELL_FUZZ_EXAMPLES=200 DEVCELL_FUZZ_SEED=7 pytest tests/test_api_fuzz.py
MAX_EXAMPLES = int(os.environ.get("DEVCELL_FUZZ_EXAMPLES", "20"))
SEED = int(os.environ.get("DEVCELL_FUZZ_SEED", "13"))
CONFIG = SchemathesisConfig.from_dict(
    {
        "seed": SEED,
        "generation": {
            "mode": "all",  # valid and invalid input: an invalid one must get a 4xx, never a 500
            "max-examples": MAX_EXAMPLES,
            "deterministic": True,
            "database": "none",
            # The session cookie is ours; a generated one would only sign the fuzzer out.
            "with-security-parameters": False,
        },
        "phases": {"stateful": {"enabled": False}},
        # DESIGN §6: 503 (no LLM, or a restore running), 504 (LLM timeout) and 507 (disk full) are answers the API
        # declares; any other 5xx is a bug.
        "checks": {"not_a_server_error": {"expected-statuses": ["2xx", "3xx", "4xx", 503, 504, 507]}},
        # A stream (job events) that never ends is cut here instead of hanging the run.
        "request-timeout": 10,
    }
)
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]

# Operations that end the caller's own sessions. They are fuzzed like the rest, and the fuzzer signs in again
# afterwards, so the calls after them still run as the signed-in identity.
SIGNS_OUT = {"POST /api/auth/logout", "POST /api/auth/logout-all"}
# Restoring a backup replaces the whole instance (and pauses the API) mid-run; the backups tests cover it.
# The notifications event stream stays open as long as a tab does: every example would wait out the request
# timeout (tests/notifications/test_live.py reads it through a real server).
EXCLUDED = ["/api/backups/{name}/restore", "/api/notifications/events"]
# Renewing a session after a sign-out is a normal sign-in, from an address the fuzzer's failed sign-ins (it also
# fuzzes /api/auth/login) do not throttle.
RENEW_ADDRESS = ("fuzzer-renewal", 50001)

# Hypothesis caches what it learns (unicode tables, constants found in our source) under ./.hypothesis, starting
# while pytest collects this module; keep it out of the checkout.
set_hypothesis_home_dir(Path(tempfile.gettempdir()) / "devcell-hypothesis")

# The document is generated from the route table alone; an app that never starts gives it without a data dir.
# `test_fuzzed_document_is_the_served_one` checks that a running instance serves exactly this.
DOCUMENT = openapi_document(create_app(load_config({})).state.api_routes, __version__)
schema = schemathesis.openapi.from_dict(DOCUMENT, config=CONFIG).exclude(path=EXCLUDED)
FUZZED_OPERATIONS = sum(1 for path, item in DOCUMENT["paths"].items() if path not in EXCLUDED for _method in item)
BASE_URL = "http://testserver"
# Operations that must answer 2xx at least once, so a run that lost its sign-in or its data fails. With seed 13
# and 20 examples: 72 of 133 as admin, 56 as user (the rest answer 403/404/409/422/503 to generated input).
MIN_REACHED_AS_ADMIN = 60
MIN_REACHED_AS_USER = 45


@dataclass
class Identity:
    """A signed-in browser for schemathesis: the session cookie in the cookie jar, the CSRF token as a header."""

    app: Starlette
    username: str
    password: str
    session: requests.Session = field(init=False)
    user_id: int = 0
    session_id: int = 0
    tried: set[str] = field(default_factory=set)
    # Operations that answered this identity with a 2xx at least once: proof the run was not all 401s and 404s.
    reached: set[str] = field(default_factory=set)

    def __post_init__(self) -> None:
        # Not entered: the app's lifespan already runs (the `client` fixture); entering would start a second one.
        self.session = get_client(self.app)
        self.sign_in()

    def sign_in(self) -> None:
        browser = new_client(self.app, client=RENEW_ADDRESS)
        response = browser.post("/api/auth/login", json={"username": self.username, "password": self.password})
        assert response.status_code == 200, response.text
        body = response.json()
        self.user_id = body["user"]["id"]
        self.session.cookies.clear()
        self.session.cookies.set("devcell_session", browser.cookies["devcell_session"])
        self.session.headers["X-CSRF-Token"] = body["csrf_token"]
        sessions = self.session.get("/api/auth/sessions").json()["items"]
        self.session_id = next(s["id"] for s in sessions if s["current"])

    def signed_in(self) -> bool:
        return self.session.get("/api/auth/me").status_code == 200


def acts_on_itself(case: Case, me: Identity) -> bool:
    """Calls that would lock the fuzzer out for good, so no sign-in can bring it back: ending its own session by
    id, or (as admin) resetting its own password, deactivating or demoting itself. Everything else, including
    these operations on other ids, is fuzzed."""
    label = case.operation.label
    params = case.path_parameters or {}
    if label == "DELETE /api/auth/sessions/{session_id}":
        return params.get("session_id") == me.session_id
    if params.get("user_id") != me.user_id:
        return False
    if label == "POST /api/users/{user_id}/password":
        return True
    if label == "PATCH /api/users/{user_id}" and isinstance(case.body, dict):
        return case.body.get("role") == "user" or case.body.get("active") is False
    return False


def seed_data(actor: Actor) -> None:
    """One of each main object, so some generated ids name real rows."""
    project = actor.post("/api/projects", json={"name": "Fuzzed project", "description": "d"}).json()
    task = actor.post("/api/tasks", json={"title": "Fuzzed task", "project_id": project["id"]}).json()
    assert actor.post(f"/api/tasks/{task['id']}/comments", json={"body": "A comment"}).status_code == 201
    assert actor.post("/api/standups", json={"yesterday": "a", "today": "b", "blockers": ""}).status_code == 201
    assert actor.post("/api/documents/notes", json={"title": "A note", "text": "Some text."}).status_code == 201


def settle(admin: Actor) -> None:
    """Until the seeded note is indexed: its job imports chromadb and onnxruntime on another thread, and hypothesis,
    which walks sys.modules while it draws a case, failed once with "dictionary changed size during iteration" when
    the two overlapped."""
    wait_jobs(admin, timeout=300)


@contextlib.contextmanager
def instance(data_dir: Path) -> Iterator[tuple[Starlette, Actor]]:
    """A fresh instance with its lifespan running, set up through the setup page, and its first admin."""
    config = load_config({}, data_dir=data_dir)
    app = create_app(config)
    with TestClient(app) as browser:
        response = browser.post(
            "/api/setup",
            json={"setup_code": setup_code(config), "username": "admin", "password": ADMIN_PASSWORD},
        )
        assert response.status_code == 201, response.text
        yield app, Actor(browser, response.json()["user"], response.json()["csrf_token"])


# Class-scoped: schemathesis makes one test per operation, and a fresh instance for each would cost more than
# fuzzing it. Each identity gets its own instance, so neither run depends on what the other did, and one instance
# ends before the next starts: the database connection is process-wide (core.db), one instance at a time.
@pytest.fixture(scope="class")
def as_admin(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Identity]:
    with instance(tmp_path_factory.mktemp("fuzz-admin") / "data") as (app, admin):
        create_user(admin, "member")
        seed_data(admin)
        settle(admin)
        me = Identity(app, "admin", ADMIN_PASSWORD)
        yield me
        still_useful(me, MIN_REACHED_AS_ADMIN)


@pytest.fixture(scope="class")
def as_user(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Identity]:
    with instance(tmp_path_factory.mktemp("fuzz-user") / "data") as (app, admin):
        create_user(admin, "user")
        seed_data(sign_in(app, "user", USER_PASSWORD))
        settle(admin)
        me = Identity(app, "user", USER_PASSWORD)
        yield me
        still_useful(me, MIN_REACHED_AS_USER)


def still_useful(me: Identity, min_reached: int) -> None:
    """After the run: the identity is still signed in, and many operations did their work for it."""
    assert me.signed_in()
    if len(me.tried) == FUZZED_OPERATIONS:  # a full run (a -k selection may reach few)
        assert len(me.reached) >= min_reached, sorted(me.reached)


def call(case: Case, me: Identity) -> None:
    assume(not acts_on_itself(case, me))
    me.tried.add(case.operation.label)
    response = case.call_and_validate(base_url=BASE_URL, session=me.session, checks=CHECKS)
    if 200 <= response.status_code < 300:
        me.reached.add(case.operation.label)
    if case.operation.label in SIGNS_OUT and not me.signed_in():
        me.sign_in()


def test_fuzzed_document_is_the_served_one(admin: Actor) -> None:
    assert admin.get("/api/openapi.json").json() == DOCUMENT


class TestAsAdmin:
    @schema.parametrize()
    def test_fuzz(self, case: Case, as_admin: Identity) -> None:
        call(case, as_admin)


class TestAsUser:
    @schema.parametrize()
    def test_fuzz(self, case: Case, as_user: Identity) -> None:
        call(case, as_user)
