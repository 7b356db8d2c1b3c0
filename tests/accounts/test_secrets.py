"""Password hashing and token hashing (called directly: pure functions).

The rest of the suite hashes with a cheap scrypt cost (tests/conftest.py); the hashes here use the production
cost, so these tests check what an installation stores."""

from __future__ import annotations

import hashlib

import pytest

from devcell.accounts import _secrets

PASSWORD = "correct horse battery"


@pytest.fixture(scope="module")
def stored() -> str:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(_secrets, "hash_cost", _secrets.PRODUCTION_COST)
        return _secrets.hash_password(PASSWORD)


def test_production_cost_is_n_2_14_r_8_p_1() -> None:
    """16 MiB and ~40 ms per hash on a Pi (the comment in _secrets); a change here is a security decision."""
    cost = _secrets.PRODUCTION_COST
    assert (cost.n, cost.r, cost.p) == (2**14, 8, 1)


def test_verify_password_accepts_the_hashed_password(stored: str) -> None:
    assert _secrets.verify_password(PASSWORD, stored) is True


def test_verify_password_rejects_a_wrong_password(stored: str) -> None:
    assert _secrets.verify_password(PASSWORD + "!", stored) is False


def test_hash_password_stores_scheme_and_parameters_not_the_password(stored: str) -> None:
    assert stored.startswith("scrypt$16384$8$1$")
    assert PASSWORD not in stored


def test_hash_password_salts_each_hash(stored: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_secrets, "hash_cost", _secrets.PRODUCTION_COST)
    assert _secrets.hash_password(PASSWORD) != stored


def test_hash_password_uses_the_current_cost_and_verify_reads_the_stored_one(stored: str) -> None:
    """The suite's cheap cost is in the new hash; a production hash made before still verifies."""
    cheap = _secrets.hash_password(PASSWORD)
    cost = _secrets.hash_cost
    assert cost != _secrets.PRODUCTION_COST
    assert cheap.startswith(f"scrypt${cost.n}${cost.r}${cost.p}$")
    assert _secrets.verify_password(PASSWORD, cheap) is True
    assert _secrets.verify_password(PASSWORD, stored) is True
    assert _secrets.verify_password(PASSWORD + "!", cheap) is False


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
