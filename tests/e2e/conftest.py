"""Browser tests: the real server in a subprocess on a free port, driven by Debian's Chromium through Playwright.

The tests skip when /usr/bin/chromium (or the playwright package) is missing, unless DEVCELL_E2E_REQUIRED=1 (CI):
then that is a failure. When a test fails, a screenshot of every page it opened, the pages' console logs and
the server log are saved in tests/e2e/artifacts/.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

import pytest

try:  # the `browser` fixture explains a missing playwright; test modules import `expect` from here
    from playwright.sync_api import expect

    # Assertions wait on their condition; playwright's 5-s default gave up on a streamed chat reply while CI's
    # 2 cores also ran other browsers and a build (seen once). A passing assertion returns as soon as it holds.
    expect.set_options(timeout=20_000)
except ImportError:  # pragma: no cover - only without the dev requirements
    expect = None  # type: ignore[assignment]

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, ConsoleMessage, Page, Request

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
CHROMIUM = Path("/usr/bin/chromium")
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
START_TIMEOUT = 30.0

ADMIN_NAME = "admin"
ADMIN_PASSWORD = "admin-pass-1234"
FAILED = pytest.StashKey[bool]()


def _unavailable(reason: str) -> None:
    if os.environ.get("DEVCELL_E2E_REQUIRED") == "1":
        pytest.fail(f"{reason}, and DEVCELL_E2E_REQUIRED=1 makes browser tests mandatory")
    pytest.skip(reason)


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[pytest.TestReport]:
    """Remember whether a test failed, so its fixtures can save what the browser showed."""
    report: pytest.TestReport = yield
    if report.failed:
        item.stash[FAILED] = True
    return report


# --- the server ---------------------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _server_env(extra: dict[str, str]) -> dict[str, str]:
    # The developer's or CI's own DEVCELL_* variables must not leak into the instance under test.
    env = {key: value for key, value in os.environ.items() if not key.startswith("DEVCELL_")}
    env["PYTHONPATH"] = str(ROOT / "src")
    env.update(extra)
    return env


@dataclass
class Server:
    """A running `devcell serve` with its own data directory."""

    base_url: str
    data_dir: Path
    log_path: Path
    env: dict[str, str]
    process: subprocess.Popen[bytes]
    log: IO[bytes]

    def cli(self, *args: str) -> str:
        """Run the `devcell` command against this instance's data directory; returns its output."""
        result = subprocess.run(
            [sys.executable, "-m", "devcell", "--data-dir", str(self.data_dir), *args],
            env=self.env,
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert result.returncode == 0, f"devcell {' '.join(args)} failed: {result.stderr}"
        return result.stdout.strip()

    def setup_code(self) -> str:
        return self.cli("setup-code")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=15)
        self.log.close()


def _wait_until_healthy(server: Server) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            break
        try:
            with urllib.request.urlopen(server.base_url + "/api/health", timeout=2) as answer:
                if answer.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.1)
    server.stop()
    output = server.log_path.read_text(errors="replace")[-4000:]
    pytest.fail(f"devcell serve did not become healthy within {START_TIMEOUT:.0f} s:\n{output}")


StartServer = Callable[..., Server]


@pytest.fixture
def start_server(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[StartServer]:
    """Start a fresh instance: `start_server(DEVCELL_REGISTRATION="open")` sets environment variables."""
    servers: list[Server] = []

    def start(data_dir: Path | None = None, **env: str) -> Server:
        """`data_dir`: serve an existing data directory (e.g. one a test damaged) instead of a new one."""
        home = tmp_path / f"server{len(servers)}"
        home.mkdir()
        data = data_dir or home / "data"
        port = _free_port()
        full_env = _server_env(env)
        log_path = home / "server.log"
        log = log_path.open("wb")
        command = [sys.executable, "-m", "devcell", "--data-dir", str(data)]
        command += ["serve", "--host", "127.0.0.1", "--port", str(port)]
        process = subprocess.Popen(command, env=full_env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
        server = Server(f"http://127.0.0.1:{port}", data, log_path, full_env, process, log)
        servers.append(server)
        _wait_until_healthy(server)
        return server

    yield start
    for server in servers:
        server.stop()
    if request.node.stash.get(FAILED, False):
        folder = _artifact_dir(request.node)
        for number, server in enumerate(servers):
            shutil.copyfile(server.log_path, folder / f"server{number}.log")


@pytest.fixture
def server(start_server: StartServer) -> Server:
    """A fresh instance that still needs its first-run setup."""
    return start_server()


# --- the browser --------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        _unavailable(f"{CHROMIUM} is not installed (Debian: apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("the playwright package is not installed (see packaging/requirements-dev.txt)")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=LAUNCH_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@dataclass
class PageLog:
    """What one page said: console messages, uncaught errors and every URL it requested."""

    page: Page
    lines: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)

    def csp_violations(self) -> list[str]:
        return [line for line in self.lines if "Content Security Policy" in line]


@dataclass
class Browsers:
    """Opens pages in separate browser contexts (separate cookie jars, like separate devices)."""

    browser: Browser
    contexts: list[BrowserContext] = field(default_factory=list)
    logs: list[PageLog] = field(default_factory=list)

    def new_page(self, server: Server, **options: Any) -> Page:
        options.setdefault("viewport", {"width": 1280, "height": 900})
        context = self.browser.new_context(base_url=server.base_url, **options)
        context.set_default_timeout(10_000)
        context.on("page", self._watch)
        self.contexts.append(context)
        return context.new_page()

    def log_of(self, page: Page) -> PageLog:
        return next(log for log in self.logs if log.page is page)

    def _watch(self, page: Page) -> None:
        log = PageLog(page)
        self.logs.append(log)

        def console(message: ConsoleMessage) -> None:
            log.lines.append(f"[{message.type}] {message.text} ({message.location.get('url', '')})")

        def request(sent: Request) -> None:
            log.requests.append(sent.url)

        page.on("console", console)
        page.on("pageerror", lambda error: log.lines.append(f"[pageerror] {error}"))
        page.on("request", request)
        page.on("requestfailed", lambda failed: log.lines.append(f"[requestfailed] {failed.url} {failed.failure}"))

    def save_artifacts(self, folder: Path) -> None:
        for number, log in enumerate(self.logs):
            name = f"page{number}"
            (folder / f"{name}.console.log").write_text("\n".join(log.lines) + "\n")
            (folder / f"{name}.requests.json").write_text(json.dumps(log.requests, indent=1))
            if not log.page.is_closed():
                try:
                    (folder / f"{name}.url.txt").write_text(log.page.url + "\n")
                    log.page.screenshot(path=folder / f"{name}.png", full_page=True)
                except Exception as error:  # a crashed page must not hide the test's own failure
                    (folder / f"{name}.screenshot-error.txt").write_text(f"{error}\n")


def _artifact_dir(item: pytest.Item) -> Path:
    folder = ARTIFACTS / re.sub(r"[^\w.-]+", "_", item.nodeid.split("/")[-1])
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture
def browsers(browser: Browser, request: pytest.FixtureRequest) -> Iterator[Browsers]:
    opened = Browsers(browser)
    yield opened
    try:
        if request.node.stash.get(FAILED, False):
            opened.save_artifacts(_artifact_dir(request.node))
        violations = [line for log in opened.logs for line in log.csp_violations()]
        assert not violations, "the page broke its Content-Security-Policy:\n" + "\n".join(violations)
    finally:
        for context in opened.contexts:
            context.close()


# --- shortcuts ----------------------------------------------------------------------------------------------


def set_up_through_api(page: Page, server: Server) -> None:
    """First-run setup over HTTP in the page's context, which leaves that context signed in as the admin."""
    answer = page.request.post(
        "/api/setup",
        data={"setup_code": server.setup_code(), "username": ADMIN_NAME, "password": ADMIN_PASSWORD},
    )
    assert answer.status == 201, answer.text()
