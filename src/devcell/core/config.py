"""Bootstrap configuration: paths, bind address and secrets, from the environment and an env file.

This is the only module that reads ``os.environ``. Runtime settings (LLM endpoint, registration policy, ...)
live in the ``settings`` slice; their ``DEVCELL_<KEY>`` environment overrides are passed on from here.
"""

from __future__ import annotations

import ipaddress
import os
import re
import secrets
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from devcell.core import paths

INSTALLED_ENV_FILE = Path("/etc/devcell/devcell.env")
INSTALLED_DATA_DIR = Path("/var/lib/devcell")
INSTALLED_MODEL_DIR = Path("/usr/share/devcell/models")
DEFAULT_EMBEDDING_MODEL = "all-minilm-l6-v2-int8"  # a directory under the model dir (build.py models)
SECRET_KEY_FILE = "secret_key"  # noqa: S105 - a file name
MIN_SECRET_LENGTH = 32

# The operations guide's variable names, accepted so an old env file keeps working.
ALIASES: dict[str, str] = {
    "KNOWLEDGEBASE_DIR": "DEVCELL_KNOWLEDGEBASE_DIR",
    "LLM_ENDPOINT": "DEVCELL_LLM_BASE_URL",
    "JWT_SECRET": "DEVCELL_SECRET_KEY",
}
IGNORED = ("JWT_ALGORITHM",)


class ConfigError(Exception):
    """A bootstrap setting is invalid; the message says which and how to fix it."""


@dataclass(frozen=True)
class Config:
    data_dir: Path
    host: str = "0.0.0.0"  # noqa: S104 - an appliance is reached from the LAN without nginx by default
    port: int = 9000
    knowledgebase_dir: Path | None = None
    secret_key: str | None = None
    # No proxy is trusted unless configured: otherwise any local process could claim any client address in
    # X-Forwarded-For and walk past the per-address sign-in limit. Behind nginx: DEVCELL_TRUSTED_PROXIES=127.0.0.1.
    trusted_proxies: tuple[str, ...] = ()
    # Host names (or addresses) the app answers to; empty = any. Loopback names are always allowed.
    allowed_hosts: tuple[str, ...] = ()
    log_level: str = "info"
    job_workers: int = 2
    web_dist: Path | None = None
    model_dir: Path = INSTALLED_MODEL_DIR
    embedding_model: str = DEFAULT_EMBEDDING_MODEL
    # A Chroma server (`chroma run`) for the vector index instead of the embedded one under <data>/index: the way
    # past one box, where several DevCell processes share one index. Normalised to scheme://host:port.
    chroma_url: str | None = None
    # The Chroma database our collections live in on that server (created when missing): several appliances can
    # share one server, each in its own database.
    chroma_database: str = "devcell"
    # A PostgreSQL database (postgresql://user:password@host:port/name) instead of the SQLite file in the data
    # directory: the other half of the way past one box. None: the appliance's SQLite file.
    database_url: str | None = None
    # The embedding model and the vector index in a child process that exits when the knowledgebase is idle
    # (search.worker): the server's memory returns to its idle size. False: in the server's own process, as
    # tests and one-shot commands use them. DEVCELL_KNOWLEDGE_WORKER=process (default) or inline.
    knowledge_process: bool = False
    env: Mapping[str, str] = field(default_factory=dict)
    notes: tuple[str, ...] = ()

    @property
    def uses_postgresql(self) -> bool:
        return self.database_url is not None

    @property
    def database_target(self) -> Path | str:
        """What devcell.core.db.init_database opens: the PostgreSQL URL, else the SQLite file."""
        return self.database_url or self.database_path

    @property
    def database_path(self) -> Path:
        return self.data_dir / "devcell.db"

    @property
    def kb_dir(self) -> Path:
        return self.knowledgebase_dir or self.data_dir / "knowledgebase"

    @property
    def logs_dir(self) -> Path:
        return self.data_dir / "logs"

    @property
    def index_dir(self) -> Path:
        return self.data_dir / "index"

    @property
    def tmp_dir(self) -> Path:
        return self.data_dir / "tmp"

    @property
    def snapshots_dir(self) -> Path:
        return self.data_dir / "snapshots"

    def setting_overrides(self) -> dict[str, str]:
        """`DEVCELL_<KEY>` values for runtime settings, keyed by lower-case setting key."""
        prefix = "DEVCELL_"
        return {k[len(prefix) :].lower(): v for k, v in self.env.items() if k.startswith(prefix)}


def is_installed() -> bool:
    """True when running as the frozen executable from the Debian package."""
    return bool(getattr(sys, "frozen", False))


def parse_env_file(path: Path) -> dict[str, str]:
    """Read KEY=VALUE lines (systemd EnvironmentFile syntax: comments, blank lines, optional quotes)."""
    values: dict[str, str] = {}
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith(("#", ";")):
            continue
        key, sep, value = line.partition("=")
        key = key.strip().removeprefix("export ").strip()
        if not sep or not key.replace("_", "").isalnum():
            raise ConfigError(f"{path}:{number}: expected KEY=VALUE, got {raw!r}")
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
            value = value[1:-1]
        values[key] = value
    return values


def _resolve_aliases(source: Mapping[str, str], notes: list[str]) -> dict[str, str]:
    # Per source, so an alias in the environment still beats the canonical name in the env file.
    values = dict(source)
    for alias, name in ALIASES.items():
        if alias in values:
            values.setdefault(name, values[alias])
            notes.append(f"{alias} is accepted as an alias of {name}")
            del values[alias]
    for name in IGNORED:
        if values.pop(name, None) is not None:
            notes.append(f"{name} is ignored: DevCell uses server-side sessions, not JWTs")
    return values


def _merge_environment(environ: Mapping[str, str], config_file: Path | None) -> tuple[dict[str, str], list[str]]:
    notes: list[str] = []
    merged: dict[str, str] = {}
    if config_file is not None:
        if not config_file.is_file():
            raise ConfigError(f"config file {config_file} does not exist")
        merged.update(_resolve_aliases(parse_env_file(config_file), notes))
    ours = {k: v for k, v in environ.items() if k.startswith("DEVCELL_") or k in ALIASES or k in IGNORED}
    merged.update(_resolve_aliases(ours, notes))
    return merged, notes


def _int(env: Mapping[str, str], name: str, default: int, low: int, high: int) -> int:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a whole number, got {raw!r}") from None
    if not low <= value <= high:
        raise ConfigError(f"{name} must be between {low} and {high}, got {value}")
    return value


def _items(raw: str | None) -> tuple[str, ...]:
    return tuple(p.strip() for p in (raw or "").split(",") if p.strip())


def _proxies(raw: str | None) -> tuple[str, ...]:
    items = _items(raw)
    for item in items:
        try:
            ipaddress.ip_network(item, strict=False)
        except ValueError:
            raise ConfigError(f"DEVCELL_TRUSTED_PROXIES: {item!r} is not an IP address or network") from None
    return items


# A host name, an IPv4 address, or a bracketed IPv6 address; `*.` in front allows every subdomain.
_HOST_PATTERN = re.compile(r"(\*\.)?([a-z0-9]([a-z0-9-]*[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*|\[[0-9a-f:.]+\]")


def _hosts(raw: str | None) -> tuple[str, ...]:
    items = tuple(item.lower() for item in _items(raw))
    for item in items:
        if not _HOST_PATTERN.fullmatch(item):
            raise ConfigError(
                f"DEVCELL_ALLOWED_HOSTS: {item!r} is not a host name or address (no scheme or port, e.g. "
                "devcell.lab.example, 192.168.1.20, [fd00::20] or *.lab.example)"
            )
    return items


def _secret(env: Mapping[str, str]) -> str | None:
    raw = env.get("DEVCELL_SECRET_KEY")
    if raw is not None and len(raw) < MIN_SECRET_LENGTH:
        raise ConfigError(
            f"DEVCELL_SECRET_KEY (or JWT_SECRET) is too short ({len(raw)} characters, need {MIN_SECRET_LENGTH}); "
            "remove it to let DevCell generate one, or use: python3 -c 'import secrets; print(secrets.token_hex(32))'"
        )
    return raw


def load_config(
    environ: Mapping[str, str],
    *,
    config_file: Path | None = None,
    data_dir: Path | None = None,
    host: str | None = None,
    port: int | None = None,
) -> Config:
    """Build the bootstrap config. Precedence: explicit arguments (CLI flags) > environment > env file > default."""
    if config_file is None and is_installed() and INSTALLED_ENV_FILE.is_file():
        config_file = INSTALLED_ENV_FILE
    env, notes = _merge_environment(environ, config_file)
    default_data = INSTALLED_DATA_DIR if is_installed() else Path("var")
    kb = env.get("DEVCELL_KNOWLEDGEBASE_DIR")
    web = env.get("DEVCELL_WEB_DIST")
    models = env.get("DEVCELL_MODEL_DIR")
    default_models = INSTALLED_MODEL_DIR if is_installed() else paths.resource_root() / "build" / "models"
    return Config(
        data_dir=(data_dir or Path(env.get("DEVCELL_DATA_DIR") or default_data)).absolute(),
        host=host or env.get("DEVCELL_HOST") or "0.0.0.0",  # noqa: S104 - see Config.host
        port=port or _int(env, "DEVCELL_PORT", 9000, 1, 65535),
        knowledgebase_dir=Path(kb).absolute() if kb else None,
        secret_key=_secret(env),
        trusted_proxies=_proxies(env.get("DEVCELL_TRUSTED_PROXIES")),
        allowed_hosts=_hosts(env.get("DEVCELL_ALLOWED_HOSTS")),
        log_level=(env.get("DEVCELL_LOG_LEVEL") or "info").lower(),
        job_workers=_int(env, "DEVCELL_JOB_WORKERS", 2, 1, 16),
        web_dist=Path(web).absolute() if web else None,
        model_dir=Path(models).absolute() if models else default_models,
        embedding_model=env.get("DEVCELL_EMBEDDING_MODEL") or DEFAULT_EMBEDDING_MODEL,
        chroma_url=_chroma_url(env.get("DEVCELL_CHROMA_URL")),
        chroma_database=_chroma_database(env.get("DEVCELL_CHROMA_DATABASE")),
        database_url=_database_url(env.get("DEVCELL_DATABASE_URL")),
        knowledge_process=_knowledge_process(env.get("DEVCELL_KNOWLEDGE_WORKER")),
        env=env,
        notes=tuple(notes),
    )


def _chroma_url(raw: str | None) -> str | None:
    """http(s)://host[:port] of a Chroma server; the port defaults to Chroma's 8000. Nothing else (a path, a
    query, credentials) is accepted: the client would ignore it silently."""
    if not raw or not raw.strip():
        return None
    url = urlsplit(raw.strip())
    problem = None
    try:
        port = url.port or 8000
    except ValueError:
        problem = "has an invalid port"
    if url.scheme not in ("http", "https"):
        problem = "must start with http:// or https://"
    elif not url.hostname:
        problem = "has no host"
    elif url.path not in ("", "/") or url.query or url.fragment or url.username or url.password:
        problem = "may only name a scheme, a host and a port"
    if problem:
        raise ConfigError(f"DEVCELL_CHROMA_URL {raw!r} {problem} (e.g. http://10.0.0.5:8000)")
    host = f"[{url.hostname}]" if ":" in (url.hostname or "") else url.hostname
    return f"{url.scheme}://{host}:{port}"


def _knowledge_process(raw: str | None) -> bool:
    value = (raw or "process").strip().lower()
    if value not in ("process", "inline"):
        raise ConfigError(
            f"DEVCELL_KNOWLEDGE_WORKER {raw!r} must be process (the model and the index in a child process that "
            "exits when idle: the default) or inline (in the server's process)"
        )
    return value == "process"


def _chroma_database(raw: str | None) -> str:
    name = (raw or "").strip() or "devcell"
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_-]{2,62}", name):
        raise ConfigError(
            f"DEVCELL_CHROMA_DATABASE {raw!r} must be 3-63 letters, digits, _ or -, starting with a letter or digit"
        )
    return name


def _database_url(raw: str | None) -> str | None:
    """A libpq URL of a PostgreSQL database (postgresql://user:password@host:port/name; a host may also be a
    socket directory: postgresql:///name?host=/run/postgresql). Only the scheme and a database name are checked
    here; whether the server answers is the health page's business."""
    if not raw or not raw.strip():
        return None
    text = raw.strip()
    url = urlsplit(text)
    problem = None
    if url.scheme not in ("postgresql", "postgres"):
        problem = "must start with postgresql:// (SQLite needs no URL: leave it empty for the data directory's file)"
    elif not url.path.strip("/"):
        problem = "names no database (e.g. postgresql://devcell:PASSWORD@10.0.0.5:5432/devcell)"
    if problem:
        # The URL may carry a password: the message names the variable, never the value.
        raise ConfigError(f"DEVCELL_DATABASE_URL {problem}")
    return "postgresql://" + text.split("://", 1)[1]


def redacted_url(url: str) -> str:
    """A database URL fit for a log line or a page: its password replaced by ***."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
    return parts._replace(netloc=netloc).geturl()


def from_environment(
    *, config_file: Path | None = None, data_dir: Path | None = None, host: str | None = None, port: int | None = None
) -> Config:
    return load_config(os.environ, config_file=config_file, data_dir=data_dir, host=host, port=port)


def prepare_data_dir(config: Config) -> None:
    """Create the data directory tree (0750) if missing. Safe to call repeatedly."""
    for path in (config.data_dir, config.kb_dir, config.logs_dir, config.tmp_dir, config.snapshots_dir):
        path.mkdir(mode=0o750, parents=True, exist_ok=True)


def load_or_create_secret(config: Config) -> str:
    """The signing secret: from the environment if given, else `<data>/secret_key`, created 0600 on first start."""
    if config.secret_key:
        return config.secret_key
    path = config.data_dir / SECRET_KEY_FILE
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        secret = path.read_text(encoding="ascii").strip()
        if len(secret) < MIN_SECRET_LENGTH:
            raise ConfigError(f"{path} is damaged (too short); delete it to generate a new one") from None
        return secret
    secret = secrets.token_hex(32)
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(secret + "\n")
        handle.flush()
        os.fsync(handle.fileno())
    return secret
