"""Chat tests share the documents tests' set-up: hashing embedder, network blocked for the app."""

from __future__ import annotations

from tests.documents.conftest import config, network_blocked

__all__ = ["config", "network_blocked"]
