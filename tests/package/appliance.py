"""The machine side of the package tests: building, installing and purging devcell.deb, and running the
installed binary as the `devcell` user with the installed env file, the way the service runs it."""

from __future__ import annotations

import contextlib
import hashlib
import http.client
import io
import os
import pwd
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import tarfile
import time
from pathlib import Path
from typing import IO

from tests.package import smoke
from tests.serverproc import HOST, Client, free_port, read_rss_kib
from tests.waiting import wait_until

ROOT = Path(__file__).resolve().parents[2]
DIST_DEB = ROOT / "dist" / "devcell.deb"
DATA = Path("/var/lib/devcell")
BINARY = Path("/usr/bin/devcell")
ADMIN = smoke.ADMIN
PASSWORD = smoke.PASSWORD
# Everything the package may leave on the machine; after a purge none of it may exist.
FOOTPRINT = (
    Path("/usr/lib/devcell"),
    BINARY,
    DATA,
    Path("/etc/devcell"),
    Path("/lib/systemd/system/devcell.service"),
    Path("/etc/nginx/snippets/devcell.conf"),
    Path("/etc/nginx/sites-available/devcell"),
    Path("/usr/share/doc/devcell"),
    Path("/var/lib/systemd/deb-systemd-helper-enabled/devcell.service.dsh-also"),
    Path("/etc/systemd/system/multi-user.target.wants/devcell.service"),
)


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DEVCELL_")}
    env["DEBIAN_FRONTEND"] = "noninteractive"
    return env


def run(*args: str | Path, timeout: float = 600, check: bool = True) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        [str(a) for a in args], capture_output=True, text=True, timeout=timeout, check=False, env=_env()
    )
    if check and result.returncode != 0:
        command = " ".join(map(str, args))
        raise AssertionError(f"{command} exited {result.returncode}:\n{result.stdout}\n{result.stderr}")
    return result


def why_not_supported() -> str | None:
    """Why this machine cannot install and purge devcell.deb for a test or a benchmark, or None."""
    if sys.platform != "linux" or os.geteuid() != 0:
        return "installing and purging devcell.deb with apt-get needs root on Debian"
    if not Path("/etc/debian_version").is_file() or shutil.which("apt-get") is None or not shutil.which("dpkg-deb"):
        return "installing devcell.deb needs Debian with apt-get and dpkg-deb (apt-get install dpkg-dev)"
    if installed_version() is not None:
        return "a devcell package is installed here; installing this build would replace it and a purge delete its data"
    if user_exists() or DATA.exists():
        return "a devcell user or /var/lib/devcell exists without the package; a purge would delete it"
    return None


def build_deb(*args: str) -> str:
    """`python3 build.py deb ARGS`; returns its output."""
    result = run(sys.executable, ROOT / "build.py", "deb", *args, timeout=1800)
    return result.stdout + result.stderr


def wait_for_started_build(folder: Path, timeout: float = 1800) -> Path:
    """The package `build.py test` is building in the background: wait for its exit code, then return dist's deb."""
    exit_file = folder / "exit"
    wait_until(exit_file.is_file, timeout, f"the package build to finish (log: {folder / 'build.log'})", every=1.0)
    code = int(exit_file.read_text().strip())
    if code != 0:
        raise AssertionError(f"build.py deb exited {code}:\n{(folder / 'build.log').read_text()}")
    assert DIST_DEB.is_file(), f"the build finished but {DIST_DEB} is missing"
    return DIST_DEB


class BackgroundBuild:
    """`python3 build.py deb ARGS` started now and collected later, so a second package builds while the tests
    build (and use) the first. Its output goes to a file beside the build, not a pipe nobody reads."""

    def __init__(self, log: Path, *args: str) -> None:
        self.command = [sys.executable, str(ROOT / "build.py"), "deb", *args]
        self.log = log
        log.parent.mkdir(parents=True, exist_ok=True)
        with log.open("w") as out:
            self.process = subprocess.Popen(self.command, stdout=out, stderr=subprocess.STDOUT, env=_env())

    def wait(self, timeout: float = 1800) -> str:
        code = self.process.wait(timeout)
        output = self.log.read_text()
        if code != 0:
            raise AssertionError(f"{' '.join(self.command)} exited {code}:\n{output}")
        return output

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()


def installed_version() -> str | None:
    result = run("dpkg-query", "-W", "-f", "${db:Status-Status} ${Version}", "devcell", check=False)
    status, _, version = result.stdout.partition(" ")
    return version if result.returncode == 0 and status == "installed" else None


def package_state() -> str:
    """dpkg's status word: installed, config-files, or not-installed when dpkg forgot the package."""
    result = run("dpkg-query", "-W", "-f", "${db:Status-Status}", "devcell", check=False)
    return result.stdout.strip() if result.returncode == 0 and result.stdout.strip() else "not-installed"


def user_exists() -> bool:
    try:
        pwd.getpwnam("devcell")
    except KeyError:
        return False
    return True


def apt_install(deb: Path) -> str:
    """`apt-get install -y ./devcell.deb` as the README says; returns what it printed."""
    result = run("apt-get", "install", "-y", "--no-install-recommends", deb.resolve(), timeout=900)
    return result.stdout + result.stderr


def purge() -> None:
    """Leave the machine as before the tests, whatever state a failed test left behind."""
    if package_state() != "not-installed":
        run("apt-get", "purge", "-y", "devcell", timeout=600, check=False)


def deb_version(deb: Path) -> str:
    return run("dpkg-deb", "--field", deb, "Version").stdout.strip()


def as_devcell(*args: str | Path, stdin: str | None = None, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """The installed `devcell` command as the service user, like `sudo -u devcell devcell ...`."""
    return subprocess.run(
        [*_setpriv(), str(BINARY), *map(str, args)],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
        env=_service_env(),
        cwd="/",
    )


def _setpriv() -> list[str]:
    # setpriv execs the command (runuser/sudo keep a parent process), so the child's pid is the server's.
    return ["setpriv", "--reuid=devcell", "--regid=devcell", "--init-groups", "--"]


def _service_env() -> dict[str, str]:
    # What the unit gives the service: systemd's User= variables (HOME is the data directory), a plain PATH,
    # ORT_DISABLE_TELEMETRY; the env file is read by the binary.
    user = {"HOME": str(DATA), "USER": "devcell", "LOGNAME": "devcell", "SHELL": "/usr/sbin/nologin"}
    return {**user, "PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "LANG": "C.UTF-8", "ORT_DISABLE_TELEMETRY": "1"}


class InstalledServer:
    """`/usr/bin/devcell serve` as `devcell` on a free loopback port; the env file supplies everything else."""

    def __init__(self, log_path: Path) -> None:
        self.port = free_port()
        self.log_path = log_path
        self.process: subprocess.Popen[bytes] | None = None
        self.seconds_to_health = 0.0
        self._log: IO[bytes] | None = None

    def __enter__(self) -> InstalledServer:
        self._log = self.log_path.open("ab")
        command = [*_setpriv(), str(BINARY), "serve", "--host", HOST, "--port", str(self.port)]
        started = time.perf_counter()
        self.process = subprocess.Popen(
            command, stdout=self._log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=_service_env(), cwd="/"
        )
        self.seconds_to_health = self._wait_healthy(started)
        return self

    def _wait_healthy(self, started: float, timeout: float = 60) -> float:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.process is not None
            if self.process.poll() is not None:
                raise AssertionError(f"the installed server exited with {self.process.returncode}:\n{self.log()}")
            if self.get("/api/health")[0] == 200:
                return time.perf_counter() - started
            time.sleep(0.02)
        raise AssertionError(f"no 200 from /api/health within {timeout} s:\n{self.log()}")

    def get(self, path: str) -> tuple[int, str, str]:
        """(status, content type, body) of a GET; status 0 when nothing answers."""
        connection = http.client.HTTPConnection(HOST, self.port, timeout=10)
        try:
            connection.request("GET", path)
            response = connection.getresponse()
            return response.status, response.getheader("content-type", ""), response.read().decode(errors="replace")
        except OSError:
            return 0, "", ""
        finally:
            connection.close()

    def client(self) -> Client:
        return Client(HOST, self.port)

    def rss_kib(self) -> int:
        assert self.process is not None
        return read_rss_kib(self.process.pid)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")[-4000:] if self.log_path.is_file() else "(no log)"

    def __exit__(self, *exc_info: object) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)
        if self._log is not None:
            self._log.close()


def set_up_admin(server: InstalledServer) -> Client:
    """First run as a user would do it: the code from `devcell setup-code`, the setup page's call, then sign in."""
    result = as_devcell("setup-code")
    assert result.returncode == 0, result.stderr
    code = result.stdout.strip()
    assert re.fullmatch(r"[A-Z0-9-]{6,64}", code), code
    return smoke.first_run(HOST, server.port, code)


def insert_running_job(owner_id: int, job_id: str = "package-test-job") -> str:
    """A job row that stays `running`: its event stream sends one event and then stays open (keep-alives)."""
    now = time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime())
    with contextlib.closing(sqlite3.connect(DATA / "devcell.db", timeout=10)) as db, db:
        db.execute(
            "INSERT INTO job_run (id, kind, title, owner_id, status, progress_done, progress_total, message,"
            " created_at, started_at) VALUES (?, 'test', 'package test', ?, 'running', 1, 2, 'halfway', ?, ?)",
            (job_id, owner_id, now, now),
        )
    return job_id


MIGRATIONS = "src/devcell/core/migrations"
PREVIOUS = ROOT / "build" / "upgrade-previous"
PREVIOUS_SOURCE = PREVIOUS / "source"
PREVIOUS_DIST = PREVIOUS / "dist"


def _git(*args: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(["git", "-C", str(ROOT), *args], capture_output=True, check=False)


def previous_release_source() -> tuple[Path | None, str]:
    """The tree just before the newest migration was added (a release whose database this build must migrate),
    or None and why it cannot be had."""
    if shutil.which("git") is None or _git("rev-parse", "HEAD").returncode != 0:
        return None, "the upgrade test needs this checkout's git history"
    # The commit that added the highest-numbered migration, not the last one to add any: two migrations written
    # side by side may land out of order (17 before 16), and the tree between them is no release.
    newest = max(path.name for path in (ROOT / MIGRATIONS).glob("m[0-9][0-9][0-9][0-9]_*.py"))
    added = _git("log", "-1", "--diff-filter=A", "--format=%H", "--", f"{MIGRATIONS}/{newest}").stdout.decode().strip()
    # The whole release as it was: its spec names only its own files, and its maintainer scripts are the ones
    # the upgrade replaces.
    archive = _git("archive", "--format=tar", f"{added}^", "src", "web_dist", "packaging", "debian")
    if not added or archive.returncode != 0:
        return None, f"the commit before the newest migration is not in this clone: {archive.stderr.decode()}"
    shutil.rmtree(PREVIOUS_SOURCE, ignore_errors=True)
    PREVIOUS_SOURCE.mkdir(parents=True)
    with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
        tar.extractall(PREVIOUS_SOURCE, filter="data")
    return PREVIOUS_SOURCE, ""


def repack_as_newer(deb: Path, folder: Path) -> tuple[Path, str]:
    """The same build as a newer version (`+1` on the version in the control file and in the frozen version
    file): an upgrade whose code and schema do not change, as a rebuild of the same commit would be. zstd keeps it
    to seconds (bookworm's dpkg reads it). Returns the package and its version."""
    tree = folder / "tree"
    run("dpkg-deb", "-R", deb, tree)
    version = deb_version(deb) + "1"
    control = tree / "DEBIAN" / "control"
    control.write_text(re.sub(r"^Version: .*$", f"Version: {version}", control.read_text(), flags=re.MULTILINE))
    frozen = Path("usr/lib/devcell/_internal/devcell/package_version.txt")
    (tree / frozen).write_text(version + "\n")
    sums = tree / "DEBIAN" / "md5sums"
    digest = hashlib.md5((tree / frozen).read_bytes()).hexdigest()
    sums.write_text(re.sub(rf"^\w+  {re.escape(str(frozen))}$", f"{digest}  {frozen}", sums.read_text(), flags=re.M))
    newer = folder / f"devcell_{version}.deb"
    run("dpkg-deb", "--root-owner-group", "-Zzstd", "--build", tree, newer)
    shutil.rmtree(tree)
    return newer, version
