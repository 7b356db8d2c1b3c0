"""A real `devcell serve` subprocess on a free loopback port, plus the few HTTP and CLI calls tests need around it.

Shared by the durability test and the benchmarks. Only the standard library is used for HTTP, so the client
never hides what the server answered.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import IO, Any

ROOT = Path(__file__).resolve().parent.parent
SRC = ROOT / "src"
HOST = "127.0.0.1"
ADMIN_PASSWORD = "long-password-123"


def free_port() -> int:
    """A port nobody listens on right now (the kernel's choice for an ephemeral bind)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def devcell_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    """The environment of a checkout run: PYTHONPATH=src, no DEVCELL_* leaking in from the caller."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("DEVCELL_")}
    env["PYTHONPATH"] = str(SRC)
    env.setdefault("ORT_DISABLE_TELEMETRY", "1")
    env.pop("NOTIFY_SOCKET", None)
    env.update(extra or {})
    return env


def cli(data_dir: Path, *args: str, stdin: str | None = None, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    """Run `python -m devcell --data-dir DATA ARGS...` to completion."""
    return cli_env(data_dir, {}, *args, stdin=stdin, timeout=timeout)


def cli_env(
    data_dir: Path, env: dict[str, str], *args: str, stdin: str | None = None, timeout: float = 60
) -> subprocess.CompletedProcess[str]:
    """`cli` with extra environment (DEVCELL_DATABASE_URL and the like)."""
    return subprocess.run(
        [sys.executable, "-m", "devcell", "--data-dir", str(data_dir), *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=devcell_env(env),
        cwd=ROOT,
        timeout=timeout,
        check=False,
    )


def create_admin(data_dir: Path, username: str = "admin", password: str = ADMIN_PASSWORD) -> None:
    result = cli(data_dir, "user", "create", "--admin", username, "--password-stdin", stdin=password + "\n")
    if result.returncode != 0:
        raise RuntimeError(f"creating the admin failed ({result.returncode}): {result.stderr.strip()}")


class ServerProcess:
    """`devcell serve` in a child process. Use as a context manager; the process never outlives it."""

    def __init__(
        self, data_dir: Path, port: int | None = None, log_path: Path | None = None, env: dict[str, str] | None = None
    ) -> None:
        self.data_dir = data_dir
        self.env = env or {}
        self.port = port or free_port()
        self.log_path = log_path or data_dir.parent / f"server-{self.port}.log"
        self.process: subprocess.Popen[bytes] | None = None
        self.spawned_at = 0.0
        self._log: IO[bytes] | None = None

    @property
    def pid(self) -> int:
        assert self.process is not None, "the server is not started"
        return self.process.pid

    def start(self) -> ServerProcess:
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        self._log = self.log_path.open("ab")
        command = [sys.executable, "-m", "devcell", "--data-dir", str(self.data_dir), "serve"]
        command += ["--host", HOST, "--port", str(self.port)]
        self.spawned_at = time.perf_counter()
        self.process = subprocess.Popen(
            command,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            env=devcell_env(self.env),
            cwd=ROOT,
        )
        return self

    def wait_ready(self, timeout: float = 20.0, interval: float = 0.005) -> float:
        """Poll /api/health until it answers 200; returns the seconds since the process was spawned."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process is not None and self.process.poll() is not None:
                raise RuntimeError(f"the server exited with {self.process.returncode}; log:\n{self.log_tail()}")
            if self._health_ok():
                return time.perf_counter() - self.spawned_at
            time.sleep(interval)
        raise TimeoutError(f"no 200 from /api/health within {timeout} s; log:\n{self.log_tail()}")

    def _health_ok(self) -> bool:
        connection = http.client.HTTPConnection(HOST, self.port, timeout=2)
        try:
            connection.request("GET", "/api/health")
            response = connection.getresponse()
            response.read()
            return response.status == 200
        except OSError:
            return False
        finally:
            connection.close()

    def log_tail(self, lines: int = 40) -> str:
        if not self.log_path.is_file():
            return "(no log)"
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])

    def kill(self) -> None:
        """SIGKILL: no shutdown code runs, like a power cut for the process (not for the disk)."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
        self._reap(10)

    def stop(self, timeout: float = 25.0) -> int | None:
        """SIGTERM and wait for a clean shutdown; SIGKILL if it does not come. Returns the exit code."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
        return self._reap(10)

    def _reap(self, timeout: float) -> int | None:
        code = None
        if self.process is not None:
            with contextlib.suppress(subprocess.TimeoutExpired):
                code = self.process.wait(timeout)
        if self._log is not None:
            self._log.close()
            self._log = None
        return code

    def __enter__(self) -> ServerProcess:
        if self.process is None:
            self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def client(self, token: str | None = None, timeout: float = 10.0) -> Client:
        return Client(HOST, self.port, token=token, timeout=timeout)

    def rss_kib(self) -> int:
        """Resident set size of the server process (VmRSS from /proc), in KiB."""
        return read_rss_kib(self.pid)


def read_rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError(f"no VmRSS for pid {pid}")


class Client:
    """A keep-alive JSON client for one thread: http.client with a Bearer token or a session cookie + CSRF."""

    def __init__(self, host: str, port: int, token: str | None = None, timeout: float = 10.0) -> None:
        self.connection = http.client.HTTPConnection(host, port, timeout=timeout)
        self.token = token
        self.cookie: str | None = None
        self.csrf: str | None = None

    def request(self, method: str, path: str, body: Any = None) -> tuple[int, Any]:
        """One request; returns (status, decoded JSON or None). Raises OSError/HTTPException on a dead server."""
        headers = {"Accept": "application/json"}
        payload = None
        if body is not None:
            payload = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        if self.cookie:
            headers["Cookie"] = self.cookie
            if self.csrf:
                headers["X-CSRF-Token"] = self.csrf
        try:
            self.connection.request(method, path, body=payload, headers=headers)
            response = self.connection.getresponse()
            raw = response.read()
        except (OSError, http.client.HTTPException):
            self.connection.close()
            raise
        cookie = response.getheader("set-cookie")
        if cookie:
            self.cookie = cookie.split(";", 1)[0]
        is_json = response.getheader("content-type", "").startswith("application/json")
        return response.status, (json.loads(raw) if raw and is_json else None)

    def login(self, username: str, password: str) -> None:
        status, body = self.request("POST", "/api/auth/login", {"username": username, "password": password})
        if status != 200:
            raise RuntimeError(f"sign-in failed with {status}: {body}")
        self.csrf = body["csrf_token"]

    def close(self) -> None:
        self.connection.close()

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def api_token(server: ServerProcess, username: str = "admin", password: str = ADMIN_PASSWORD) -> str:
    """Sign in with a password and create a personal API token (`dct_...`) for Bearer use."""
    with server.client() as browser:
        browser.login(username, password)
        status, body = browser.request("POST", "/api/auth/tokens", {"name": "bench"})
        if status != 201:
            raise RuntimeError(f"creating a token failed with {status}: {body}")
        return str(body["token"])
