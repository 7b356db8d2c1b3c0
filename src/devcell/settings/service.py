"""Effective settings (environment > saved > default), saving with validation, and change hooks."""

from __future__ import annotations

import contextlib
import dataclasses
import logging
import sqlite3
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

import orjson

from devcell.core import llm, llm_server
from devcell.core.db import transaction, unit_of_work, upsert, utcnow
from devcell.core.errors import Conflict, ValidationFailed
from devcell.core.state import Key
from devcell.settings.models import Setting
from devcell.settings.registry import BY_KEY, SETTINGS, InvalidValue, SettingSpec, Value, parse
from devcell.settings.schemas import SettingOut, SettingsOut, Source

log = logging.getLogger(__name__)

ChangeHook = Callable[[str, Value], None]
REFRESH_SECONDS = 5.0


@dataclass(frozen=True)
class Effective:
    value: Value
    source: Source
    error: str | None = None


REPETITION_PENALTIES = {"off": 0.0, "light": 0.3, "strong": 0.7}  # llm_repetition_penalty -> frequency_penalty


class SettingsStore:
    """Caches effective values; rereads SQLite every few seconds so `devcell settings set` reaches a running
    service, and calls hooks for every changed key."""

    def __init__(self, env: Mapping[str, str], salvaged: Mapping[str, Value] | None = None) -> None:
        self._env: dict[str, Value] = {}
        self._env_errors: dict[str, str] = {}
        for spec in SETTINGS:
            if spec.key in env:
                self._load_env(spec, env[spec.key])
        self._saved: dict[str, Value] = dict(salvaged or {})
        # Salvaged values (recovery mode) are all there is: the database is not read again.
        self._frozen = salvaged is not None
        self._loaded_at = float("-inf")
        self._hooks: dict[str, list[ChangeHook]] = {}
        self._checks: dict[str, list[Callable[[Value], str | None]]] = {}
        self._lock = threading.Lock()

    def _load_env(self, spec: SettingSpec, raw: str) -> None:
        try:
            self._env[spec.key] = parse(spec, raw)
        except InvalidValue as exc:
            self._env_errors[spec.key] = f"{spec.env_name} is ignored: it {exc}"
            log.error("%s is ignored: it %s", spec.env_name, exc)

    def add_check(self, key: str, check: Callable[[Value], str | None]) -> None:
        """A check a value must pass before it is saved, beyond its declared type and rule: one that needs a
        slice's knowledge (backup_dir: can this process write there). It returns the problem, or None."""
        if key not in BY_KEY:
            raise KeyError(key)
        self._checks.setdefault(key, []).append(check)

    def on_change(self, key: str, hook: ChangeHook) -> None:
        if key not in BY_KEY:
            raise KeyError(key)
        self._hooks.setdefault(key, []).append(hook)

    def refresh(self, force: bool = False) -> None:
        """Reload saved values if stale; fire hooks for keys whose effective value changed."""
        if self._frozen or (not force and time.monotonic() - self._loaded_at < REFRESH_SECONDS):
            return
        saved = _read_saved()
        with self._lock:
            before = {spec.key: self._effective(spec).value for spec in SETTINGS}
            self._saved = saved
            self._loaded_at = time.monotonic()
            changed = [
                (k, self._effective(BY_KEY[k]).value)
                for k, v in before.items()
                if self._effective(BY_KEY[k]).value != v
            ]
        for key, value in changed:
            for hook in self._hooks.get(key, []):
                hook(key, value)

    def _effective(self, spec: SettingSpec) -> Effective:
        error = self._env_errors.get(spec.key)
        if spec.key in self._env:
            return Effective(self._env[spec.key], "environment")
        if spec.key in self._saved:
            return Effective(self._saved[spec.key], "saved", error)
        return Effective(spec.default, "default", error)

    def effective(self, key: str) -> Effective:
        self.refresh()
        return self._effective(BY_KEY[key])

    def get(self, key: str) -> Value:
        return self.effective(key).value

    def get_int(self, key: str) -> int:
        value = self.get(key)
        assert isinstance(value, int)
        return value

    def get_str(self, key: str) -> str:
        return str(self.get(key))

    def time_zone(self) -> str:
        """The appliance's time zone name (IANA, e.g. "Europe/Berlin"): the one place it is read."""
        return str(self.get("time_zone") or "UTC")

    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.time_zone())

    def llm_config(self) -> llm.LLMConfig:
        """The LLM client's configuration from the llm_* settings (every LLM feature reads it here)."""
        return llm.LLMConfig(
            base_url=self.get_str("llm_base_url"),
            model=self.get_str("llm_model"),
            api_key=self.get_str("llm_api_key"),
            connect_timeout=float(self.get_int("llm_connect_timeout_seconds")),
            read_timeout=float(self.get_int("llm_read_timeout_seconds")),
            frequency_penalty=REPETITION_PENALTIES[self.get_str("llm_repetition_penalty")],
        )

    def draft_llm_config(self, draft: Mapping[str, object]) -> llm.LLMConfig:
        """The LLM configuration with unsaved values (llm_* setting keys) over the effective ones, validated as a
        save would validate them (422 naming the key). A blank llm_api_key is the saved key."""
        errors: list[dict[str, str]] = []
        values: dict[str, Value] = {}
        for key, raw in draft.items():
            if raw is None or (key == "llm_api_key" and raw == ""):
                continue
            try:
                values[key] = parse(BY_KEY[key], raw)
            except InvalidValue as exc:
                errors.append({"field": key, "message": str(exc)})
        if errors:
            raise ValidationFailed(f"{errors[0]['field']}: {errors[0]['message']}", detail=errors)
        saved = self.llm_config()
        return dataclasses.replace(
            saved,
            base_url=str(values.get("llm_base_url", saved.base_url)),
            model=str(values.get("llm_model", saved.model)),
            api_key=str(values.get("llm_api_key", saved.api_key)),
            connect_timeout=float(values.get("llm_connect_timeout_seconds", saved.connect_timeout)),
            read_timeout=float(values.get("llm_read_timeout_seconds", saved.read_timeout)),
        )

    def context_tokens(self) -> int:
        """The token budget of what is sent to the LLM: llm_context_tokens, or the configured model's context when
        its server says it is smaller (core/llm_server.py; what is known, never a request)."""
        setting = self.get_int("llm_context_tokens")
        known = llm_server.known_context(self.llm_config())
        return min(setting, known) if known else setting

    def context_warning(self, *, discover: bool = False) -> str | None:
        """Why llm_context_tokens is too large for the model, and the fix; None when it fits or nobody knows.
        `discover`: ask the server first when what is known is stale (blocking: health checks, not the loop)."""
        config = self.llm_config()
        if discover:
            llm_server.discover_sync(config)
        known = llm_server.known_context(config)
        return context_warning(config, self.get_int("llm_context_tokens"), known, llm_server.known_source(config))

    def describe(self) -> SettingsOut:
        self.refresh()
        return SettingsOut(items=[_describe(spec, self._effective(spec)) for spec in SETTINGS])

    def save(self, values: Mapping[str, object], user_id: int | None) -> SettingsOut:
        """Validate every value first (all or nothing), store them, then apply them live."""
        parsed = self._validate(values)
        _write_saved(parsed, user_id)
        self.refresh(force=True)
        return self.describe()

    def _validate(self, values: Mapping[str, object]) -> dict[str, Value | None]:
        errors: list[dict[str, str]] = []
        parsed: dict[str, Value | None] = {}
        for key, raw in values.items():
            spec = BY_KEY.get(key)
            if spec is None:
                errors.append({"field": key, "message": "is not a setting"})
            elif key in self._env:
                raise Conflict(
                    f"{key} is set by the environment variable {spec.env_name} and cannot be changed "
                    "here; change it in /etc/devcell/devcell.env and restart.",
                    code="setting_locked",
                )
            elif raw is None:
                parsed[key] = None
            else:
                try:
                    value = parse(spec, raw)
                except InvalidValue as exc:
                    errors.append({"field": key, "message": str(exc)})
                    continue
                parsed[key] = value
                problems = (check(value) for check in self._checks.get(key, []) if value != spec.default)
                errors += [{"field": key, "message": problem} for problem in problems if problem]
        if errors:
            raise ValidationFailed(f"{errors[0]['field']}: {errors[0]['message']}", detail=errors)
        return parsed


def context_warning(config: llm.LLMConfig, tokens: int, known: int | None, source: str | None = None) -> str | None:
    """The admin's warning when `tokens` (llm_context_tokens) exceeds the model's `known` context."""
    if known is None or tokens <= known or not config.configured:
        return None
    model = f"the model {config.model}" if config.model else "the model"
    said = f" ({source} says so)" if source else ""
    return (
        f"llm_context_tokens is {tokens} but {model} at {config.root} runs with a context of {known} tokens{said}; "
        f"DevCell uses {known}. Set llm_context_tokens to {known} or start the model with a larger context."
    )


def _describe(spec: SettingSpec, eff: Effective) -> SettingOut:
    hidden = spec.secret
    return SettingOut(
        key=spec.key,
        label=spec.label,
        group=spec.group,
        kind=spec.kind,
        help=spec.help,
        value=None if hidden else eff.value,
        default=None if hidden else spec.default,
        source=eff.source,
        locked=eff.source == "environment",
        changed=eff.value != spec.default,
        restart_required=spec.restart,
        env_name=spec.env_name,
        choices=list(spec.choices),
        minimum=spec.minimum,
        maximum=spec.maximum,
        secret=hidden,
        is_set=bool(eff.value),
        error=eff.error,
    )


def _read_saved() -> dict[str, Value]:
    with transaction():
        rows = list(Setting.select())
    saved: dict[str, Value] = {}
    for row in rows:
        spec = BY_KEY.get(row.key)
        if spec is None:
            continue  # a setting removed from the code; kept in the table, ignored
        try:
            saved[row.key] = parse(spec, orjson.loads(row.value))
        except (InvalidValue, orjson.JSONDecodeError) as exc:
            log.error("saved setting %s is invalid (%s); using its default", row.key, exc)
    return saved


@unit_of_work(write=True)
def _write_saved(values: Mapping[str, Value | None], user_id: int | None) -> None:
    now = utcnow()
    for key, value in values.items():
        if value is None:
            Setting.delete().where(Setting.key == key).execute()
        else:
            upsert(Setting, key=key, value=orjson.dumps(value).decode(), updated_at=now, updated_by_id=user_id)


def salvaged_settings(db_path: Path, env: Mapping[str, str]) -> SettingsStore:
    """Settings for recovery mode, where the database may not open: the environment, then whatever saved values
    SQLite can still read from the damaged file (the backup directory above all), then the defaults. Never raises
    for a damaged file: it is the reason we are here.

    SQLite only: recovery mode is the appliance's own file. On PostgreSQL the server never enters it (it waits for
    its database server instead, see app._open_or_diagnose); a missing file gives the environment and defaults."""
    if not db_path.is_file():
        log.warning("recovery: there is no database file at %s; using the environment and defaults", db_path)
        return SettingsStore(env, salvaged={})
    try:
        connection = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True, timeout=5)
        try:
            rows = connection.execute("SELECT key, value FROM setting").fetchall()
        finally:
            connection.close()
    except sqlite3.Error as exc:
        log.warning("recovery: the saved settings cannot be read (%s); using the environment and defaults", exc)
        rows = []
    saved: dict[str, Value] = {}
    for key, raw in rows:
        spec = BY_KEY.get(str(key))
        with contextlib.suppress(InvalidValue, orjson.JSONDecodeError, TypeError):
            if spec is not None:
                saved[spec.key] = parse(spec, orjson.loads(raw))
    return SettingsStore(env, salvaged=saved)


SETTINGS_STORE: Key[SettingsStore] = Key("settings")
