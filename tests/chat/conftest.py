"""Chat tests share the documents tests' set-up: hashing embedder, network blocked for the app. They run on the
embedded index only: the documents and search tests cover a Chroma server (the `vectors` fixture there)."""

from __future__ import annotations

import pytest

from tests.documents.conftest import config, network_blocked

__all__ = ["config", "network_blocked"]


@pytest.fixture
def vectors() -> str:
    return "embedded"
