"""Shared fixtures: a real data directory, the real app over HTTP in process, and signed-in actors."""

from __future__ import annotations

import os
import shutil
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import anyio
import httpx2
import pytest
from starlette.applications import Starlette
from starlette.testclient import TestClient

from devcell.accounts import _secrets
from devcell.app import create_app
from devcell.core.config import Config, load_config
from devcell.core.db import close_database, init_database
from devcell.core.migrations.runner import migrate
from devcell.core.web import ApiRoute
from tests.chroma_server import ChromaServer, chroma_server
from tests.fakes.llm_server import FakeLLM, running
from tests.postgres_server import PostgresCluster, postgres_cluster

__all__ = ["chroma_server", "postgres_cluster"]

ADMIN_PASSWORD = "admin-pass-1234"
USER_PASSWORD = "user-pass-5678"


def _load_anyio_up_front() -> None:
    """anyio imports its parts on first use. anyio is a pytest plugin, so pytest compiles (assertion-rewrites) each
    part as it comes, and CPython 3.11's compiler is not safe from two threads at once: a backup download opening its
    file on the app's thread while another thread compiled failed once in CI ("AST constructor recursion depth
    mismatch"). Loaded here, on the main thread, before any app runs."""
    for name in dir(anyio):
        if not name.startswith("_"):
            getattr(anyio, name)


_load_anyio_up_front()

# scrypt at the production cost takes ~50 ms per hash here and nearly every test hashes and verifies about ten
# passwords; the suite uses a cheap cost instead (the stored parameters change, nothing else).
# tests/accounts/test_secrets.py hashes with the production cost and checks it.
TEST_SCRYPT_COST = _secrets.ScryptCost(n=16, r=1, p=1)


def pytest_configure(config: pytest.Config) -> None:
    _secrets.hash_cost = TEST_SCRYPT_COST
    # Every 2xx JSON answer of every in-process test is checked against its route row's response model.
    ApiRoute.check_responses = True


# Work units for pytest-xdist (`build.py test` runs it): each test file goes to one worker, so module fixtures are
# built once, and all package tests go to the same one (they build and install one devcell.deb on this machine;
# a CI run saw a bench test read "a devcell package is installed here" from a package test on another worker).
# The longest units are handed out first: the package build and the browser tests start while the many short
# in-process files fill the other workers.
RANK = {"package": 0, "test_api_fuzz.py": 1, "e2e": 2, "faults": 2, "llm_real": 2}
OTHERS = 3


# Tests that install devcell.deb on this machine, or look at whether it is installed: never beside each other.
MACHINE_WIDE = ("tests/package/", "tests/bench/test_scenarios.py")


def _work_unit(nodeid: str) -> str:
    path = nodeid.split("::", 1)[0]
    return "this machine's devcell package" if path.startswith(MACHINE_WIDE) else path


def _rank(item: pytest.Item) -> int:
    """0 first; the top folder (or file) under tests/ decides."""
    try:
        top = item.path.relative_to(Path(__file__).parent).parts[0]
    except ValueError:
        return OTHERS
    return RANK.get(top, OTHERS)


def _unique_node_ids(items: list[pytest.Item]) -> None:
    """schemathesis 4.32.5 under pytest 9.2 gives every operation's test the same node id (pytest now builds it
    from `originalname`, which schemathesis sets to the bare function name). pytest-xdist keys work by node id, so
    it ran one fuzz test per class and silently dropped the other 268; the ids are rebuilt from the item's name
    (`test_fuzz[GET /api/tasks]`), and any duplicate left fails the collection instead of shrinking the run."""
    from _pytest.nodeid import NodeId

    counts = Counter(item.nodeid for item in items)
    for item in items:
        if counts[item.nodeid] > 1 and item.parent is not None:
            item._id = NodeId.parse(f"{item.parent.nodeid}::{item.name}")
    duplicates = [nodeid for nodeid, count in Counter(item.nodeid for item in items).items() if count > 1]
    if duplicates:
        raise pytest.UsageError(f"tests share node ids, so parallel runs would skip some: {duplicates[:5]}")


@pytest.hookimpl(tryfirst=True)  # before pytest-xdist's worker reports the collection to the controller
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    _unique_node_ids(items)
    items.sort(key=_rank)  # stable: collection order within a rank


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log: object) -> object:
    """xdist's loadgroup cannot be used: with pytest 9.2 its group suffix never reaches the node ids (xdist 3.8.0
    sets `item._nodeid`, which pytest no longer reads), so groups came apart and two workers built the package at
    once. This scheduler splits by our own rule instead."""
    from xdist.scheduler import LoadScopeScheduling

    # Our order, not xdist's default of most tests first: that put the fuzz file (271 tests) first and the package
    # unit (23 tests, the longest by far) behind a dozen files, a minute late on the critical path.
    config.option.loadscopereorder = False

    class FileOrPackage(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return _work_unit(nodeid)

    return FileOrPackage(config, log)  # type: ignore[arg-type]


@pytest.fixture(autouse=True)
def _umask_restored() -> Iterator[None]:
    """The devcell CLI sets umask 027 for the process; a test that runs it in process must not hand that on."""
    before = os.umask(0o022)
    os.umask(before)
    yield
    os.umask(before)


@pytest.fixture(scope="session", autouse=True)
def template_database(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An empty database migrated to HEAD by the real migrations, once per session (before any test's own
    fixtures, so no app is using the shared connection). The `app` fixture starts on a copy of it: the lifespan's
    migrate finds it current and does nothing (no snapshot either). tests/core/test_migrations.py migrates from
    scratch; so does every test that builds its own data directory."""
    folder = tmp_path_factory.mktemp("template")
    path = folder / "devcell.db"
    init_database(path)
    try:
        migrate(path, folder / "snapshots")
    finally:
        close_database()
    leftovers = [p.name for p in folder.iterdir() if p.name != "devcell.db"]
    assert leftovers == [], f"the template is not one closed file: {leftovers}"
    return path


# The database under the app: the appliance's SQLite file, or a PostgreSQL server (DEVCELL_DATABASE_URL, the way
# past one box). The API suites below run every test on both; everything else (backups, recovery, durability, the
# browser and the package) exercises the appliance's own SQLite machinery and runs on SQLite. A test of those suites
# about SQLite itself pins `@pytest.mark.parametrize("backend", ["sqlite"])`.
BACKENDS = ("sqlite", "postgresql")
ON_BOTH_DATABASES = (
    "accounts",
    "assistant",
    "chat",
    "dashboard",
    "documents",
    "finder",
    "health",
    "notifications",
    "operations",
    "projects",
    "search",
    "settings",
    "standups",
    "tasks",
    "training",
    "test_authorization.py",
)


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "backend" not in metafunc.fixturenames:
        return
    pinned = any("backend" in str(mark.args[0]) for mark in metafunc.definition.iter_markers("parametrize"))
    if pinned:
        return
    try:
        top = metafunc.definition.path.relative_to(Path(__file__).parent).parts[0]
    except ValueError:
        top = ""
    metafunc.parametrize("backend", BACKENDS if top in ON_BOTH_DATABASES else ("sqlite",))


@pytest.fixture
def database_env(backend: str, request: pytest.FixtureRequest) -> Iterator[dict[str, str]]:
    """The environment that points the app at this test's database: nothing for SQLite (the data directory's
    file), DEVCELL_DATABASE_URL of a fresh database at HEAD for PostgreSQL (dropped afterwards)."""
    if backend == "sqlite":
        yield {}
        return
    cluster: PostgresCluster = request.getfixturevalue("postgres_cluster")
    url = cluster.new_database()
    try:
        yield {"DEVCELL_DATABASE_URL": url}
    finally:
        cluster.drop(url)


@pytest.fixture
def backend_env(
    backend: str, database_env: dict[str, str], request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> dict[str, str]:
    """database_env, and on PostgreSQL the Chroma server beside it: past one box both move off the appliance (the
    documents and search suites choose their vectors themselves, see tests/documents/conftest.py)."""
    if backend == "sqlite":
        return database_env
    server: ChromaServer = request.getfixturevalue("chroma_server")
    for name in ("NO_PROXY", "no_proxy"):  # the Chroma server is on this machine's loopback, never behind a proxy
        monkeypatch.setenv(name, "127.0.0.1")
    return {**database_env, "DEVCELL_CHROMA_URL": server.url, "DEVCELL_CHROMA_DATABASE": server.database()}


@pytest.fixture
def config(tmp_path: Path, backend_env: dict[str, str]) -> Config:
    return load_config(backend_env, data_dir=tmp_path / "data")


@pytest.fixture
def app(config: Config, template_database: Path) -> Starlette:
    """The app on a copy of the migrated template (unless the test put a database there already)."""
    if not config.uses_postgresql and not config.database_path.exists():
        config.data_dir.mkdir(mode=0o750, parents=True, exist_ok=True)
        shutil.copyfile(template_database, config.database_path)
    return create_app(config)


@pytest.fixture
def client(app: Starlette) -> Iterator[TestClient]:
    """An anonymous client; entering it runs the lifespan (storage opened, migrated, services wired)."""
    with TestClient(app) as test_client:
        yield test_client


def new_client(app: Starlette, **kwargs: object) -> TestClient:
    """Another browser (own cookie jar) on an app whose lifespan already runs."""
    return TestClient(app, **kwargs)


def setup_code(config: Config) -> str:
    return (config.data_dir / "setup_code").read_text().strip()


@dataclass
class Actor:
    """A signed-in browser: its client holds the session cookie; writes need `csrf` in X-CSRF-Token."""

    client: TestClient
    user: dict[str, object]
    csrf: str

    @property
    def headers(self) -> dict[str, str]:
        return {"X-CSRF-Token": self.csrf}

    def get(self, url: str, **kwargs: object) -> httpx2.Response:
        return self.client.get(url, **kwargs)

    def post(self, url: str, **kwargs: object) -> httpx2.Response:
        return self.client.post(url, headers=self.headers, **kwargs)

    def patch(self, url: str, **kwargs: object) -> httpx2.Response:
        return self.client.patch(url, headers=self.headers, **kwargs)

    def delete(self, url: str, **kwargs: object) -> httpx2.Response:
        return self.client.delete(url, headers=self.headers, **kwargs)


def sign_in(app: Starlette, username: str, password: str) -> Actor:
    browser = new_client(app)
    response = browser.post("/api/auth/login", json={"username": username, "password": password})
    assert response.status_code == 200, response.text
    body = response.json()
    return Actor(browser, body["user"], body["csrf_token"])


@pytest.fixture
def admin(app: Starlette, client: TestClient, config: Config) -> Actor:
    """The first administrator, created through the setup page with the real setup code."""
    response = client.post(
        "/api/setup",
        json={"setup_code": setup_code(config), "username": "admin", "password": ADMIN_PASSWORD},
    )
    assert response.status_code == 201, response.text
    return sign_in(app, "admin", ADMIN_PASSWORD)


def create_user(admin: Actor, username: str, password: str = USER_PASSWORD, **fields: object) -> dict[str, object]:
    response = admin.post("/api/users", json={"username": username, "password": password, **fields})
    assert response.status_code == 201, response.text
    return response.json()


@pytest.fixture
def user(app: Starlette, admin: Actor) -> Actor:
    """An ordinary user, created by the admin and signed in."""
    create_user(admin, "user")
    return sign_in(app, "user", USER_PASSWORD)


@pytest.fixture
def fake_llm(admin: Actor) -> Iterator[FakeLLM]:
    """A real HTTP fake of an OpenAI-compatible server, configured as the appliance's LLM (model "fake")."""
    with running() as fake:
        set_llm(admin, fake.url, "fake")
        yield fake


def set_llm(admin: Actor, url: str, model: str = "fake", **more: object) -> None:
    response = admin.patch("/api/settings", json={"values": {"llm_base_url": url, "llm_model": model, **more}})
    assert response.status_code == 200, response.text
