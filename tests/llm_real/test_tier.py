"""The real-model tier's own machinery, without the model: when it runs, skips or builds, that an unfinished
build is never used, and that the recording proxy relays answers unchanged while noting why they stopped."""

from __future__ import annotations

import http.client
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from tests.llm_real import checks, server
from tests.llm_real.proxy import Exchange, RecordingProxy

STREAM = [
    {"choices": [{"index": 0, "delta": {"content": "one"}, "finish_reason": None}]},
    {"choices": [{"index": 0, "delta": {"content": " two"}, "finish_reason": None}]},
    {"choices": [{"index": 0, "delta": {}, "finish_reason": "length"}]},
]
COMPLETION = {
    "choices": [{"index": 0, "message": {"role": "assistant", "content": "done"}, "finish_reason": "stop"}],
    "usage": {"prompt_tokens": 30, "completion_tokens": 5, "total_tokens": 35},
}


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv(server.CACHE_ENV, str(tmp_path / "cache"))
    monkeypatch.delenv(server.REQUIRED_ENV, raising=False)
    return tmp_path / "cache"


def finished(cache: Path, name: str) -> Path:
    folder = cache / name
    (folder / "venv").mkdir(parents=True)
    (folder / server.READY).write_text(json.dumps({"seconds": 1.0, "built_at": "2026-01-01T00:00:00Z"}))
    return folder


def test_without_a_build_the_tier_skips_and_says_how_to_build(cache: Path) -> None:
    reasons: list[str] = []
    with pytest.raises(RuntimeError):
        server.environment(skip=reasons.append)
    assert len(reasons) == 1
    assert "set DEVCELL_LLM_REAL=1 to build it" in reasons[0]
    assert not cache.exists(), "nothing is built or created without DEVCELL_LLM_REAL=1"


def test_a_finished_build_is_used_and_an_interrupted_one_is_not(cache: Path) -> None:
    digest = server.requirements_digest()
    finished(cache, f"{digest}.partial-1")  # even with its marker: only the renamed folder counts
    assert server.built() is None
    folder = finished(cache, digest)
    assert server.environment() == server.Environment(folder)
    assert server.build() == server.Environment(folder), "a finished environment is not built again"


def test_a_build_for_other_requirements_is_not_used(cache: Path) -> None:
    finished(cache, "0123456789abcdef")
    assert server.built() is None


def test_a_model_file_that_differs_from_the_pin_is_refused(tmp_path: Path) -> None:
    model = tmp_path / "env" / "venv" / "lib" / "python3.11" / "site-packages" / server.MODEL_MEMBER
    model.parent.mkdir(parents=True)
    model.write_bytes(b"not the model")
    with pytest.raises(AssertionError, match="pins"):
        server.Environment(tmp_path / "env").model()


def test_a_generation_stopped_at_a_limit_is_recognised() -> None:
    assert Exchange("POST", "/v1/chat/completions", finish_reason="length").reached(2048)
    assert Exchange("POST", "/v1/chat/completions", prompt_tokens=2000, completion_tokens=48).reached(2048)
    assert not Exchange("POST", "/v1/chat/completions", finish_reason="stop", prompt_tokens=100,
                        completion_tokens=50).reached(2048)  # fmt: skip


def test_roadmap_parts_named_as_left_out_are_not_counted_as_given() -> None:
    roadmap = "# Plan\n\n## Week 1: Start\n- a\n\n## Week 2: More\n- b\n\n## Week 3: End\n- c\n"
    warning = "2 of 4 parts were left out and not turned into units: “Week 2: More”, “Week 3: End”."
    assert checks.sections_given(roadmap, []) == ["Week 1: Start", "Week 2: More", "Week 3: End"]
    assert checks.sections_given(roadmap, [warning]) == ["Week 1: Start"]


def test_an_answer_may_cite_only_its_citations() -> None:
    body = {"mode": "llm", "answer": "At 02:30 [1].", "citations": [{"number": 1}]}
    assert checks.ask_problem(200, body) is None
    wrong = {**body, "answer": "At 02:30 [1][6]."}
    assert "cites [6]" in str(checks.ask_problem(200, wrong))
    assert checks.ask_problem(200, {**wrong, "warnings": ["Unchecked: it cites [6]"]}) is None, "it says so"
    assert checks.ask_problem(200, {**body, "mode": "extracts", "answer": None}) is not None


def test_a_sitrep_is_judged_by_what_it_cites() -> None:
    sources = [{"number": 1}, {"number": 2}]
    ready = {"status": "ready", "sources": sources, "warnings": []}
    assert checks.sitrep_problem({**ready, "markdown": "Done [1], going on [2]."}) is None
    assert checks.sitrep_problem({**ready, "markdown": "Nothing cited."}) == "ready without a warning, citing nothing"
    assert "does not cite" in str(checks.sitrep_problem({**ready, "markdown": "Only [1]."}))
    assert checks.sitrep_problem({**ready, "markdown": "Nothing cited.", "warnings": ["unchecked"]}) is None
    assert checks.sitrep_problem({"status": "failed", "markdown": "", "sources": []}) is None


class Upstream(BaseHTTPRequestHandler):
    """A stand-in for the LLM server: a streamed answer cut at max_tokens, or a whole one."""

    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_POST(self) -> None:
        request = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        if request.get("stream"):
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            for data in [*(json.dumps(chunk) for chunk in STREAM), "[DONE]"]:
                piece = f"data: {data}\r\n\r\n".encode()
                self.wfile.write(b"%x\r\n%s\r\n" % (len(piece), piece))
            self.wfile.write(b"0\r\n\r\n")
            return
        body = json.dumps(COMPLETION).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture
def proxied() -> Iterator[RecordingProxy]:
    upstream = ThreadingHTTPServer(("127.0.0.1", 0), Upstream)
    threading.Thread(target=upstream.serve_forever, daemon=True).start()
    try:
        with RecordingProxy(f"http://127.0.0.1:{upstream.server_address[1]}") as proxy:
            yield proxy
    finally:
        upstream.shutdown()
        upstream.server_close()


def post(proxy: RecordingProxy, body: dict[str, Any]) -> bytes:
    host, port = proxy.url.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=10)
    try:
        connection.request("POST", "/v1/chat/completions", body=json.dumps(body),
                           headers={"Content-Type": "application/json"})  # fmt: skip
        return connection.getresponse().read()
    finally:
        connection.close()


def test_the_proxy_relays_a_stream_unchanged_and_notes_the_cut(proxied: RecordingProxy) -> None:
    raw = post(proxied, {"messages": [], "stream": True, "max_tokens": 2})
    sent = [json.dumps(chunk).encode() for chunk in STREAM]
    assert raw == b"".join(b"data: %s\r\n\r\n" % data for data in [*sent, b"[DONE]"])
    (exchange,) = proxied.since(0)
    assert exchange.brief() == {"status": 200, "stream": True, "finish_reason": "length", "max_tokens": 2,
                                "prompt_tokens": None, "completion_tokens": 2, "chars": 7,
                                "response_format": None}  # fmt: skip
    assert exchange.done_marker
    assert exchange.text == "one two"


def test_the_proxy_notes_a_whole_answers_usage(proxied: RecordingProxy) -> None:
    mark = proxied.mark()
    raw = post(proxied, {"messages": [], "response_format": {"type": "json_object"}})
    assert json.loads(raw) == COMPLETION
    (exchange,) = proxied.since(mark)
    assert (exchange.finish_reason, exchange.prompt_tokens, exchange.completion_tokens) == ("stop", 30, 5)
    assert exchange.brief()["response_format"] == "json_object"
    assert not exchange.reached(2048)
