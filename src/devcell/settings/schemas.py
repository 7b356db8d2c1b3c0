"""Settings as the API shows them: value, default, source and lock state."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel

from devcell.settings.registry import SettingKind

Source = Literal["default", "saved", "environment"]


class SettingOut(BaseModel):
    key: str
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
