"""The `llm_real` benchmark (issue #16): DevCell's LLM features against a real small model, per feature the
success rate (a valid result), latency p50/max and how many answers were cut at a limit.

llama-cpp-python's server with SmolLM2-135M-Instruct (context 2048; tests/llm_real/server.py builds and caches
it, ~6 minutes the first time) behind a recording proxy, and a real `devcell serve` process. Success is judged
as tests/llm_real judges it; fields that issue #16 adds (`truncated`, `warnings`) are read when present, so the
same scenario measures an older DevCell: DEVCELL_BENCH_SOURCE=/path/to/other/checkout runs that checkout's src/
(with this checkout's embedding model) for before/after numbers.

    python3 build.py bench llm_real
    DEVCELL_BENCH_SOURCE=/tmp/before python3 build.py bench llm_real
"""

from __future__ import annotations

import http.client
import json
import os
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tests.llm_real import checks, server
from tests.llm_real.proxy import RecordingProxy
from tests.serverproc import ADMIN_PASSWORD, HOST, ROOT, Client, ServerProcess

if TYPE_CHECKING:
    from tests.bench.scenarios import Options, Outcome

SOURCE_ENV = "DEVCELL_BENCH_SOURCE"
RUNS = {"review": 10, "training transform": 3, "ask": 5, "chat stream": 5, "long chat stream": 3, "sitrep": 3}
# Whose text a result is made of: the completion whose text was delivered (ask, chat, SITREP: a SITREP asks again
# after a rejected first answer and delivers the better one), the last one (review: parsed, not delivered as text),
# or all of them (a transform may make one completion per roadmap part).
USES_ALL = {"training transform"}
TIMEOUT_S = 900.0
READ_TIMEOUT_S = 600


class Feature:
    """The runs of one feature: valid or why not, seconds, and whether the answer was cut."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.runs: list[dict[str, Any]] = []

    def add(self, seconds: float, problem: str | None, flagged: bool | None, at_limit: int, **more: Any) -> None:
        """`flagged`: the API's truncated flag (None: the API has none); `at_limit`: completions whose text the
        result is made of that the server stopped at max_tokens or the context."""
        self.runs.append({"seconds": round(seconds, 2), "valid": problem is None, "problem": problem,
                          "truncated_flag": flagged, "stopped_at_limit": at_limit, **more})  # fmt: skip

    def metrics(self, outcome: Outcome) -> None:
        seconds = [r["seconds"] for r in self.runs]
        valid = sum(r["valid"] for r in self.runs)
        outcome.add(f"{self.name}: valid", valid, f"of {len(self.runs)}")
        outcome.add(f"{self.name}: latency p50", round(statistics.median(seconds), 1), "s")
        outcome.add(f"{self.name}: latency max", round(max(seconds), 1), "s")
        outcome.add(f"{self.name}: cut at a limit (server)", sum(r["stopped_at_limit"] > 0 for r in self.runs),
                    f"of {len(self.runs)}")  # fmt: skip
        outcome.add(f"{self.name}: marked truncated (API)", sum(r["truncated_flag"] is True for r in self.runs),
                    f"of {len(self.runs)}")  # fmt: skip
        unnoticed = sum(r["stopped_at_limit"] > 0 and r["truncated_flag"] is not True and r.get("delivered", False)
                        for r in self.runs)  # fmt: skip
        outcome.add(f"{self.name}: cut, delivered unmarked", unnoticed, f"of {len(self.runs)}", "0", unnoticed == 0)
        if any("warnings" in r for r in self.runs):
            warned = sum(bool(r.get("warnings")) for r in self.runs)
            outcome.add(f"{self.name}: delivered with a warning", warned, f"of {len(self.runs)}")
        outcome.details[self.name] = self.runs


class Session:
    """A signed-in admin over http.client with a long timeout (and raw text for event streams)."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.client = Client(HOST, port, timeout=TIMEOUT_S)

    def call(self, method: str, path: str, body: Any = None) -> tuple[int, Any]:
        """One request; once more on a fresh connection when the kept-alive one was closed while idle (the server
        closes idle connections after a few seconds, and a long stream runs on a connection of its own)."""
        try:
            return self.client.request(method, path, body)
        except (BrokenPipeError, ConnectionResetError, http.client.RemoteDisconnected):
            return self.client.request(method, path, body)

    def stream(self, path: str, body: Any) -> list[tuple[str, Any]]:
        connection = http.client.HTTPConnection(HOST, self.port, timeout=TIMEOUT_S)
        headers = {"Content-Type": "application/json", "Cookie": self.client.cookie or "",
                   "X-CSRF-Token": self.client.csrf or ""}  # fmt: skip
        try:
            connection.request("POST", path, body=json.dumps(body), headers=headers)
            response = connection.getresponse()
            raw = response.read().decode(errors="replace")
        finally:
            connection.close()
        if response.status != 200:
            return [("http", {"status": response.status, "body": raw[:300]})]
        return checks.events(raw)


def _setup(devcell: ServerProcess, proxy_url: str) -> Session:
    """The first admin through the setup page (works on any version), signed in; the LLM configured."""
    code = (devcell.data_dir / "setup_code").read_text().strip()
    session = Session(devcell.port)
    body = {"setup_code": code, "username": "admin", "password": ADMIN_PASSWORD}
    status, answer = session.call("POST", "/api/setup", body)
    if status != 201:
        raise RuntimeError(f"setup failed with {status}: {answer}")
    session.client.close()
    session.client = Client(HOST, devcell.port, timeout=TIMEOUT_S)  # a fresh browser: sign in with the password
    session.client.login("admin", ADMIN_PASSWORD)
    values = {"llm_base_url": proxy_url, "llm_model": server.MODEL_ALIAS, "llm_context_tokens": server.N_CTX,
              "llm_read_timeout_seconds": READ_TIMEOUT_S}  # fmt: skip
    status, answer = session.call("PATCH", "/api/settings", {"values": values})
    if status != 200:
        raise RuntimeError(f"configuring the LLM failed with {status}: {answer}")
    return session


def _seed(session: Session) -> int:
    """A project with tasks, a standup and a knowledgebase note (indexed); the project's id."""
    status, project = session.call("POST", "/api/projects", {"name": "Lab appliance"})
    if status != 201:
        raise RuntimeError(f"creating a project failed with {status}: {project}")
    for title, task_status in checks.TASKS:
        session.call("POST", "/api/tasks", {"title": title, "project_id": project["id"], "status": task_status})
    session.call("POST", "/api/standups", checks.STANDUP)
    status, document = session.call("POST", "/api/documents/notes", {"title": "Backups", "text": checks.BACKUP_NOTE})
    if status != 201:
        raise RuntimeError(f"adding a note failed with {status}: {document}")
    deadline = time.monotonic() + TIMEOUT_S
    while session.call("GET", f"/api/documents/{document['id']}")[1]["status"] not in ("indexed", "failed"):
        if time.monotonic() > deadline:
            raise RuntimeError("the note was not indexed in time")
        time.sleep(0.2)
    return int(project["id"])


def _timed(feature: Feature, proxy: RecordingProxy, run: Callable[[], tuple[str | None, Any, dict[str, Any]]]) -> None:
    mark = proxy.mark()
    started = time.monotonic()
    try:
        problem, flagged, more = run()
    except (OSError, http.client.HTTPException, KeyError, TypeError, ValueError) as exc:
        problem, flagged, more = f"the run failed: {exc!r}", None, {}
    took = time.monotonic() - started
    sent = proxy.since(mark)
    text = more.pop("text", None)  # the delivered answer, where it is the model's text as it came
    used = sent if feature.name in USES_ALL else proxy.delivered(mark, text) if text else sent[-1:]
    at_limit = sum(e.status == 200 and e.reached(server.N_CTX) for e in used)
    feature.add(took, problem, flagged, at_limit, completions=len(sent),
                any_at_limit=sum(e.status == 200 and e.reached(server.N_CTX) for e in sent), **more)  # fmt: skip


def _review(session: Session) -> tuple[str | None, Any, dict[str, Any]]:
    status, body = session.call("POST", "/api/review", {"code": checks.BUGGY, "language": "python"})
    flagged = body.get("truncated") if isinstance(body, dict) else None
    return checks.review_problem(status, body), flagged, {"delivered": status == 200}


def _transform(session: Session, project_id: int, sample: str) -> tuple[str | None, Any, dict[str, Any]]:
    request = {"text": sample, "format": "markdown", "project_id": project_id}
    status, body = session.call("POST", "/api/training/transform", request)
    problem = checks.units_problem(status, body)
    if problem is not None:
        return problem, None, {"delivered": status == 200}
    given = len(checks.sections_given(sample, body.get("warnings", [])))
    more = {"delivered": True, "units": len(body["units"]), "parts_given": given}
    return problem, body.get("truncated"), more


def _ask(session: Session) -> tuple[str | None, Any, dict[str, Any]]:
    status, body = session.call("POST", "/api/ask", {"question": checks.QUESTION, "use_llm": True, "stream": False})
    problem = checks.ask_problem(status, body)
    if status != 200:
        return problem, None, {}
    answer = body.get("answer") or ""
    more = {"delivered": True, "chars": len(answer), "text": answer, "warnings": body.get("warnings") or []}
    return problem, body.get("truncated"), more


def _chat_stream(session: Session, message: str = checks.CHAT) -> tuple[str | None, Any, dict[str, Any]]:
    found = session.stream("/api/chat", {"messages": [{"role": "user", "content": message}], "stream": True})
    if not found:
        return "an empty event stream", None, {}
    kind, data = found[-1]
    if kind != "done":
        return f"ended with {kind}: {str(data)[:200]}", None, {}
    reply = str(data.get("reply") or "")
    more = {"delivered": True, "chars": len(reply), "text": reply}
    return (None if reply.strip() else "done with an empty reply"), data.get("truncated"), more


def _sitrep(session: Session) -> tuple[str | None, Any, dict[str, Any]]:
    status, created = session.call("POST", "/api/sitreps", {})
    if status != 202:
        return f"{status}: {str(created)[:200]}", None, {}
    deadline = time.monotonic() + TIMEOUT_S
    while True:
        body = session.call("GET", f"/api/sitreps/{created['id']}")[1]
        if body["status"] in ("ready", "failed"):
            break
        if time.monotonic() > deadline:
            return "still generating", None, {}
        time.sleep(0.5)
    more = {
        "delivered": body["status"] == "ready",
        "text": body["markdown"],
        "status": body["status"],
        "warnings": body.get("warnings") or [],
        "cited": sorted(checks.cited(body["markdown"])),
        "sources": [s["number"] for s in body["sources"]],
    }
    problem = "failed" if body["status"] == "failed" else checks.sitrep_problem(body)
    return problem, body.get("truncated"), more


def llm_real(options: Options) -> Outcome:
    """Real small model (SmolLM2-135M on llama-cpp-python, context 2048): per feature, valid results, latency, cuts."""
    from tests.bench.scenarios import Outcome

    outcome = Outcome()
    source = Path(os.environ.get(SOURCE_ENV) or ROOT).resolve()
    env = server.built() or server.build()  # the benchmark is asked for by name: build it if need be
    work = options.work_dir / "llm_real"
    work.mkdir(parents=True, exist_ok=True)
    features = {name: Feature(name) for name in RUNS}
    with server.LlamaServer(env, work / "llama-server.log") as llama, RecordingProxy(llama.url) as proxy:
        devcell_env = {"PYTHONPATH": str(source / "src"), "DEVCELL_MODEL_DIR": str(ROOT / "build" / "models")}
        with ServerProcess(work / "data", env=devcell_env) as devcell:
            devcell.wait_ready(timeout=120)
            session = _setup(devcell, proxy.url)
            project_id = _seed(session)
            sample = session.call("GET", "/api/training/sample")[1]["text"]
            for _ in range(RUNS["review"]):
                _timed(features["review"], proxy, lambda: _review(session))
            for _ in range(RUNS["training transform"]):
                _timed(features["training transform"], proxy, lambda: _transform(session, project_id, sample))
            for _ in range(RUNS["ask"]):
                _timed(features["ask"], proxy, lambda: _ask(session))
            for _ in range(RUNS["chat stream"]):
                _timed(features["chat stream"], proxy, lambda: _chat_stream(session))
            for _ in range(RUNS["long chat stream"]):
                _timed(features["long chat stream"], proxy, lambda: _chat_stream(session, checks.LONG_CHAT))
            for _ in range(RUNS["sitrep"]):
                _timed(features["sitrep"], proxy, lambda: _sitrep(session))
    for feature in features.values():
        feature.metrics(outcome)
    outcome.details["source"] = str(source)
    outcome.details["server_env"] = {"path": str(env.path), **env.info}
    outcome.details["llama_ready_s"] = round(llama.ready_after, 1)
    outcome.details["completions"] = [e.brief() for e in proxy.since(0)]
    return outcome


SCENARIOS = {"llm_real": llm_real}
