"""Password hashing and token hashing (called directly: pure functions)."""

from __future__ import annotations

import hashlib

import pytest

from devcell.accounts import _secrets

PASSWORD = "correct horse battery"


@pytest.fixture(scope="module")
def stored() -> str:
    return _secrets.hash_password(PASSWORD)


def test_verify_password_accepts_the_hashed_password(stored: str) -> None:
    assert _secrets.verify_password(PASSWORD, stored) is True


def test_verify_password_rejects_a_wrong_password(stored: str) -> None:
    assert _secrets.verify_password(PASSWORD + "!", stored) is False


def test_hash_password_stores_scheme_and_parameters_not_the_password(stored: str) -> None:
    assert stored.startswith("scrypt$16384$8$1$")
    assert PASSWORD not in stored


def test_hash_password_salts_each_hash(stored: str) -> None:
    assert _secrets.hash_password(PASSWORD) != stored


@pytest.mark.parametrize(
    "malformed",
    [
        "",
        "not a hash",
        "bcrypt$2b$12$abc$def$ghi",
        "scrypt$16384$8$1$c2FsdA==",
        "scrypt$lots$8$1$c2FsdA==$a2V5",
        "scrypt$16384$8$1$%%%$a2V5",
        "scrypt$3$8$1$c2FsdA==$a2V5",
        "scrypt$1099511627776$8$1$c2FsdA==$a2V5",
        "scrypt$99999999999999999999999$8$1$c2FsdA==$a2V5",
    ],
)
def test_verify_password_is_false_for_a_malformed_hash(malformed: str) -> None:
    assert _secrets.verify_password(PASSWORD, malformed) is False


def test_token_hash_is_hex_sha256() -> None:
    assert _secrets.token_hash("dct_abc") == hashlib.sha256(b"dct_abc").hexdigest()


def test_new_token_is_prefixed_and_unique() -> None:
    first, second = _secrets.new_token("dct"), _secrets.new_token("dct")
    assert first.startswith("dct_")
    assert first != second
    assert len(first) > 40
