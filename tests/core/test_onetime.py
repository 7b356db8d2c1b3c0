"""core.onetime: one-time codes in a 0600 file, compared forgivingly, gone once used."""

from __future__ import annotations

import stat
from pathlib import Path

from devcell.core import onetime


def test_a_code_is_created_once_with_mode_0600(tmp_path: Path) -> None:
    path = tmp_path / "code"
    code = onetime.ensure_code(path)
    assert onetime.ensure_code(path) == code
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_a_code_matches_whatever_its_case_and_dashes(tmp_path: Path) -> None:
    path = tmp_path / "code"
    code = onetime.ensure_code(path)
    assert onetime.matches(path, code.lower().replace("-", " "))


def test_another_code_does_not_match(tmp_path: Path) -> None:
    path = tmp_path / "code"
    onetime.ensure_code(path)
    assert not onetime.matches(path, "AAAA-AAAA-AAAA")


def test_nothing_matches_once_the_code_is_discarded(tmp_path: Path) -> None:
    path = tmp_path / "code"
    code = onetime.ensure_code(path)
    onetime.discard(path)
    assert not onetime.matches(path, code)
    assert not onetime.matches(path, "")
