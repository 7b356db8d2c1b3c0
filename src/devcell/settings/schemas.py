"""Settings as the API shows them (value, default, source and lock state), and the LLM connection test and status."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from devcell.settings.registry import SettingKind

Source = Literal["default", "saved", "environment"]


class SettingOut(BaseModel):
    key: str
    label: str = Field(description="what people read, e.g. 'PDF page limit' for pdf_max_pages")
    group: str
    kind: SettingKind
    help: str
    value: str | int | bool | None
    default: str | int | bool | None
    source: Source
    locked: bool
    changed: bool
    restart_required: bool
    env_name: str
    choices: list[str]
    minimum: int | None
    maximum: int | None
    secret: bool
    is_set: bool
    error: str | None = None


class SettingsOut(BaseModel):
    items: list[SettingOut]


class SettingsPatch(BaseModel):
    """Keys to values; null resets a setting to its default."""

    values: dict[str, str | int | bool | None]


class LLMTestIn(BaseModel):
    """The LLM settings on screen, saved or not; a value left out (or null) is the saved one. A blank `api_key`
    is the saved key too: it is never sent back, so the form cannot show it."""

    model_config = ConfigDict(extra="forbid")

    base_url: str | None = Field(default=None, description="llm_base_url on screen")
    model: str | None = Field(default=None, description="llm_model on screen")
    api_key: str | None = Field(default=None, description="llm_api_key on screen; blank or left out: the saved key")
    connect_timeout_seconds: int | None = Field(default=None, description="llm_connect_timeout_seconds on screen")
    read_timeout_seconds: int | None = Field(default=None, description="llm_read_timeout_seconds on screen")
    context_tokens: int | None = Field(
        default=None, ge=1, description="llm_context_tokens on screen, for `context_warning`"
    )


class LLMTestError(BaseModel):
    code: str
    message: str


class LLMTestOut(BaseModel):
    ok: bool = Field(description="the server answered GET /v1/models")
    base_url: str
    model: str = Field(default="", description="the model tested (llm_model on screen)")
    models: list[str] = Field(description="the models the server offers")
    model_available: bool | None = Field(description="null when no model is set")
    took_ms: float
    error: LLMTestError | None = None
    context_tokens: int | None = Field(
        default=None, description="the tested model's context as its server says it; null: the server does not say"
    )
    context_source: str | None = Field(default=None, description="which API said `context_tokens`")
    model_contexts: dict[str, int] = Field(
        default_factory=dict, description="context per model, for the models whose context the server says"
    )
    context_warning: str | None = Field(
        default=None, description="llm_context_tokens (on screen, else saved) exceeds the model's context: what to do"
    )


class LLMStatusOut(BaseModel):
    configured: bool
    reachable: bool
    model: str
    message: str = Field(description="why it is not reachable, or how long the check took")
    context_tokens: int | None = Field(
        default=None, description="the model's context as its server says it (asked once a minute at most), else null"
    )
