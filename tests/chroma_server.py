"""A real Chroma server (`chroma run`, from the chromadb package we ship) for the tests of DEVCELL_CHROMA_URL: one
per test worker, each test in its own Chroma database so they never see each other's vectors."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import httpx2
import pytest

from tests.serverproc import free_port
from tests.waiting import wait_until

HOST = "127.0.0.1"


@dataclass
class ChromaServer:
    url: str
    process: subprocess.Popen[bytes]
    log_path: Path
    log: IO[bytes]

    def database(self) -> str:
        """A fresh database name: DevCell creates it on first use."""
        return "t" + uuid.uuid4().hex[:16]

    def alive(self) -> bool:
        try:
            return httpx2.get(f"{self.url}/api/v2/heartbeat", timeout=2.0, trust_env=False).status_code == 200
        except httpx2.TransportError:
            return False


def _chroma_command() -> list[str]:
    """The `chroma` entry point of the interpreter running the tests (the venv's), else one on PATH."""
    beside = Path(sys.executable).with_name("chroma")
    found = str(beside) if beside.exists() else shutil.which("chroma")
    if found is None:
        pytest.fail("the chroma command (from the chromadb package) is missing: run `python3 build.py test`")
    return [found]


def start_chroma(folder: Path, port: int | None = None) -> ChromaServer:
    """`chroma run` with its data in `folder`/data; the same folder and port start the same server again."""
    port = port or free_port()
    folder.mkdir(parents=True, exist_ok=True)
    log_path = folder / "chroma.log"
    log = log_path.open("ab")
    # Chroma's own telemetry would try to reach the internet: off, as the README tells admins to do.
    env = {**os.environ, "ANONYMIZED_TELEMETRY": "False"}
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"):
        env.pop(name, None)
    command = [*_chroma_command(), "run", "--path", str(folder / "data"), "--host", HOST, "--port", str(port)]
    process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env=env)
    server = ChromaServer(f"http://{HOST}:{port}", process, log_path, log)

    def up() -> bool:
        if process.poll() is not None:
            raise AssertionError(f"chroma run exited with {process.returncode}: {log_path.read_text()[-2000:]}")
        return server.alive()

    wait_until(up, 120, "the Chroma server answers its heartbeat", every=0.2)
    return server


def stop_chroma(server: ChromaServer) -> None:
    server.process.terminate()
    try:
        server.process.wait(30)
    except subprocess.TimeoutExpired:
        server.process.kill()
        server.process.wait(30)
    server.log.close()


@pytest.fixture(scope="session")
def chroma_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ChromaServer]:
    server = start_chroma(tmp_path_factory.mktemp("chroma"))
    try:
        yield server
    finally:
        stop_chroma(server)
