"""Sign-in, browser sessions, API tokens, and resolving a request to its caller."""

from __future__ import annotations

import hashlib
import hmac
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from itsdangerous import BadSignature, Signer
from peewee import JOIN

from devcell.accounts import _secrets
from devcell.accounts.errors import InvalidCredentials, SessionNotFound, TokenNotFound
from devcell.accounts.models import ApiToken, Session, User
from devcell.accounts.schemas import SessionList, SessionOut, TokenCreate, TokenCreated, TokenList, TokenOut
from devcell.core.auth import Principal
from devcell.core.db import Prepared, change_stamp, transaction, unit_of_work, utcnow
from devcell.core.errors import RateLimited
from devcell.core.ratelimit import SlidingWindowLimiter
from devcell.core.state import Key
from devcell.core.web import SESSION_COOKIE
from devcell.settings.service import SettingsStore

COOKIE_NAME = SESSION_COOKIE
SESSION_PREFIX = "dcs"
TOKEN_PREFIX = "dct"  # noqa: S105 - a public prefix that makes leaked tokens recognisable, not a secret
LOGIN_WINDOW_SECONDS = 15 * 60
ACTIVITY_GRANULARITY = timedelta(seconds=60)


@dataclass(frozen=True)
class NewSession:
    token: str
    session_id: int
    expires_at: datetime


class Credentials:
    """Signs the session cookie and derives each session's CSRF token from the app secret."""

    def __init__(self, secret: str) -> None:
        self._signer = Signer(secret, salt="devcell.session")
        self._csrf_key = hashlib.sha256(("devcell.csrf:" + secret).encode()).digest()

    def cookie_value(self, token: str) -> str:
        return self._signer.sign(token).decode("ascii")

    def token_from_cookie(self, value: str) -> str | None:
        try:
            return self._signer.unsign(value).decode("ascii")
        except BadSignature:
            return None

    def csrf_token(self, token_hash: str) -> str:
        return hmac.new(self._csrf_key, token_hash.encode(), hashlib.sha256).hexdigest()

    def csrf_for_session(self, session_token: str) -> str:
        return self.csrf_token(_secrets.token_hash(session_token))


class LoginGuard:
    """Throttles password guessing per client address, never per account alone.

    Failed sign-ins count per (client address, user name) and per client address; both are checked before the
    password is. A per-account lockout would let anyone lock anyone out (the admin included) with a few wrong
    passwords, so failures from one address never block a correct sign-in from another. A correct sign-in
    clears its own (address, user name) count; the address count stays, so one valid account cannot reset an
    address that sprays other names. Checks of the current password (password change) count per user: the
    caller is already signed in, so the account is the right key there."""

    def __init__(self, settings: SettingsStore) -> None:
        self._settings = settings
        self._by_pair = SlidingWindowLimiter(5, LOGIN_WINDOW_SECONDS)
        self._by_client = SlidingWindowLimiter(20, LOGIN_WINDOW_SECONDS)
        self._password_checks = SlidingWindowLimiter(5, LOGIN_WINDOW_SECONDS)

    @staticmethod
    def _pair(username: str, client: str) -> str:
        # The same normalisation as the user lookup, so " Admin" cannot dodge the count for "admin".
        return f"{client}\n{username.strip().lower()}"

    def _apply_limits(self) -> None:
        limit = self._settings.get_int("login_max_failures")
        self._by_pair.limit = self._password_checks.limit = limit
        self._by_client.limit = limit * 4

    def check(self, username: str, client: str) -> None:
        self._apply_limits()
        wait = max(self._by_pair.retry_after(self._pair(username, client)), self._by_client.retry_after(client))
        if wait:
            raise RateLimited(f"Too many failed sign-ins. Try again in {wait // 60 + 1} minutes.", retry_after=wait)

    def failed(self, username: str, client: str) -> None:
        self._by_pair.hit(self._pair(username, client))
        self._by_client.hit(client)

    def succeeded(self, username: str, client: str) -> None:
        self._by_pair.reset(self._pair(username, client))

    def check_password(self, user_id: int) -> None:
        """Before checking a signed-in user's current password: refuse while they guessed wrong too often."""
        self._apply_limits()
        wait = self._password_checks.retry_after(str(user_id))
        if wait:
            raise RateLimited(
                f"Too many wrong current passwords. Try again in {wait // 60 + 1} minutes.", retry_after=wait
            )

    def password_failed(self, user_id: int) -> None:
        self._password_checks.hit(str(user_id))

    def password_succeeded(self, user_id: int) -> None:
        self._password_checks.reset(str(user_id))


class Activity:
    """Last-seen times held in memory and written in batches, so reads never turn into writes."""

    def __init__(self) -> None:
        self._sessions: dict[int, datetime] = {}
        self._tokens: dict[int, datetime] = {}
        self._lock = threading.Lock()

    def session_seen(self, session_id: int, at: datetime) -> None:
        with self._lock:
            self._sessions[session_id] = at

    def token_used(self, token_id: int, at: datetime) -> None:
        with self._lock:
            self._tokens[token_id] = at

    def last_seen(self, session_id: int) -> datetime | None:
        return self._sessions.get(session_id)

    def flush(self) -> int:
        """Write pending last-seen times; returns how many rows were touched."""
        with self._lock:
            sessions, self._sessions = self._sessions, {}
            tokens, self._tokens = self._tokens, {}
        if not sessions and not tokens:
            return 0
        with transaction(write=True):
            for sid, at in sessions.items():
                Session.update(last_seen_at=at).where(Session.id == sid, Session.last_seen_at < at).execute()
            for tid, at in tokens.items():
                ApiToken.update(last_used_at=at).where(ApiToken.id == tid).execute()
        return len(sessions) + len(tokens)


@unit_of_work(write=True)
def _start_session(user_id: int, lifetime: timedelta, user_agent: str, client: str) -> NewSession:
    token = _secrets.new_token(SESSION_PREFIX)
    now = utcnow()
    session = Session.create(
        user=user_id,
        token_hash=_secrets.token_hash(token),
        created_at=now,
        last_seen_at=now,
        expires_at=now + lifetime,
        user_agent=user_agent[:300],
        client_address=client,
    )
    User.update(last_login_at=now).where(User.id == user_id).execute()
    return NewSession(token, session.id, session.expires_at)


def start_session(user_id: int, settings: SettingsStore, user_agent: str, client: str) -> NewSession:
    lifetime = timedelta(days=settings.get_int("session_max_days"))
    return _start_session(user_id, lifetime, user_agent, client)


def _find_user_for_login(username: str) -> User | None:
    with transaction():
        return User.get_or_none(User.username == username.strip().lower())


def sign_in(username: str, password: str, guard: LoginGuard, client: str) -> int:
    """Check a user name and password; returns the user id. Rate limited; one generic error for all failures."""
    guard.check(username, client)
    user = _find_user_for_login(username)
    ok = _secrets.verify_password(password, user.password_hash if user else _secrets.dummy_hash())
    if user is None or not ok or not user.active:
        guard.failed(username, client)
        raise InvalidCredentials()
    guard.succeeded(username, client)
    return int(user.id)


@unit_of_work(write=True)
def end_session(session_id: int) -> None:
    Session.delete().where(Session.id == session_id).execute()


def delete_credentials(user_id: int, *, tokens: bool, keep_session_id: int | None = None) -> None:
    """End the user's sessions (except `keep_session_id`) and, with `tokens`, delete their API tokens.
    Runs inside the caller's write transaction; the commit empties the AuthCache, so nothing deleted here
    authenticates the next request."""
    sessions = Session.delete().where(Session.user == user_id)
    if keep_session_id is not None:
        sessions = sessions.where(Session.id != keep_session_id)
    sessions.execute()
    if tokens:
        ApiToken.delete().where(ApiToken.user == user_id).execute()


@unit_of_work(write=True)
def end_all_sessions(user_id: int, revoke_tokens: bool) -> None:
    """Sign out everywhere: every session of the user, and their API tokens when asked to."""
    delete_credentials(user_id, tokens=revoke_tokens)


@unit_of_work()
def list_sessions(
    user_id: int, current_session_id: int | None, activity: Activity, idle_limit: timedelta
) -> SessionList:
    """The user's sessions that still sign them in: not expired and not idle for longer than the limit."""
    now = utcnow()
    rows = Session.select().where(Session.user == user_id, Session.expires_at > now).order_by(Session.id.desc())
    items = []
    for s in rows:
        last_seen = max(s.last_seen_at, activity.last_seen(s.id) or s.last_seen_at)
        if now - last_seen > idle_limit and s.id != current_session_id:
            continue  # ended by inactivity; pruned by housekeeping
        items.append(
            SessionOut(
                id=s.id,
                created_at=s.created_at,
                last_seen_at=last_seen,
                expires_at=s.expires_at,
                user_agent=s.user_agent,
                client_address=s.client_address,
                current=s.id == current_session_id,
            )
        )
    return SessionList(items=items)


@unit_of_work(write=True)
def revoke_session(user_id: int, session_id: int) -> None:
    if not Session.delete().where(Session.id == session_id, Session.user == user_id).execute():
        raise SessionNotFound(f"You have no session with id {session_id}.")


def _token_out(token: ApiToken) -> TokenOut:
    return TokenOut(
        id=token.id,
        name=token.name,
        prefix=token.prefix,
        created_at=token.created_at,
        last_used_at=token.last_used_at,
        expires_at=token.expires_at,
    )


@unit_of_work(write=True)
def create_token(user_id: int, data: TokenCreate) -> TokenCreated:
    secret = _secrets.new_token(TOKEN_PREFIX)
    now = utcnow()
    expires = now + timedelta(days=data.expires_in_days) if data.expires_in_days else None
    row = ApiToken.create(
        user=user_id,
        name=data.name,
        token_hash=_secrets.token_hash(secret),
        prefix=secret[:10],
        created_at=now,
        expires_at=expires,
    )
    return TokenCreated(**_token_out(row).model_dump(), token=secret)


@unit_of_work()
def list_tokens(user_id: int) -> TokenList:
    rows = ApiToken.select().where(ApiToken.user == user_id).order_by(ApiToken.id.desc())
    return TokenList(items=[_token_out(t) for t in rows])


@unit_of_work(write=True)
def revoke_token(user_id: int, token_id: int) -> None:
    if not ApiToken.delete().where(ApiToken.id == token_id, ApiToken.user == user_id).execute():
        raise TokenNotFound(f"You have no API token with id {token_id}.")


@unit_of_work(write=True)
def prune_expired_sessions() -> int:
    return int(Session.delete().where(Session.expires_at <= utcnow()).execute())


_TOKEN_QUERY = Prepared(
    lambda: (
        ApiToken.select(
            ApiToken.id, ApiToken.expires_at, ApiToken.last_used_at, User.id.alias("user_id"), User.username, User.role
        )
        .join(User, JOIN.INNER)
        .where(ApiToken.token_hash == "", User.active)
    )
)
_SESSION_QUERY = Prepared(
    lambda: (
        Session.select(
            Session.id, Session.expires_at, Session.last_seen_at, User.id.alias("user_id"), User.username, User.role
        )
        .join(User, JOIN.INNER)
        .where(Session.token_hash == "", User.active)
    )
)


@dataclass
class _Found:
    """A credential's row as authentication needs it (a session's or an API token's, with its active user)."""

    id: int
    user_id: int
    username: str
    role: str
    expires_at: datetime | None
    last_seen: datetime | None  # a session's last_seen_at, a token's last_used_at
    cached_at: float


class AuthCache:
    """Recently resolved credentials by token hash, so a request does not query the database to authenticate.

    Correctness over speed: the cache is emptied whenever the database may have changed (any commit by any
    connection or process, see db.change_stamp), so logout, revoking a session or token, a password change,
    deactivation or a role change take effect on the very next request. Entries also expire after TTL seconds,
    and the cache holds at most MAX_ENTRIES. Expiry and idle limits are checked on every request, cached or not.
    The server authenticates on its event loop thread only; the lock and the stamp check in `lookup` keep it
    right with several threads too (a row read before a write is never stored after another thread saw it)."""

    TTL_SECONDS = 10.0
    MAX_ENTRIES = 1024

    def __init__(self) -> None:
        self._entries: dict[str, _Found] = {}
        self._stamp: tuple[int, ...] | None = None
        self._lock = threading.Lock()

    def lookup(self, digest: str, load: Callable[[], _Found | None]) -> _Found | None:
        """The cached entry for `digest`, else `load()` (a database read), remembered if nothing changed since."""
        stamp = change_stamp()  # taken before the read: a later write changes the stamp
        with self._lock:
            if stamp != self._stamp:
                self._entries.clear()
                self._stamp = stamp
            found = self._entries.get(digest)
            if found is not None and time.monotonic() - found.cached_at <= self.TTL_SECONDS:
                return found
        found = load()
        if found is not None:
            with self._lock:
                if self._stamp == stamp:
                    if len(self._entries) >= self.MAX_ENTRIES:
                        del self._entries[next(iter(self._entries))]
                    self._entries[digest] = found
        return found


def _found(row: dict[str, Any] | None, last_seen_key: str) -> _Found | None:
    if row is None:
        return None
    return _Found(
        id=row["id"],
        user_id=row["user_id"],
        username=row["username"],
        role=row["role"],
        expires_at=row["expires_at"],
        last_seen=row[last_seen_key],
        cached_at=time.monotonic(),
    )


class Authenticator:
    """Turns a request's Bearer token or session cookie into a Principal. Runs inline on the event loop:
    it is one indexed read (usually none: see AuthCache), and a thread hop would cost more than the query."""

    def __init__(self, credentials: Credentials, settings: SettingsStore, activity: Activity) -> None:
        self.credentials = credentials
        self.settings = settings
        self.activity = activity
        self._sessions = AuthCache()
        self._tokens = AuthCache()

    def __call__(self, bearer: str | None, cookie: str | None) -> Principal | None:
        if bearer is not None:
            return self._from_token(bearer)
        if cookie:
            token = self.credentials.token_from_cookie(cookie)
            return self._from_session(token) if token else None
        return None

    def _lookup(self, cache: AuthCache, query: Prepared, digest: str, last_seen_key: str) -> _Found | None:
        return cache.lookup(digest, lambda: _found(query.first(digest), last_seen_key))

    def _from_session(self, token: str) -> Principal | None:
        digest = _secrets.token_hash(token)
        now = utcnow()
        found = self._lookup(self._sessions, _SESSION_QUERY, digest, "last_seen_at")
        if found is None or found.expires_at is None or found.expires_at <= now:
            return None
        stored = found.last_seen or now
        last_seen = max(stored, self.activity.last_seen(found.id) or stored)
        if now - last_seen > timedelta(minutes=self.settings.get_int("session_idle_minutes")):
            return None
        if now - last_seen > ACTIVITY_GRANULARITY:
            self.activity.session_seen(found.id, now)
        return Principal(
            user_id=found.user_id,
            username=found.username,
            role=found.role,
            session_id=found.id,
            csrf_token=self.credentials.csrf_token(digest),
        )

    def _from_token(self, token: str) -> Principal | None:
        now = utcnow()
        found = self._lookup(self._tokens, _TOKEN_QUERY, _secrets.token_hash(token), "last_used_at")
        if found is None or (found.expires_at is not None and found.expires_at <= now):
            return None
        if found.last_seen is None or now - found.last_seen > ACTIVITY_GRANULARITY:
            self.activity.token_used(found.id, now)
            found.last_seen = now  # recorded; the row catches up at the next flush
        return Principal(user_id=found.user_id, username=found.username, role=found.role, token_id=found.id)


CREDENTIALS: Key[Credentials] = Key("credentials")
ACTIVITY: Key[Activity] = Key("session activity")
LOGIN_GUARD: Key[LoginGuard] = Key("login guard")
