"""/metrics in the Prometheus text format, for admins and their API tokens."""

from __future__ import annotations

import re

from starlette.applications import Starlette
from starlette.testclient import TestClient

from tests.backups.conftest import backup_now
from tests.conftest import Actor, new_client

# A sample line: Prometheus reads the value as Go's ParseFloat does (7.3e-05 is a value).
SAMPLE = re.compile(r'^[a-z_]+(\{[a-z_]+="[^"]*"(,[a-z_]+="[^"]*")*\})? -?[0-9.]+(e[+-][0-9]+)?$')


def test_metrics_with_an_api_token(admin: Actor, client: TestClient) -> None:
    backup_now(admin)
    token = admin.post("/api/auth/tokens", json={"name": "prometheus"}).json()["token"]
    response = client.get("/metrics", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain; version=0.0.4")
    lines = response.text.splitlines()
    samples = [line for line in lines if not line.startswith("#")]
    assert all(SAMPLE.match(line) for line in samples), [line for line in samples if not SAMPLE.match(line)]
    text = response.text
    assert 'devcell_http_requests_total{method="POST",status="2xx"}' in text
    assert 'devcell_http_request_duration_seconds_bucket{le="+Inf"}' in text
    assert 'devcell_job_runs{kind="backup",status="succeeded"} 1' in text
    sizes = dict(re.findall(r'^devcell_database_bytes\{part="(\w+)"\} (\S+)$', text, re.MULTILINE))
    assert float(sizes["file"]) > 0  # the SQLite file, or the database on the PostgreSQL server
    assert 'devcell_disk_bytes{dir="data",kind="free"}' in text
    assert "devcell_backups 1" in text


def test_metrics_are_for_admins(app: Starlette, user: Actor) -> None:
    assert new_client(app).get("/metrics").status_code == 401
    assert user.get("/metrics").status_code == 403
