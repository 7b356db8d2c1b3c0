"""A real, throwaway PostgreSQL cluster (Debian's postgresql package: initdb and pg_ctl) for the tests of
DEVCELL_DATABASE_URL: one per test worker, started on first use, listening on a Unix socket only. Each test gets a
database of its own, copied from a template migrated once (CREATE DATABASE ... TEMPLATE: milliseconds)."""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import psycopg2
import pytest

from devcell.core.db import close_database, init_database
from devcell.core.migrations.runner import migrate

SUPERUSER = "devcell"
TEMPLATE = "devcell_template"
PORT = 5432  # only a socket file's name: the cluster listens on no TCP port


def _bin_dir() -> Path:
    """The newest installed PostgreSQL's programs (Debian keeps them out of PATH)."""
    versions = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"), key=lambda p: int(p.parent.parent.name))
    if not versions:
        pytest.fail("PostgreSQL is not installed (apt install postgresql): `.ci/run` installs it")
    return versions[-1].parent


@dataclass
class PostgresCluster:
    folder: Path
    bin_dir: Path
    databases: list[str] = field(default_factory=list)

    @property
    def socket_dir(self) -> str:
        return str(self.folder)

    def url(self, name: str) -> str:
        return f"postgresql://{SUPERUSER}@/{name}?host={self.socket_dir}&port={PORT}"

    def execute(self, sql: str) -> None:
        """One statement outside a transaction (CREATE/DROP DATABASE), as the superuser."""
        connection = psycopg2.connect(dbname="postgres", user=SUPERUSER, host=self.socket_dir, port=PORT)
        try:
            connection.autocommit = True
            with connection.cursor() as cursor:
                cursor.execute(sql)
        finally:
            connection.close()

    def new_database(self) -> str:
        """A fresh database at the schema's HEAD (a copy of the migrated template); its URL."""
        name = "t" + uuid.uuid4().hex[:16]
        self.execute(f"CREATE DATABASE {name} TEMPLATE {TEMPLATE}")
        self.databases.append(name)
        return self.url(name)

    def empty_database(self) -> str:
        """A fresh database with no tables at all (what an admin creates for DevCell); its URL."""
        name = "e" + uuid.uuid4().hex[:16]
        self.execute(f"CREATE DATABASE {name}")
        self.databases.append(name)
        return self.url(name)

    def drop(self, url: str) -> None:
        name = url.split("/", 3)[3].split("?", 1)[0]
        self.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def _as_postgres_user() -> list[str]:
    """initdb refuses to run as root (CI runs as root): the cluster then runs as `nobody`."""
    if os.geteuid() != 0:
        return []
    return ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups"]


def _run(command: list[str], folder: Path) -> None:
    done = subprocess.run(command, cwd=folder, capture_output=True, text=True, timeout=300, check=False)
    if done.returncode != 0:
        raise AssertionError(f"{command[len(_as_postgres_user())]} failed: {done.stdout}{done.stderr}")


OWNER_FILE = "owner.pid"


def _owner_alive(folder: Path) -> bool:
    try:
        os.kill(int((folder / OWNER_FILE).read_text()), 0)
    except (OSError, ValueError):
        return False
    return True


def stop_orphans() -> None:
    """Clusters whose test process is gone (killed by a timeout, a crashed worker) would run on forever: stopped
    and removed by the next test session that starts one."""
    for folder in Path(tempfile.gettempdir()).glob("devcell-pg-*"):
        if (folder / OWNER_FILE).is_file() and not _owner_alive(folder):
            stop_cluster(PostgresCluster(folder, _bin_dir()))


def start_cluster() -> PostgresCluster:
    stop_orphans()
    # A short path: the socket file's full name must fit in 107 bytes.
    folder = Path(tempfile.mkdtemp(prefix="devcell-pg-"))
    (folder / OWNER_FILE).write_text(str(os.getpid()))
    if os.geteuid() == 0:
        nobody = pwd.getpwnam("nobody")
        os.chown(folder, nobody.pw_uid, nobody.pw_gid)
    cluster = PostgresCluster(folder, _bin_dir())
    data = folder / "data"
    prefix = _as_postgres_user()
    initdb = [str(cluster.bin_dir / "initdb"), "-D", str(data), "-U", SUPERUSER, "--auth=trust", "-E", "UTF8"]
    _run([*prefix, *initdb, "--locale=C.UTF-8"], folder)
    # fsync off: a test cluster is thrown away, and CREATE DATABASE then copies a template in milliseconds.
    options = f"-p {PORT} -k {folder} -c listen_addresses='' -c fsync=off -c max_connections=200"
    _run([*prefix, str(cluster.bin_dir / "pg_ctl"), "-D", str(data), "-l", str(folder / "log"), "-o", options,
          "-w", "-t", "120", "start"], folder)  # fmt: skip
    cluster.execute(f"CREATE DATABASE {TEMPLATE}")
    init_database(cluster.url(TEMPLATE))
    try:
        migrate(folder / "unused.db", folder / "snapshots")
    finally:
        close_database()
    return cluster


def stop_cluster(cluster: PostgresCluster) -> None:
    data = cluster.folder / "data"
    subprocess.run(
        [*_as_postgres_user(), str(cluster.bin_dir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"],
        capture_output=True,
        timeout=120,
        check=False,
    )
    shutil.rmtree(cluster.folder, ignore_errors=True)


@pytest.fixture(scope="session")
def postgres_cluster() -> Iterator[PostgresCluster]:
    cluster = start_cluster()
    try:
        yield cluster
    finally:
        stop_cluster(cluster)
