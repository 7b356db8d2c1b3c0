"""The table of runtime settings: key, label, type, default, help, and whether a restart is needed.

README.md documents every entry (a test checks it). Environment variable: DEVCELL_<KEY upper-cased>.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal
from urllib.parse import urlparse
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

Value = str | int | bool
SettingKind = Literal["str", "int", "bool", "choice", "url", "timezone", "secret"]


class InvalidValue(ValueError):
    """The value does not fit the setting; the message is shown next to the field."""


@dataclass(frozen=True)
class SettingSpec:
    key: str
    kind: SettingKind
    default: Value
    help: str
    group: str
    # What people read (the Settings page, `devcell settings`); the key stays the name in files and the API.
    label: str = ""
    restart: bool = False
    choices: tuple[str, ...] = ()
    minimum: int | None = None
    maximum: int | None = None
    max_length: int = 200
    check: Callable[[Any], None] | None = field(default=None, compare=False)

    @property
    def env_name(self) -> str:
        return "DEVCELL_" + self.key.upper()

    @property
    def secret(self) -> bool:
        return self.kind == "secret"


def _url(value: str) -> None:
    if not value:
        return
    parsed = urlparse(value)
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        raise InvalidValue("must be an http:// or https:// URL, e.g. http://127.0.0.1:11434")


def _timezone(value: str) -> None:
    # The list first: ZoneInfo("Europe") raises IsADirectoryError where the tzdata package is installed.
    if value != "UTC" and value not in available_timezones():
        raise InvalidValue(f"unknown time zone {value!r}; use a name like Europe/Berlin or UTC")
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise InvalidValue(f"time zone {value!r} cannot be loaded on this system") from None


def _clock_time(value: str) -> None:
    if not value:
        return
    hour, sep, minute = value.partition(":")
    if not (sep and hour.isdigit() and minute.isdigit() and len(minute) == 2 and int(hour) < 24 and int(minute) < 60):
        raise InvalidValue("must be a time like 02:30 (24-hour clock), or empty for off")


def _absolute_dir(value: str) -> None:
    if value and not value.startswith("/"):
        raise InvalidValue("must be an absolute path like /media/usb/devcell-backups, or empty for the default")


SETTINGS: tuple[SettingSpec, ...] = (
    SettingSpec(
        "appliance_name",
        "str",
        "DevCell",
        "Name shown in the top bar and page titles.",
        "General",
        max_length=60,
        label="Appliance name",
    ),
    SettingSpec(
        "time_zone",
        "timezone",
        "UTC",
        "Appliance time zone, used when a user has none set (e.g. for 'today' and schedules).",
        "General",
        label="Time zone",
    ),
    SettingSpec(
        "registration",
        "choice",
        "closed",
        "Who may create an account: closed (admins create users), open (anyone who can reach the "
        "appliance), or invite (single-use links created by an admin).",
        "Accounts",
        choices=("closed", "open", "invite"),
        label="Registration",
    ),
    SettingSpec(
        "session_idle_minutes",
        "int",
        1440,
        "Sign a browser session out after this many minutes without activity.",
        "Accounts",
        minimum=5,
        maximum=43_200,
        label="Sign out after inactivity (minutes)",
    ),
    SettingSpec(
        "session_max_days",
        "int",
        30,
        "Sign a browser session out this many days after sign-in, active or not.",
        "Accounts",
        minimum=1,
        maximum=365,
        label="Longest session (days)",
    ),
    SettingSpec(
        "login_max_failures",
        "int",
        5,
        "Failed sign-ins allowed per user name from one client address (and 4x that per address for all "
        "names) in 15 minutes before that address is refused for a while; also wrong current passwords per "
        "user when changing the password. Other addresses can still sign in.",
        "Accounts",
        minimum=3,
        maximum=100,
        label="Failed sign-ins before a pause",
    ),
    SettingSpec(
        "standup_visibility",
        "choice",
        "team",
        "Who reads standups: team (everyone signed in sees everyone's) or private (only the author and "
        "administrators).",
        "Work",
        choices=("team", "private"),
        label="Who reads standups",
    ),
    SettingSpec(
        "standup_reminder_time",
        "str",
        "",
        "Time of the team's standup (HH:MM, each person's own time zone, Monday to Friday): whoever has not filed "
        "by then, and is not away, gets a reminder notification. Empty: no reminders.",
        "Work",
        max_length=5,
        check=_clock_time,
        label="Team standup time (reminders)",
    ),
    SettingSpec(
        "llm_base_url",
        "url",
        "",
        "Base URL of the OpenAI-compatible LLM server (Ollama, llama.cpp, vLLM, LM Studio). Empty means "
        "no LLM: LLM features say so instead of failing. Alias: LLM_ENDPOINT.",
        "LLM",
        max_length=500,
        check=_url,
        label="LLM server URL",
    ),
    SettingSpec("llm_model", "str", "", "Model name sent to the LLM server.", "LLM", label="LLM model"),
    SettingSpec(
        "llm_api_key",
        "secret",
        "",
        "API key for the LLM server, if it needs one. Never shown back.",
        "LLM",
        max_length=500,
        label="LLM API key",
    ),
    SettingSpec(
        "llm_connect_timeout_seconds",
        "int",
        5,
        "Seconds to wait for the LLM server to accept a connection before it counts as unreachable (503).",
        "LLM",
        minimum=1,
        maximum=60,
        label="LLM connect timeout (seconds)",
    ),
    SettingSpec(
        "llm_read_timeout_seconds",
        "int",
        120,
        "Seconds to wait for the LLM server's next piece of an answer before giving up (504).",
        "LLM",
        minimum=5,
        maximum=900,
        label="LLM answer timeout (seconds)",
    ),
    SettingSpec(
        "llm_context_tokens",
        "int",
        3000,
        "Token budget of what is sent to the LLM (sources and chat history are trimmed to fit). When the LLM "
        "server says its model runs with a smaller context, DevCell uses that instead and warns.",
        "LLM",
        minimum=500,
        maximum=128_000,
        label="LLM context budget (tokens)",
    ),
    SettingSpec(
        "llm_repetition_penalty",
        "choice",
        "off",
        "Discourages a model from repeating itself in written answers (sent as frequency_penalty: light 0.3, "
        "strong 0.7); small models that loop may need it. Never applied to answers that are JSON data.",
        "LLM",
        choices=("off", "light", "strong"),
        label="Repetition penalty",
    ),
    SettingSpec(
        "chat_retention_days",
        "int",
        30,
        "Days each user's chat conversations are kept on the server after their last message (with a history to "
        "reopen and delete; only their author can read them, administrators cannot). 0 stores no chat text at "
        "all, and deletes stored conversations at the next chat use.",
        "LLM",
        minimum=0,
        maximum=3650,
        label="Keep chats for (days)",
    ),
    SettingSpec(
        "upload_max_mb",
        "int",
        50,
        "Largest knowledgebase upload in megabytes (bigger files are refused with 413).",
        "Knowledge",
        minimum=1,
        maximum=2048,
        label="Largest upload (MB)",
    ),
    SettingSpec(
        "pdf_max_pages",
        "int",
        2000,
        "PDFs with more pages are not indexed (the document shows the reason).",
        "Knowledge",
        minimum=1,
        maximum=100_000,
        label="PDF page limit",
    ),
    SettingSpec(
        "model_idle_minutes",
        "int",
        10,
        "Minutes without searching or indexing after which the embedding model and the index are unloaded (their "
        "process exits), so the service's memory returns to idle (~250 MB freed); the next search loads them again "
        "(~1 s). 0 keeps them loaded.",
        "Knowledge",
        minimum=0,
        maximum=1440,
        label="Unload the search model after (minutes)",
    ),
    SettingSpec(
        "extract_timeout_seconds",
        "int",
        120,
        "Longest time text extraction from one document may take before it fails with a reason.",
        "Knowledge",
        minimum=5,
        maximum=3600,
        label="Text extraction timeout (seconds)",
    ),
    SettingSpec(
        "backup_dir",
        "str",
        "",
        "Directory that receives backups (e.g. a mounted USB disk). Empty means <data>/backups.",
        "Backups",
        max_length=500,
        check=_absolute_dir,
        label="Backup folder",
    ),
    SettingSpec(
        "backup_time",
        "str",
        "02:30",
        "Local time (HH:MM, appliance time zone) of the daily backup, which is then verified. Empty turns "
        "scheduled backups off.",
        "Backups",
        max_length=5,
        check=_clock_time,
        label="Daily backup time",
    ),
    SettingSpec(
        "backup_keep_daily",
        "int",
        7,
        "Daily backups to keep.",
        "Backups",
        minimum=0,
        maximum=365,
        label="Daily backups to keep",
    ),
    SettingSpec(
        "backup_keep_weekly",
        "int",
        4,
        "Weekly backups to keep.",
        "Backups",
        minimum=0,
        maximum=104,
        label="Weekly backups to keep",
    ),
    SettingSpec(
        "backup_keep_monthly",
        "int",
        6,
        "Monthly backups to keep.",
        "Backups",
        minimum=0,
        maximum=120,
        label="Monthly backups to keep",
    ),
    SettingSpec(
        "backup_upload_max_mb",
        "int",
        4096,
        "Largest backup archive that can be uploaded, in MB.",
        "Backups",
        minimum=1,
        maximum=1_000_000,
        label="Largest backup upload (MB)",
    ),
    SettingSpec(
        "maintenance_time",
        "str",
        "03:30",
        "Local time (HH:MM) of the daily maintenance: integrity check, optimise, vacuum when worth it, pruning. "
        "Pick a quiet hour. Empty turns it off.",
        "Maintenance",
        max_length=5,
        check=_clock_time,
        label="Daily maintenance time",
    ),
    SettingSpec(
        "checkpoint_minutes",
        "int",
        60,
        "Minutes between write-ahead-log checkpoints, which keep devcell.db-wal small.",
        "Maintenance",
        minimum=1,
        maximum=1440,
        label="Database checkpoint interval (minutes)",
    ),
    SettingSpec(
        "knowledge_scan_minutes",
        "int",
        15,
        "Minutes between scans of the knowledgebase directory: files copied there are indexed, removed ones "
        "leave the index.",
        "Maintenance",
        minimum=1,
        maximum=1440,
        label="Knowledgebase folder scan interval (minutes)",
    ),
    SettingSpec(
        "metrics_sample_minutes",
        "int",
        10,
        "Minutes between samples of disk free, database and index size and request rate for the System page "
        "charts (kept 14 days, older ones as hourly averages).",
        "Maintenance",
        minimum=1,
        maximum=60,
        label="System chart sample interval (minutes)",
    ),
    SettingSpec(
        "job_history_days",
        "int",
        30,
        "Days that finished background jobs stay in the job history.",
        "Maintenance",
        minimum=1,
        maximum=3650,
        label="Keep finished jobs for (days)",
    ),
    SettingSpec(
        "notification_retention_days",
        "int",
        90,
        "Days that notifications stay in each user's inbox, read or not; older ones are deleted by the nightly "
        "maintenance.",
        "Maintenance",
        minimum=1,
        maximum=3650,
        label="Keep notifications for (days)",
    ),
    SettingSpec(
        "disk_floor_mb",
        "int",
        200,
        "When the data directory has less free space than this (MB), changes are refused with 507 so the "
        "database never fills the disk.",
        "Maintenance",
        minimum=0,
        maximum=1_000_000,
        label="Free disk floor (MB)",
    ),
)

BY_KEY: dict[str, SettingSpec] = {spec.key: spec for spec in SETTINGS}


def _parse_bool(raw: object) -> bool:
    if isinstance(raw, bool):
        return raw
    if isinstance(raw, str) and raw.strip().lower() in ("1", "true", "yes", "on"):
        return True
    if isinstance(raw, str) and raw.strip().lower() in ("0", "false", "no", "off"):
        return False
    raise InvalidValue("must be true or false")


def _parse_int(spec: SettingSpec, raw: object) -> int:
    if isinstance(raw, bool) or not isinstance(raw, int | str):
        raise InvalidValue("must be a whole number")
    try:
        value = int(raw)
    except ValueError:
        raise InvalidValue("must be a whole number") from None
    if spec.minimum is not None and value < spec.minimum:
        raise InvalidValue(f"must be at least {spec.minimum}")
    if spec.maximum is not None and value > spec.maximum:
        raise InvalidValue(f"must be at most {spec.maximum}")
    return value


def _parse_text(spec: SettingSpec, raw: object) -> str:
    if not isinstance(raw, str):
        raise InvalidValue("must be text")
    value = raw.strip()
    if len(value) > spec.max_length:
        raise InvalidValue(f"must be at most {spec.max_length} characters")
    if spec.kind == "choice" and value not in spec.choices:
        raise InvalidValue("must be one of: " + ", ".join(spec.choices))
    if spec.kind == "timezone":
        _timezone(value)
    if spec.key == "appliance_name" and not value:
        raise InvalidValue("must not be empty")
    return value


def parse(spec: SettingSpec, raw: object) -> Value:
    """Validate and convert a value from JSON or from an environment string."""
    value: Value
    if spec.kind == "bool":
        value = _parse_bool(raw)
    elif spec.kind == "int":
        value = _parse_int(spec, raw)
    else:
        value = _parse_text(spec, raw)
    if spec.check is not None:
        spec.check(value)
    return value
