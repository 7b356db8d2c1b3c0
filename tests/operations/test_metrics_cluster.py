"""/metrics per process: whether it reaches its database and vector index and how long one round trip takes,
whether it runs the scheduled jobs, and how many processes serve the database. Past one box every process is
scraped, so the scheduler gauge sums to 1 over a healthy cluster."""

from __future__ import annotations

import os
import re
import socket

import pytest

from tests.conftest import Actor
from tests.waiting import wait_until

BOTH = pytest.mark.parametrize("backend", ["sqlite", "postgresql"])


def metrics(admin: Actor) -> str:
    response = admin.get("/metrics")
    assert response.status_code == 200, response.text
    return response.text


def value(text: str, name: str) -> float | None:
    found = re.search(rf"^{name} (\S+)$", text, re.MULTILINE)
    return float(found.group(1)) if found else None


@BOTH
def test_each_process_says_who_it_is_and_what_it_reaches(admin: Actor, backend: str) -> None:
    text = metrics(admin)
    process = f"devcell@{socket.gethostname()}:{os.getpid()}"
    assert re.search(rf'^devcell_info\{{version="[^"]+",process="{process}",database="{backend}"\}} 1$', text, re.M)
    assert value(text, "devcell_database_up") == 1
    round_trip = value(text, "devcell_database_round_trip_seconds")
    assert round_trip is not None
    assert 0 < round_trip < 5
    assert value(text, "devcell_vectors_up") == 1
    assert value(text, "devcell_scheduler_runs_here") == 1
    assert value(text, "devcell_processes") == 1
    assert "devcell_vectors_round_trip_seconds" not in text  # the index is not opened until first used
    # On the Chroma server beside PostgreSQL, the index's size is not this host's to measure (it would read 0).
    assert ("devcell_index_bytes " in text) == (backend == "sqlite")


@BOTH
def test_the_vector_round_trip_is_reported_once_the_index_is_used(admin: Actor) -> None:
    response = admin.post("/api/documents/notes", json={"title": "Runbook", "text": "rotate the wireguard keys"})
    assert response.status_code == 201, response.text
    # The heartbeat (every 10 s) times one read of the index: on a Chroma server, a network round trip.
    seconds = wait_until(
        lambda: value(metrics(admin), "devcell_vectors_round_trip_seconds"),
        timeout=60,
        what="the vector index's round trip in /metrics",
        every=1.0,
    )
    assert 0 < seconds < 5
