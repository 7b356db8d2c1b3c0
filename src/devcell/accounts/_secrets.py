"""Password hashing (scrypt, parameters stored with the hash) and random tokens stored only as hashes."""

from __future__ import annotations

import base64
import functools
import hashlib
import hmac
import secrets
from dataclasses import dataclass

# n=2**14, r=8 -> 16 MiB and ~40 ms per hash: slow for a guesser, fine for a Pi.
SCRYPT_N = 2**14
SCRYPT_R = 8
SCRYPT_P = 1
SALT_BYTES = 16
KEY_BYTES = 32


@dataclass(frozen=True)
class ScryptCost:
    n: int
    r: int
    p: int


PRODUCTION_COST = ScryptCost(SCRYPT_N, SCRYPT_R, SCRYPT_P)
# The cost of new hashes, read by hash_password on every call. Only the test suite assigns it (a cheap cost, in
# tests/conftest.py); nothing reads it from the environment or the configuration, so an installation always hashes
# with PRODUCTION_COST. Verifying uses the parameters stored in each hash, whatever this is.
hash_cost = PRODUCTION_COST


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _scrypt(password: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(password.encode("utf-8"), salt=salt, n=n, r=r, p=p, maxmem=64 * 1024 * 1024, dklen=KEY_BYTES)


def hash_password(password: str) -> str:
    """`scrypt$n$r$p$salt$key`, all a future verifier needs even if the defaults change."""
    cost = hash_cost
    salt = secrets.token_bytes(SALT_BYTES)
    key = _scrypt(password, salt, cost.n, cost.r, cost.p)
    return f"scrypt${cost.n}${cost.r}${cost.p}${_b64(salt)}${_b64(key)}"


def verify_password(password: str, stored: str) -> bool:
    """False for a wrong password and for a stored value that is not a usable scrypt hash (never raises)."""
    try:
        scheme, n, r, p, salt, key = stored.split("$")
        if scheme != "scrypt":
            return False
        expected = base64.b64decode(key, validate=True)
        actual = _scrypt(password, base64.b64decode(salt, validate=True), int(n), int(r), int(p))
    except (ValueError, TypeError, OverflowError):  # bad fields, or parameters hashlib refuses
        return False
    return hmac.compare_digest(actual, expected)


@functools.cache
def dummy_hash() -> str:
    """Verifying against this when a user name is unknown makes both failures take the same time."""
    return hash_password(secrets.token_hex(16))


def new_token(prefix: str) -> str:
    return f"{prefix}_{secrets.token_urlsafe(32)}"


def token_hash(token: str) -> str:
    """Tokens are high-entropy, so a plain SHA-256 is enough: a leaked table gives nothing usable."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()
