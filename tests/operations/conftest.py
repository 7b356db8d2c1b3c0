"""Operations test fixtures: the injectable disk reading (the backup tests' own)."""

from __future__ import annotations

from tests.backups.conftest import disk as disk
