"""The benchmark's own parts that need no server: reading wrk's output, choosing the load tools."""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from tests.bench import loadgen, package_scenario, scenarios

# wrk pads some values with a trailing space (\x20 below), as it does for "1.53s ".
WRK_OUTPUT = """Running 10s test @ http://127.0.0.1:9000/api/auth/me
  1 threads and 64 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     9.98ms    4.98ms  1.20s    88.99%
  Latency Distribution
     50%  850.00us
     75%    5.78ms
     90%   10.55ms
     99%    1.53s\x20
  61234 requests in 10.02s, 3.29MB read
  Socket errors: connect 0, read 2, write 0, timeout 3
  Non-2xx or 3xx responses: 7
Requests/sec:   6111.18
Transfer/sec:      3.23MB
"""


def test_parse_wrk_reads_rate_percentiles_and_errors() -> None:
    report = scenarios.parse_wrk(WRK_OUTPUT, 10)
    assert (report["requests"], report["rps"]) == (61234, 6111.2)
    assert (report["p50_ms"], report["p90_ms"], report["p99_ms"]) == (0.85, 10.55, 1530.0)
    assert (report["non_2xx"], report["socket_errors"], report["errors"]) == (7, 5, 12)


def test_parse_wrk_refuses_output_without_percentiles() -> None:
    with pytest.raises(RuntimeError, match="unexpected wrk output"):
        scenarios.parse_wrk("Requests/sec: 5\n", 1)


def test_load_tools_use_wrk_only_when_installed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(scenarios.shutil, "which", lambda name: None)
    assert scenarios.load_tools() == ["loadgen"]
    monkeypatch.setattr(scenarios.shutil, "which", lambda name: f"/usr/bin/{name}")
    assert scenarios.load_tools() == ["loadgen", "wrk"]


def test_installed_service_is_skipped_with_a_reason_when_it_cannot_run(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # Not root, not Debian, a devcell already installed, or (here) no package to install: a reason, no numbers.
    monkeypatch.setenv("DEVCELL_PACKAGE_DEB", str(tmp_path / "devcell.deb"))
    outcome = package_scenario.installed_service(scenarios.Options(tmp_path))
    assert outcome.skipped
    assert outcome.metrics == []
    assert "devcell.deb" in outcome.skipped


def test_build_request_frames_a_body_by_its_length() -> None:
    body = '{"title": "Grüße"}'.encode()
    request = loadgen.build_request("127.0.0.1", 9000, "POST", "/api/tasks", ["Authorization: Bearer x"], body)
    head, _, sent = request.partition(b"\r\n\r\n")
    assert sent == body
    assert head.split(b"\r\n")[0] == b"POST /api/tasks HTTP/1.1"
    assert b"Content-Type: application/json" in head.split(b"\r\n")
    assert f"Content-Length: {len(body)}".encode() in head.split(b"\r\n")  # bytes, not characters


def test_build_request_without_a_body_sends_no_content_headers() -> None:
    request = loadgen.build_request("127.0.0.1", 9000, "GET", "/api/tasks", [])
    assert request.endswith(b"\r\n\r\n")
    assert b"Content-" not in request


class _Recorder(BaseHTTPRequestHandler):
    """Answers 201 to every POST on a keep-alive connection and keeps the bodies it read."""

    protocol_version = "HTTP/1.1"
    bodies: list[tuple[str, bytes]] = []

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.bodies.append((self.headers["Content-Type"], body))
        self.send_response(201)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, format: str, *args: object) -> None:  # quiet: no stderr line per request
        pass


@pytest.fixture
def recorder() -> Iterator[ThreadingHTTPServer]:
    _Recorder.bodies = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


def test_loadgen_sends_the_body_on_every_request_of_a_keep_alive_connection(recorder: ThreadingHTTPServer) -> None:
    body = json.dumps({"title": "Bench write"})
    argv = ["--port", str(recorder.server_address[1]), "--method", "POST", "--path", "/api/tasks", "--body", body]
    argv += ["--content-type", "application/json; charset=utf-8", "--connections", "2"]
    report = asyncio.run(loadgen.run(loadgen.parse_args([*argv, "--duration", "0.3", "--warmup", "0"])))
    assert report["errors"] == 0
    assert report["statuses"] == {"201": report["requests"]}
    assert len(_Recorder.bodies) >= report["requests"] > 2  # more than one request per connection: kept alive
    assert set(_Recorder.bodies) == {("application/json; charset=utf-8", body.encode())}
