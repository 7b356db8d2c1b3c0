"""The real-model tier's fixtures: one llama-cpp-python server with SmolLM2-135M-Instruct (context 2048) for the
whole file, behind a recording proxy, and DevCell configured to use it.

It runs when the cached server environment exists, or with DEVCELL_LLM_REAL=1 (CI), which builds it first if
needed (~6 minutes) and makes a failure to build or start a test error instead of a skip."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.conftest import Actor, set_llm
from tests.llm_real import server
from tests.llm_real.proxy import RecordingProxy

READ_TIMEOUT_S = 600  # per piece of an answer: CI is a loaded 2-core machine shared with the rest of the suite


@pytest.fixture(scope="module")
def llama(tmp_path_factory: pytest.TempPathFactory) -> Iterator[server.LlamaServer]:
    env = server.environment(skip=pytest.skip)
    log = tmp_path_factory.mktemp("llama") / "llama-server.log"
    with server.LlamaServer(env, log) as running:
        server.say(f"llama-cpp-python server ready at {running.url} after {running.ready_after:.1f} s (log {log})")
        yield running


@pytest.fixture(scope="module")
def proxy(llama: server.LlamaServer) -> Iterator[RecordingProxy]:
    with RecordingProxy(llama.url) as recording:
        yield recording


@pytest.fixture
def real_llm(admin: Actor, proxy: RecordingProxy) -> RecordingProxy:
    """DevCell's LLM settings pointed at the real model (through the proxy), its context told truthfully."""
    set_llm(admin, proxy.url, server.MODEL_ALIAS, llm_context_tokens=server.N_CTX,
            llm_read_timeout_seconds=READ_TIMEOUT_S)  # fmt: skip
    return proxy
