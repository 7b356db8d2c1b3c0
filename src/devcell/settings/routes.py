"""GET/PATCH /api/settings (administrators), the LLM connection test of the values on screen, and the LLM status."""

from __future__ import annotations

import dataclasses
import time

from devcell.core import llm, llm_server
from devcell.core.auth import Access
from devcell.core.web import ApiRoute, Call
from devcell.settings.schemas import LLMStatusOut, LLMTestError, LLMTestIn, LLMTestOut, SettingsOut, SettingsPatch
from devcell.settings.service import SETTINGS_STORE, context_warning

TEST_SECONDS = 5.0


async def get_settings(call: Call) -> SettingsOut:
    """Every runtime setting with its effective value, default and source."""
    return call.read(call.state.need(SETTINGS_STORE).describe)


async def patch_settings(call: Call, body: SettingsPatch) -> SettingsOut:
    """Save settings (validated all together) and apply them live; null resets to the default."""
    return await call.run(call.state.need(SETTINGS_STORE).save, body.values, call.user.user_id)


async def test_llm(call: Call, body: LLMTestIn) -> LLMTestOut:
    """Test the LLM settings on screen, saved or not (left out: the saved ones; a blank key: the saved key) with
    GET /v1/models, and ask the server for the models' context; no completion is spent, and no wait is longer
    than TEST_SECONDS. The outcome is in `ok`/`error`; `context_warning` when llm_context_tokens (on screen, else
    saved) exceeds the model's context."""
    store = call.state.need(SETTINGS_STORE)
    config = store.draft_llm_config(
        {
            "llm_base_url": body.base_url,
            "llm_model": body.model,
            "llm_api_key": body.api_key,
            "llm_connect_timeout_seconds": body.connect_timeout_seconds,
            "llm_read_timeout_seconds": body.read_timeout_seconds,
        }
    )
    # A test answers within seconds whatever the timeouts on screen: an admin waits for it (a slow answer of
    # /v1/models is a finding in itself, and the on-screen timeouts still bound it when they are shorter).
    config = dataclasses.replace(
        config,
        connect_timeout=min(config.connect_timeout, TEST_SECONDS),
        read_timeout=min(config.read_timeout, TEST_SECONDS),
    )
    tokens = body.context_tokens if body.context_tokens is not None else store.get_int("llm_context_tokens")
    started = time.perf_counter()
    out = LLMTestOut(ok=False, base_url=config.base_url, model=config.model, models=[], model_available=None,
                     took_ms=0.0)  # fmt: skip
    try:
        names = await llm.models(config, fresh=True)
    except llm.LLMError as exc:
        out.error = LLMTestError(code=exc.code, message=exc.message)
        out.took_ms = round((time.perf_counter() - started) * 1000, 1)
        return out
    out.took_ms = round((time.perf_counter() - started) * 1000, 1)
    out.ok, out.models = True, names
    out.model_available = (config.model in names) if config.model else None
    facts = await llm_server.discover(config, fresh=True)
    out.context_tokens, out.context_source = facts.context, facts.source
    out.model_contexts = {name: facts.contexts[name] for name in names if name in facts.contexts}
    out.context_warning = context_warning(config, tokens, facts.context, facts.source)
    return out


async def llm_status(call: Call) -> LLMStatusOut:
    """Whether an LLM is configured and reachable (cached for 30 s), and the model's context when its server says
    it (asked at most once a minute), for the top bar."""
    config = call.state.need(SETTINGS_STORE).llm_config()
    if not config.configured:
        return LLMStatusOut(configured=False, reachable=False, model="", message="No LLM is configured.")
    started = time.perf_counter()
    try:
        await llm.models(config)
    except llm.LLMError as exc:
        return LLMStatusOut(configured=True, reachable=False, model=config.model, message=exc.message)
    took = round((time.perf_counter() - started) * 1000, 1)
    await llm_server.discover(config)
    return LLMStatusOut(
        configured=True, reachable=True, model=config.model, message=f"Reachable ({took} ms).",
        context_tokens=llm_server.known_context(config),
    )  # fmt: skip


ROUTES = [
    ApiRoute("GET", "/api/settings", get_settings, access=Access.ADMIN, response=SettingsOut),
    ApiRoute("PATCH", "/api/settings", patch_settings, access=Access.ADMIN, body=SettingsPatch, response=SettingsOut),
    ApiRoute(
        "POST",
        "/api/settings/llm/test",
        test_llm,
        access=Access.ADMIN,
        body=LLMTestIn,
        body_required=False,
        response=LLMTestOut,
    ),
    ApiRoute("GET", "/api/llm/status", llm_status, access=Access.USER, response=LLMStatusOut),
]
