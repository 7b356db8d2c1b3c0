"""Search tests share the documents tests' set-up: hashing embedder, network blocked for the app."""

from __future__ import annotations

from tests.documents.conftest import chroma_server, config, network_blocked, vectors

__all__ = ["chroma_server", "config", "network_blocked", "vectors"]
