"""System test fixtures: the injectable disk reading (shared with the backup tests)."""

from __future__ import annotations

import pytest
from starlette.applications import Starlette

from devcell.core.disk import DISK
from tests.backups.conftest import ScriptedDisk


@pytest.fixture
def disk(app: Starlette) -> ScriptedDisk:
    """Injected before the lifespan starts (request it before `client`/`admin`)."""
    probe = ScriptedDisk()
    app.state.provide(DISK, probe)
    return probe
