"""Past one box: three real `devcell serve` processes on one PostgreSQL database and one Chroma server, as nginx
would spread a team's requests over them. What one process writes the others serve at once (their caches follow
the database), a document added through one is searchable through the others, a job running in one is followed
through another, exactly one runs the scheduled jobs, and when it is killed another takes them over."""

from __future__ import annotations

import contextlib
import http.client
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.chroma_server import ChromaServer, chroma_server
from tests.postgres_server import PostgresCluster
from tests.serverproc import ADMIN_PASSWORD, HOST, ServerProcess, api_token, cli_env
from tests.waiting import wait_until

__all__ = ["chroma_server"]

PROCESSES = 3
TAKEOVER_BUDGET_SECONDS = 60.0


@pytest.fixture
def cluster_env(
    postgres_cluster: PostgresCluster, chroma_server: ChromaServer, tmp_path: Path
) -> Iterator[dict[str, str]]:
    """What every process of one DevCell cluster shares: the database, the vector server, the knowledgebase
    directory (NFS in a real cluster) and the secret that signs sessions."""
    url = postgres_cluster.empty_database()
    shared = tmp_path / "shared-knowledgebase"
    shared.mkdir()
    yield {
        "DEVCELL_DATABASE_URL": url,
        "DEVCELL_CHROMA_URL": chroma_server.url,
        "DEVCELL_CHROMA_DATABASE": chroma_server.database(),
        "DEVCELL_KNOWLEDGEBASE_DIR": str(shared),
        "DEVCELL_SECRET_KEY": "s" * 48,
        "DEVCELL_EMBEDDING_MODEL": "hashing-test",
        "ANONYMIZED_TELEMETRY": "False",
        "NO_PROXY": "127.0.0.1",
        "no_proxy": "127.0.0.1",
    }
    postgres_cluster.drop(url)


@pytest.fixture
def servers(cluster_env: dict[str, str], tmp_path: Path) -> Iterator[list[ServerProcess]]:
    first_data = tmp_path / "host-0"
    made = cli_env(
        first_data, cluster_env, "user", "create", "--admin", "admin", "--password-stdin", stdin=ADMIN_PASSWORD + "\n"
    )
    assert made.returncode == 0, made.stderr
    with contextlib.ExitStack() as stack:
        started = [
            stack.enter_context(ServerProcess(tmp_path / f"host-{n}", env=cluster_env)) for n in range(PROCESSES)
        ]
        for server in started:
            server.wait_ready(timeout=120)
        yield started


def call(server: ServerProcess, token: str, method: str, path: str, body: Any = None) -> tuple[int, Any]:
    with server.client(token) as client:
        return client.request(method, path, body)


def runs_scheduler(server: ServerProcess, token: str) -> bool:
    status, body = call(server, token, "GET", "/api/system/schedule")
    assert status == 200, body
    return bool(body["items"][0]["runs_here"])


def job_events(server: ServerProcess, token: str, job_id: str) -> list[dict[str, Any]]:
    """Every `job` event of the job's stream, to its end."""
    connection = http.client.HTTPConnection(HOST, server.port, timeout=60)
    try:
        connection.request("GET", f"/api/jobs/{job_id}/events", headers={"Authorization": f"Bearer {token}"})
        response = connection.getresponse()
        assert response.status == 200
        events = [json.loads(line[5:]) for line in response.read().decode().splitlines() if line.startswith("data:")]
    finally:
        connection.close()
    return events


def upload(server: ServerProcess, token: str, name: str, data: bytes) -> tuple[int, Any]:
    """POST one file to the knowledgebase as the browser's form does (multipart, field `file`)."""
    boundary = "devcell-scale-out-boundary"
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{name}"\r\n'
            "Content-Type: text/markdown\r\n\r\n"
        ).encode()
        + data
        + f"\r\n--{boundary}--\r\n".encode()
    )
    connection = http.client.HTTPConnection(HOST, server.port, timeout=60)
    try:
        headers = {"Authorization": f"Bearer {token}", "Content-Type": f"multipart/form-data; boundary={boundary}"}
        connection.request("POST", "/api/documents", body=body, headers=headers)
        response = connection.getresponse()
        return response.status, json.loads(response.read())
    finally:
        connection.close()


def raw_get(server: ServerProcess, token: str, path: str) -> bytes:
    connection = http.client.HTTPConnection(HOST, server.port, timeout=60)
    try:
        connection.request("GET", path, headers={"Authorization": f"Bearer {token}"})
        response = connection.getresponse()
        assert response.status == 200, response.status
        return response.read()
    finally:
        connection.close()


def test_three_processes_serve_one_database_and_one_index(servers: list[ServerProcess]) -> None:
    a, b, c = servers
    token = api_token(a)

    status, task = call(a, token, "POST", "/api/tasks", {"title": "Rotate the VPN keys"})
    assert status == 201, task
    for other in (b, c):  # listed at once: their caches see the write made through another process
        status, page = call(other, token, "GET", "/api/tasks")
        assert status == 200
        assert [item["title"] for item in page["items"]] == ["Rotate the VPN keys"]

    status, document = upload(a, token, "runbook.md", b"# Runbook\n\nHow to do a wireguard rekey on the VPN hub.\n")
    assert status == 201, document
    events = job_events(b, token, document["job_id"])  # the indexing job runs in a; b follows its row
    assert events[-1]["status"] == "succeeded", events
    assert events[0]["id"] == document["job_id"]
    assert len(events) >= 2, events  # the state when b started following, and the end a stored
    assert events[-1]["progress_total"], events  # a's progress, read from the job's row
    assert events[-1]["progress_done"] == events[-1]["progress_total"]

    def found(server: ServerProcess) -> bool:
        status, body = call(server, token, "GET", "/api/search?q=wireguard")
        assert status == 200, body
        return any(item["document_id"] == document["id"] for item in body["items"])

    assert found(b)
    assert found(c)
    # The file itself lives in the shared knowledgebase directory, so any process can serve it.
    assert raw_get(c, token, f"/api/documents/{document['id']}/content").startswith(b"# Runbook")


def test_exactly_one_process_runs_the_scheduler_and_another_takes_over(
    servers: list[ServerProcess], cluster_env: dict[str, str], tmp_path: Path
) -> None:
    token = api_token(servers[0])
    holders = [server for server in servers if runs_scheduler(server, token)]
    assert len(holders) == 1
    holder = holders[0]
    status, processes = call(servers[0], token, "GET", "/api/system/processes")
    assert status == 200, processes
    assert len(processes["processes"]) == PROCESSES
    assert [p["pid"] for p in processes["processes"] if p["runs_scheduler"]] in ([holder.pid], [])

    other = next(server for server in servers if server is not holder)
    status, report = call(other, token, "GET", "/api/system/health?fresh=true")
    assert status == 200, report
    finding = next(item for item in report["items"] if item["name"] == "scheduler")
    assert finding["severity"] == "ok"
    assert finding["message"].startswith("devcell@")
    assert f":{holder.pid} runs the scheduled jobs" in finding["message"]
    assert f"{PROCESSES} DevCell processes serve this database" in finding["message"]

    holder.kill()
    rest = [server for server in servers if server is not holder]
    wait_until(
        lambda: any(runs_scheduler(server, token) for server in rest),
        TAKEOVER_BUDGET_SECONDS,
        "another process runs the scheduled jobs",
        every=1.0,
    )
    assert sum(runs_scheduler(server, token) for server in rest) == 1

    # An offline restore on another host would pull the data from under them: refused, naming who serves it.
    archive = tmp_path / "some-backup.tar.gz"
    archive.write_bytes(b"not read: refused before")
    refused = cli_env(tmp_path / "admin-laptop", cluster_env, "restore", "--yes", str(archive))
    assert refused.returncode == 1
    assert f"{PROCESSES - 1} DevCell process(es) serve this database" in refused.stderr
