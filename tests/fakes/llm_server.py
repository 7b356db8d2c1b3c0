"""A real HTTP fake of an OpenAI-compatible LLM server, on a free port in a thread.

The model name picks the behaviour, so one server covers every case:
  "fake"        answers (streamed or not) citing [1], echoing the number of sources it was given
  "slow"        waits `slow_seconds` before answering
  "error500"    HTTP 500 with a text body
  "malformed"   HTTP 200 whose body is not JSON (streaming: a broken `data:` line)
  "wrongshape"  HTTP 200 JSON without `choices`
Every request body is kept in `requests` so tests can look at the prompt.
The well-behaved models end with `finish_reason` ("stop"; "length" for a cut answer). `reject_formats` maps a form
of `response_format` ("json_schema", "json_object+schema", "json_object", "any") to the HTTP status with which the
server turns it down, as llama-cpp-python answers `json_schema` with a 500. `stream_done` / `stream_finish` False
leave out a stream's `[DONE]` marker / finish reason (a cut connection).
What the server says about its models' context, for discovery (core/llm_server.py), off by default (404, as
llama-cpp-python's server): `props_context` (llama.cpp `GET /props`), `show` (Ollama `POST /api/show`: the answer's
`parameters` and `model_info`), `max_model_len` per model (vLLM, in `/v1/models`), `lmstudio` per model (LM Studio
`GET /api/v0/models` entries), and `raw` answers by path for broken servers. Discovery's requests other than
`/v1/models` go to `probes`, not `requests`/`headers`. `require_key`, when set, answers 401 without that Bearer key.
`script`, when set, writes the answer of the well-behaved models: it gets the request body and returns the text
(tests of structured output use it for valid, fenced, truncated and nonsense answers). `piece_delay` spaces the
streamed pieces so a test can cancel in the middle.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

POLL_SECONDS = 0.02
ANSWER = ["The backup runs ", "every night at 02:00 ", "and keeps seven copies [1]."]


class FakeLLM:
    def __init__(self) -> None:
        self.requests: list[dict[str, Any]] = []
        self.headers: list[dict[str, str]] = []
        self.slow_seconds = 3.0
        self.script: Callable[[dict[str, Any]], str] | None = None
        self.piece_delay = 0.0
        self.props_context: int | None = None
        self.show: dict[str, Any] | None = None
        self.max_model_len: dict[str, int] = {}
        self.lmstudio: dict[str, dict[str, Any]] = {}
        self.raw: dict[str, tuple[int, bytes]] = {}
        self.probes: list[str] = []
        self.require_key: str | None = None
        self.models = ["fake", "slow", "error500", "malformed", "wrongshape"]
        self.server: ThreadingHTTPServer | None = None
        self.finish_reason = "stop"
        self.error_text = b"model exploded"  # what "error500" answers
        self.reject_formats: dict[str, int] = {}
        self.stream_done = True
        self.stream_finish = True

    @property
    def url(self) -> str:
        assert self.server is not None
        return f"http://127.0.0.1:{self.server.server_address[1]}"


def _handler(fake: FakeLLM) -> type[BaseHTTPRequestHandler]:  # noqa: C901 - one small class per behaviour
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args: Any) -> None:
            pass

        def _send(self, status: int, body: bytes, content_type: str = "application/json") -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self) -> None:
            path = self.path.partition("?")[0]
            if path != "/v1/models":
                fake.probes.append(f"GET {self.path}")
            else:
                fake.headers.append(dict(self.headers))
                if self._refused():
                    return
            if path in fake.raw:
                self._send(*fake.raw[path])
            elif path == "/v1/models":
                self._send(200, json.dumps({"object": "list", "data": [self._model(m) for m in fake.models]}).encode())
            elif path == "/props" and fake.props_context is not None:
                props = {"default_generation_settings": {"n_ctx": fake.props_context}, "total_slots": 1}
                self._send(200, json.dumps(props).encode())
            elif path == "/api/v0/models" and fake.lmstudio:
                entries = [{"id": m, "object": "model", **info} for m, info in fake.lmstudio.items()]
                self._send(200, json.dumps({"object": "list", "data": entries}).encode())
            else:
                self._send(404, b'{"error": "not found"}')

        def _refused(self) -> bool:
            if fake.require_key is None or self.headers.get("Authorization") == f"Bearer {fake.require_key}":
                return False
            self._send(401, b'{"error": {"message": "Invalid API key"}}')
            return True

        def _model(self, name: str) -> dict[str, Any]:
            entry: dict[str, Any] = {"id": name, "object": "model", "owned_by": "me"}
            if name in fake.max_model_len:
                entry["max_model_len"] = fake.max_model_len[name]
            return entry

        def _show(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            fake.probes.append(f"POST /api/show {self.rfile.read(length).decode()}")
            if "/api/show" in fake.raw:
                self._send(*fake.raw["/api/show"])
            elif fake.show is not None:
                self._send(200, json.dumps(fake.show).encode())
            else:
                self._send(404, b'{"error": "not found"}')

        def do_POST(self) -> None:
            if self.path == "/api/show":
                self._show()
                return
            length = int(self.headers.get("Content-Length", "0"))
            body = json.loads(self.rfile.read(length))
            fake.requests.append(body)
            fake.headers.append(dict(self.headers))
            model = body.get("model")
            if model == "slow":
                time.sleep(fake.slow_seconds)
            form = _form(body.get("response_format"))
            rejected = (fake.reject_formats.get(form) or fake.reject_formats.get("any")) if form else None
            if model == "error500":
                self._send(500, fake.error_text, "text/plain")
            elif rejected:
                self._send(rejected, b'{"error": {"message": "response_format not supported"}}')
            elif model == "wrongshape":
                self._send(200, b'{"id": "x", "object": "chat.completion"}')
            elif body.get("stream"):
                self._stream(model, self._pieces(body))
            elif model == "malformed":
                self._send(200, b"<html>this is not json", "text/html")
            else:
                message = {"role": "assistant", "content": "".join(self._pieces(body))}
                choice = {"index": 0, "message": message, "finish_reason": fake.finish_reason}
                self._send(200, json.dumps({"choices": [choice]}).encode())

        def _pieces(self, body: dict[str, Any]) -> list[str]:
            if fake.script is None:
                return ANSWER
            text = fake.script(body)
            third = max(1, len(text) // 3)
            return [text[i : i + third] for i in range(0, len(text), third)] or [""]

        def _stream(self, model: str, pieces: list[str]) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Connection", "close")
            self.end_headers()
            for piece in pieces:
                if fake.piece_delay:
                    time.sleep(fake.piece_delay)
                chunk = {"choices": [{"index": 0, "delta": {"content": piece}}]}
                self.wfile.write(f"data: {json.dumps(chunk)}\n\n".encode())
                self.wfile.flush()
                if model == "malformed":
                    self.wfile.write(b"data: {broken\n\n")
                    break
            if fake.stream_finish and model != "malformed":
                end = {"choices": [{"index": 0, "delta": {}, "finish_reason": fake.finish_reason}]}
                self.wfile.write(f"data: {json.dumps(end)}\n\n".encode())
            if fake.stream_done:
                self.wfile.write(b"data: [DONE]\n\n")
            self.wfile.flush()
            self.close_connection = True

    return Handler


def _form(response_format: Any) -> str | None:
    """Which form of `response_format` a request uses (None: none)."""
    if not isinstance(response_format, dict):
        return None
    kind = response_format.get("type")
    if kind == "json_object" and "schema" in response_format:
        return "json_object+schema"
    return str(kind)


@contextmanager
def running() -> Iterator[FakeLLM]:
    fake = FakeLLM()
    fake.server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(fake))
    fake.server.daemon_threads = True
    # shutdown() waits for the serving loop to notice, which it checks every poll_interval (0.5 s by default:
    # half a second per test that uses the fake).
    thread = threading.Thread(target=fake.server.serve_forever, kwargs={"poll_interval": POLL_SECONDS}, daemon=True)
    thread.start()
    try:
        yield fake
    finally:
        fake.server.shutdown()
        fake.server.server_close()
        thread.join()


# Bound and never listened on, for the life of the test process: a connection is refused, and no other server
# (another test's fake, another process on a busy CI box) can take the port in between. A port that was bound and
# released once was reused that way, and a "down" LLM answered.
_HELD: list[socket.socket] = []


def closed_port() -> int:
    """A port nothing listens on, and nothing will while the tests run."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    _HELD.append(sock)
    return int(sock.getsockname()[1])


@contextmanager
def silent_server() -> Iterator[str]:
    """The URL of a server that accepts connections (the kernel does) and never answers."""
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(8)
    try:
        yield f"http://127.0.0.1:{silent.getsockname()[1]}"
    finally:
        silent.close()
