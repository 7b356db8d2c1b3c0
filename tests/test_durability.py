"""A server killed with SIGKILL during a stream of writes loses no write it acknowledged."""

from __future__ import annotations

import contextlib
import http.client
import sqlite3
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.serverproc import ADMIN_PASSWORD, Client, ServerProcess, api_token, create_admin

# Few user creators: each holds the write lock while it hashes a password, which slows every other writer.
USER_CREATORS = 2  # threads creating users (an INSERT with a scrypt hash per write)
TOKEN_CREATORS = 2  # threads creating API tokens (a plain INSERT per write)
PATCHERS = 4  # threads editing their own profile (an UPDATE per write)
KILL_AFTER_ACKS = 200
MAX_STREAM_SECONDS = 12.0
PATCHER_PASSWORD = "patcher-password-42"


@dataclass
class Ledger:
    """What the writers know: writes answered 2xx, the one sent but unanswered per thread, and oddities."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    created: set[str] = field(default_factory=set)
    tokens: set[str] = field(default_factory=set)
    last_patch: dict[str, int] = field(default_factory=dict)  # username -> last acknowledged sequence number
    in_flight: dict[str, str] = field(default_factory=dict)  # thread name -> what it was sending when the server died
    unexpected: list[str] = field(default_factory=list)
    acknowledged: int = 0

    def ack(self, record: Callable[[], None]) -> None:
        with self.lock:
            record()
            self.acknowledged += 1


def _stream(client: Client, ledger: Ledger, stop: threading.Event, name: str, write: Callable[[int], bool]) -> None:
    """Send writes one after another until the server dies or `stop` is set; `write(n)` returns True on 2xx."""
    n = 0
    try:
        while not stop.is_set():
            n += 1
            with ledger.lock:
                ledger.in_flight[name] = f"write #{n}"
            try:
                ok = write(n)
            except (OSError, http.client.HTTPException):
                return  # the server died with this write unanswered: it stays recorded as in flight
            with ledger.lock:
                del ledger.in_flight[name]
            if not ok:
                return
    finally:
        client.close()


def _creator(server: ServerProcess, token: str, kind: str, index: int, ledger: Ledger, stop: threading.Event) -> None:
    """kind "user": POST /api/users with a unique name; kind "token": POST /api/auth/tokens with a unique name."""
    # Only a browser session may create API tokens (a token may not mint more), so token creators sign in.
    client = server.client(token if kind == "user" else None)
    if kind == "token":
        client.login("admin", ADMIN_PASSWORD)
    path, acked = ("/api/users", ledger.created) if kind == "user" else ("/api/auth/tokens", ledger.tokens)

    def write(n: int) -> bool:
        name = f"dur-{kind[0]}{index}-{n}"
        body = {"username": name, "password": "user-password-1"} if kind == "user" else {"name": name}
        status, answer = client.request("POST", path, body)
        if status != 201:
            with ledger.lock:
                ledger.unexpected.append(f"POST {path} {name}: {status} {answer}")
            return False
        ledger.ack(lambda: acked.add(name))
        return True

    _stream(client, ledger, stop, f"{kind}-creator-{index}", write)


def _patcher(server: ServerProcess, username: str, token: str, ledger: Ledger, stop: threading.Event) -> None:
    client = server.client(token)

    def write(n: int) -> bool:
        status, body = client.request("PATCH", "/api/auth/me", {"job_title": f"seq-{n}"})
        if status != 200:
            with ledger.lock:
                ledger.unexpected.append(f"PATCH /api/auth/me as {username}: {status} {body}")
            return False
        ledger.ack(lambda: ledger.last_patch.__setitem__(username, n))
        return True

    _stream(client, ledger, stop, f"patcher-{username}", write)


def _patcher_tokens(server: ServerProcess, admin_token: str) -> dict[str, str]:
    tokens = {}
    with server.client(admin_token) as admin:
        for i in range(PATCHERS):
            username = f"patcher-{i}"
            status, body = admin.request("POST", "/api/users", {"username": username, "password": PATCHER_PASSWORD})
            assert status == 201, body
            tokens[username] = api_token(server, username, PATCHER_PASSWORD)
    return tokens


def _run_stream_and_kill(server: ServerProcess, admin_token: str, patchers: dict[str, str]) -> tuple[Ledger, float]:
    """Start every writer, SIGKILL the server once enough writes were acknowledged; returns the ledger."""
    ledger, stop = Ledger(), threading.Event()
    creators = [("user", i) for i in range(USER_CREATORS)] + [("token", i) for i in range(TOKEN_CREATORS)]
    threads = [
        threading.Thread(target=_creator, args=(server, admin_token, kind, i, ledger, stop), name=f"{kind}-{i}")
        for kind, i in creators
    ]
    threads += [
        threading.Thread(target=_patcher, args=(server, name, token, ledger, stop), name=f"patcher-{name}")
        for name, token in patchers.items()
    ]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    try:
        while time.monotonic() - started < MAX_STREAM_SECONDS and ledger.acknowledged < KILL_AFTER_ACKS:
            if ledger.unexpected:
                break
            time.sleep(0.005)
        server.kill()  # mid-stream: every writer has a request on the wire or about to be
        elapsed = time.monotonic() - started
    finally:
        stop.set()
        server.kill()
        for thread in threads:
            thread.join(15)
    return ledger, elapsed


@dataclass
class Stored:
    users: set[str]
    tokens: set[str]
    patches: dict[str, int]  # username -> stored sequence number


def _database_state(path: Path) -> Stored:
    """Read the database file as the killed server left it (sqlite3 replays the WAL on open)."""
    with contextlib.closing(sqlite3.connect(path)) as db:
        users = {row[0] for row in db.execute("SELECT username FROM user")}
        tokens = {row[0] for row in db.execute("SELECT name FROM api_token")}
        titles = dict(db.execute("SELECT username, job_title FROM user WHERE username LIKE 'patcher-%'").fetchall())
    return Stored(users, tokens, {name: int(title.removeprefix("seq-") or 0) for name, title in titles.items()})


def _usernames_via_api(server: ServerProcess, token: str) -> set[str]:
    names: set[str] = set()
    with server.client(token) as client:
        offset = 0
        while True:
            status, page = client.request("GET", f"/api/users?limit=200&offset={offset}")
            assert status == 200, page
            names.update(item["username"] for item in page["items"])
            offset += len(page["items"])
            if not page["items"] or offset >= page["total"]:
                return names


@pytest.mark.slow
def test_sigkill_during_writes_loses_no_acknowledged_write(
    tmp_path: Path, record_property: Callable[[str, object], None]
) -> None:
    data_dir = tmp_path / "data"
    create_admin(data_dir)
    server = ServerProcess(data_dir).start()
    try:
        server.wait_ready()
        admin_token = api_token(server)
        patchers = _patcher_tokens(server, admin_token)
        ledger, elapsed = _run_stream_and_kill(server, admin_token, patchers)
    finally:
        server.kill()
    assert not ledger.unexpected, ledger.unexpected

    stored = _database_state(data_dir / "devcell.db")
    lost_users = sorted(ledger.created - stored.users)
    lost_tokens = sorted(ledger.tokens - stored.tokens)
    # Each patcher sends one write at a time, so the stored sequence is the last acknowledged one, or the one
    # after it when the server committed a write it had no time to answer.
    lost_patches = {
        name: (n, stored.patches.get(name))
        for name, n in ledger.last_patch.items()
        if stored.patches.get(name, 0) not in (n, n + 1)
    }
    found = sum(name.startswith("dur-") for name in [*stored.users, *stored.tokens])
    acked_inserts = len(ledger.created) + len(ledger.tokens)
    counts = {
        "acknowledged": ledger.acknowledged,
        "acknowledged_user_creates": len(ledger.created),
        "acknowledged_token_creates": len(ledger.tokens),
        "acknowledged_profile_edits": ledger.acknowledged - acked_inserts,
        "inserts_found": found,
        "inserts_found_unacknowledged": found - acked_inserts,
        "in_flight_at_kill": len(ledger.in_flight),
        "lost": len(lost_users) + len(lost_tokens) + len(lost_patches),
        "stream_seconds": round(elapsed, 2),
    }
    for key, value in counts.items():
        record_property(key, value)
    print(f"\ndurability after SIGKILL: {counts}")  # noqa: T201 - the acceptance test reports its count
    assert ledger.acknowledged >= KILL_AFTER_ACKS // 2, f"too few writes before the kill to show anything: {counts}"
    assert not lost_users, f"acknowledged users missing after SIGKILL: {lost_users[:20]} ({counts})"
    assert not lost_tokens, f"acknowledged tokens missing after SIGKILL: {lost_tokens[:20]} ({counts})"
    assert not lost_patches, f"acknowledged profile edits missing after SIGKILL (acked, stored): {lost_patches}"

    with ServerProcess(data_dir, log_path=server.log_path) as restarted:
        restarted.wait_ready()
        assert _usernames_via_api(restarted, admin_token) == stored.users
