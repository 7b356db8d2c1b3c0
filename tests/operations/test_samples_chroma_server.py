"""The System page's size chart with the vector index on a Chroma server: there is no local folder to measure, so
the history says so and the chart leaves the index out instead of drawing a size of 0."""

from __future__ import annotations

from pathlib import Path

import pytest

from devcell.core.config import Config, load_config
from tests.conftest import Actor

# On PostgreSQL the suite's own config has a Chroma server already (test_samples covers it): the appliance's
# database beside a Chroma server is the case left.
pytestmark = pytest.mark.parametrize("backend", ["sqlite"])


@pytest.fixture
def config(tmp_path: Path, backend_env: dict[str, str]) -> Config:
    # Never contacted here: the history reads only the samples table.
    env = {**backend_env, "DEVCELL_CHROMA_URL": "http://127.0.0.1:9"}
    return load_config(env, data_dir=tmp_path / "data")


def test_the_history_says_the_index_is_on_the_server(admin: Actor) -> None:
    series = admin.get("/api/system/metrics/history?days=1").json()
    assert series["index_on_server"] is True
