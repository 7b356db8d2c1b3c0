"""A recording pass-through between DevCell and the real LLM server: every request is forwarded unchanged (the
answer too, streamed as it arrives), and what the server said about it is written down: the request's
max_tokens and response_format, the status, finish_reason, and how many tokens it read and generated. DevCell
does not report these, so this is how a test sees that a generation ran to the context limit."""

from __future__ import annotations

import contextlib
import http.client
import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "te", "trailer", "upgrade", "content-length"}


@dataclass
class Exchange:
    """One request to the LLM server and what came back."""

    method: str
    path: str
    request: dict[str, Any] = field(default_factory=dict)
    status: int = 0
    stream: bool = False
    finish_reason: str | None = None
    prompt_tokens: int | None = None
    completion_tokens: int | None = None  # usage, or the number of streamed text pieces (one per token here)
    text: str = ""
    done_marker: bool = False  # a stream's `data: [DONE]`

    @property
    def completion(self) -> bool:
        return self.path.endswith("/chat/completions")

    @property
    def max_tokens(self) -> int | None:
        value = self.request.get("max_tokens")
        return int(value) if isinstance(value, int) else None

    @property
    def response_format(self) -> Any:
        return self.request.get("response_format")

    def reached(self, n_ctx: int) -> bool:
        """The generation stopped at a limit: max_tokens or the context (finish_reason "length"), or the tokens
        read and generated fill the context."""
        if self.finish_reason == "length":
            return True
        used = (self.prompt_tokens or 0) + (self.completion_tokens or 0)
        return self.prompt_tokens is not None and used >= n_ctx

    def brief(self) -> dict[str, Any]:
        return {"status": self.status, "stream": self.stream, "finish_reason": self.finish_reason,
                "max_tokens": self.max_tokens, "prompt_tokens": self.prompt_tokens,
                "completion_tokens": self.completion_tokens, "chars": len(self.text),
                "response_format": (self.response_format or {}).get("type")}  # fmt: skip


class RecordingProxy:
    """Listens on a free loopback port and forwards to `upstream` (http://host:port). A context manager."""

    def __init__(self, upstream: str) -> None:
        parts = urlsplit(upstream)
        self.upstream = (parts.hostname or "127.0.0.1", parts.port or 80)
        self.exchanges: list[Exchange] = []
        self._lock = threading.Lock()
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.proxy = self
        self._thread = threading.Thread(target=self._server.serve_forever, name="llm-proxy", daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def mark(self) -> int:
        with self._lock:
            return len(self.exchanges)

    def delivered(self, mark: int, text: str) -> list[Exchange]:
        """The completions since `mark` whose text is `text` (a feature that asks twice delivers one of the two
        answers, not always the last); the last completion when none matches exactly."""
        sent = self.since(mark)
        return [e for e in sent if e.text.strip() == text.strip()][-1:] or sent[-1:]

    def since(self, mark: int, completions_only: bool = True) -> list[Exchange]:
        with self._lock:
            found = self.exchanges[mark:]
        return [e for e in found if e.completion or not completions_only]

    def _record(self, exchange: Exchange) -> None:
        with self._lock:
            self.exchanges.append(exchange)

    def __enter__(self) -> RecordingProxy:
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._server.shutdown()
        self._server.server_close()


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    proxy: RecordingProxy


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.0"  # the answer ends when the connection closes: no re-chunking
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        self._forward(b"")

    def do_POST(self) -> None:
        self._forward(self.rfile.read(int(self.headers.get("Content-Length") or 0)))

    def _forward(self, body: bytes) -> None:
        exchange = Exchange(self.command, self.path)
        if body:
            with contextlib.suppress(ValueError):
                exchange.request = json.loads(body)
            exchange.stream = bool(exchange.request.get("stream"))
        # Recorded on arrival and filled in before each piece is relayed: when DevCell has the answer, so does the
        # record, and a test's mark() taken after one call never sees a late record of it.
        self.server.proxy._record(exchange)
        headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP_BY_HOP | {"host"}}
        headers["Content-Length"] = str(len(body))
        upstream = http.client.HTTPConnection(*self.server.proxy.upstream, timeout=900)
        try:
            upstream.request(self.command, self.path, body=body or None, headers=headers)
            response = upstream.getresponse()
            exchange.status = response.status
            self.send_response(response.status)
            for key, value in response.getheaders():
                if key.lower() not in HOP_BY_HOP:
                    self.send_header(key, value)
            self.send_header("Connection", "close")
            self.end_headers()
            if exchange.stream and response.status == 200:
                self._relay_stream(response, exchange)
            else:
                raw = response.read()
                _read_completion(raw, exchange)
                self.wfile.write(raw)
        except OSError:
            pass  # the client went away (DevCell stopped the stream): nothing more to relay
        finally:
            upstream.close()

    def _relay_stream(self, response: http.client.HTTPResponse, exchange: Exchange) -> None:
        exchange.completion_tokens = 0
        while line := response.readline():
            choice = _stream_choice(line, exchange)
            if choice is not None:
                if content := (choice.get("delta") or {}).get("content"):
                    exchange.completion_tokens += 1
                    exchange.text += content
                exchange.finish_reason = choice.get("finish_reason") or exchange.finish_reason
            self.wfile.write(line)
            self.wfile.flush()


def _stream_choice(line: bytes, exchange: Exchange) -> dict[str, Any] | None:
    """The choice of one `data:` line of a stream (None for anything else; the end marker is noted)."""
    payload = line.decode(errors="replace").strip()
    if not payload.startswith("data:"):
        return None
    payload = payload[5:].strip()
    if payload == "[DONE]":
        exchange.done_marker = True
        return None
    try:
        choice = json.loads(payload)["choices"][0]
    except (ValueError, KeyError, IndexError, TypeError):
        return None
    return choice if isinstance(choice, dict) else None


def _read_completion(raw: bytes, exchange: Exchange) -> None:
    try:
        data = json.loads(raw)
        choice = data["choices"][0]
    except (ValueError, KeyError, IndexError, TypeError):
        return
    exchange.finish_reason = choice.get("finish_reason")
    exchange.text = str((choice.get("message") or {}).get("content") or "")
    usage = data.get("usage") or {}
    exchange.prompt_tokens = usage.get("prompt_tokens")
    exchange.completion_tokens = usage.get("completion_tokens")
