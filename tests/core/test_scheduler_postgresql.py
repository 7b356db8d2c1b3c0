"""The scheduler's lock on a shared PostgreSQL database: one holder among the processes, named by the server,
and free again the moment its process dies."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator

import pytest

from devcell.core.db import close_database, init_database, process_name
from devcell.core.scheduler import SCHEDULER_LOCK_KEY, ServerLock, scheduler_lock
from tests.postgres_server import PostgresCluster
from tests.waiting import wait_until


@pytest.fixture
def url(postgres_cluster: PostgresCluster) -> Iterator[str]:
    found = postgres_cluster.new_database()
    init_database(found)
    yield found
    close_database()
    postgres_cluster.drop(found)


def test_on_postgresql_the_lock_is_the_servers(url: str, tmp_path: object) -> None:
    assert isinstance(scheduler_lock(tmp_path), ServerLock)  # type: ignore[arg-type]


def test_one_holder_named_by_the_server_and_the_next_takes_it_after_release(url: str) -> None:
    first, second = ServerLock(), ServerLock()
    try:
        assert first.acquire()
        assert not second.acquire()
        assert second.holder() == process_name()
        first.release()
        assert second.acquire()
    finally:
        first.release()
        second.release()


def test_the_lock_is_free_once_its_holder_is_killed(url: str) -> None:
    """Another process takes the lock and is killed (SIGKILL: no code of its own runs); the server ends its
    session and drops the lock, so a waiting process can take over."""
    script = (
        "import sys, time, psycopg2\n"
        "c = psycopg2.connect(sys.argv[1]); c.autocommit = True\n"
        f"c.cursor().execute('SELECT pg_advisory_lock({SCHEDULER_LOCK_KEY})')\n"
        "print('held', flush=True)\n"
        "time.sleep(600)\n"
    )
    holder = subprocess.Popen([sys.executable, "-c", script, url], stdout=subprocess.PIPE, text=True)
    lock = ServerLock()
    try:
        assert holder.stdout is not None
        assert holder.stdout.readline().strip() == "held"
        assert not lock.acquire()
        holder.kill()
        holder.wait(30)
        wait_until(lock.acquire, 30, "the lock of a killed holder is free")
    finally:
        lock.release()
        if holder.poll() is None:
            holder.kill()
            holder.wait(30)
        if holder.stdout is not None:
            holder.stdout.close()
