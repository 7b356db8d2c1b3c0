"""Bootstrap config: env file syntax, precedence, aliases, validation, secrets and the data directory."""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path

import pytest

from devcell.core.config import (
    Config,
    ConfigError,
    load_config,
    load_or_create_secret,
    parse_env_file,
    prepare_data_dir,
    redacted_url,
)

SECRET = "s" * 40


def env_file(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "devcell.env"
    path.write_text(text, encoding="utf-8")
    return path


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_parse_env_file_skips_comments_and_blank_lines(tmp_path: Path) -> None:
    path = env_file(tmp_path, "# a comment\n\n; another\nDEVCELL_PORT=9100\n")
    assert parse_env_file(path) == {"DEVCELL_PORT": "9100"}


def test_parse_env_file_strips_matching_quotes(tmp_path: Path) -> None:
    path = env_file(tmp_path, "A=\"double quoted\"\nB='single quoted'\nC=\"unbalanced'\n")
    assert parse_env_file(path) == {"A": "double quoted", "B": "single quoted", "C": "\"unbalanced'"}


def test_parse_env_file_accepts_export_prefix(tmp_path: Path) -> None:
    path = env_file(tmp_path, "export DEVCELL_HOST=127.0.0.1\n")
    assert parse_env_file(path) == {"DEVCELL_HOST": "127.0.0.1"}


def test_parse_env_file_keeps_equals_signs_in_values(tmp_path: Path) -> None:
    path = env_file(tmp_path, "DEVCELL_LLM_BASE_URL=http://h/?a=b\n")
    assert parse_env_file(path) == {"DEVCELL_LLM_BASE_URL": "http://h/?a=b"}


def test_parse_env_file_reports_a_bad_line_with_file_and_line_number(tmp_path: Path) -> None:
    path = env_file(tmp_path, "DEVCELL_PORT=9100\nthis is not an assignment\n")
    with pytest.raises(ConfigError, match=rf"{path}:2: expected KEY=VALUE"):
        parse_env_file(path)


def test_load_config_refuses_a_missing_config_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="does not exist"):
        load_config({}, config_file=tmp_path / "missing.env")


def test_load_config_defaults(tmp_path: Path) -> None:
    config = load_config({}, data_dir=tmp_path)
    assert (config.host, config.port, config.job_workers, config.secret_key) == ("0.0.0.0", 9000, 2, None)


def test_load_config_env_file_overrides_default(tmp_path: Path) -> None:
    config = load_config({}, config_file=env_file(tmp_path, "DEVCELL_PORT=9100\n"), data_dir=tmp_path)
    assert config.port == 9100


def test_load_config_environment_overrides_env_file(tmp_path: Path) -> None:
    path = env_file(tmp_path, "DEVCELL_PORT=9100\n")
    config = load_config({"DEVCELL_PORT": "9200"}, config_file=path, data_dir=tmp_path)
    assert config.port == 9200


def test_load_config_arguments_override_environment(tmp_path: Path) -> None:
    environ = {"DEVCELL_PORT": "9200", "DEVCELL_HOST": "10.0.0.1", "DEVCELL_DATA_DIR": str(tmp_path / "env")}
    config = load_config(environ, data_dir=tmp_path / "arg", host="127.0.0.1", port=9300)
    assert (config.data_dir, config.host, config.port) == (tmp_path / "arg", "127.0.0.1", 9300)


def test_load_config_ignores_unrelated_environment_variables(tmp_path: Path) -> None:
    config = load_config({"HOME": "/root", "DEVCELL_LOG_LEVEL": "DEBUG"}, data_dir=tmp_path)
    assert "HOME" not in config.env
    assert config.log_level == "debug"


@pytest.mark.parametrize(
    ("alias", "value", "name"),
    [
        ("KNOWLEDGEBASE_DIR", "/srv/kb", "DEVCELL_KNOWLEDGEBASE_DIR"),
        ("LLM_ENDPOINT", "http://127.0.0.1:11434", "DEVCELL_LLM_BASE_URL"),
        ("JWT_SECRET", SECRET, "DEVCELL_SECRET_KEY"),
    ],
)
def test_load_config_maps_aliases_and_notes_them(tmp_path: Path, alias: str, value: str, name: str) -> None:
    config = load_config({alias: value}, data_dir=tmp_path)
    assert config.env[name] == value
    assert alias not in config.env
    assert any(alias in note and name in note for note in config.notes)


def test_load_config_alias_values_reach_their_fields(tmp_path: Path) -> None:
    config = load_config({"KNOWLEDGEBASE_DIR": "/srv/kb", "JWT_SECRET": SECRET}, data_dir=tmp_path)
    assert (config.kb_dir, config.secret_key) == (Path("/srv/kb"), SECRET)


def test_load_config_canonical_name_wins_over_alias(tmp_path: Path) -> None:
    environ = {"DEVCELL_LLM_BASE_URL": "http://new:1", "LLM_ENDPOINT": "http://old:1"}
    assert load_config(environ, data_dir=tmp_path).env["DEVCELL_LLM_BASE_URL"] == "http://new:1"


def test_load_config_environment_alias_overrides_env_file_name(tmp_path: Path) -> None:
    path = env_file(tmp_path, "DEVCELL_LLM_BASE_URL=http://file:1\n")
    config = load_config({"LLM_ENDPOINT": "http://environment:1"}, config_file=path, data_dir=tmp_path)
    assert config.env["DEVCELL_LLM_BASE_URL"] == "http://environment:1"


def test_load_config_ignores_jwt_algorithm_with_a_note(tmp_path: Path) -> None:
    config = load_config({"JWT_ALGORITHM": "HS256"}, data_dir=tmp_path)
    assert "JWT_ALGORITHM" not in config.env
    assert any("JWT_ALGORITHM is ignored" in note for note in config.notes)


def test_load_config_refuses_a_short_secret(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="too short"):
        load_config({"JWT_SECRET": "short"}, data_dir=tmp_path)


@pytest.mark.parametrize("port", ["0", "65536", "http"])
def test_load_config_refuses_an_invalid_port(tmp_path: Path, port: str) -> None:
    with pytest.raises(ConfigError, match="DEVCELL_PORT"):
        load_config({"DEVCELL_PORT": port}, data_dir=tmp_path)


def test_load_config_refuses_invalid_trusted_proxies(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"'proxy\.lan' is not an IP address"):
        load_config({"DEVCELL_TRUSTED_PROXIES": "10.0.0.0/8, proxy.lan"}, data_dir=tmp_path)


def test_load_config_trusts_no_proxy_by_default(tmp_path: Path) -> None:
    assert load_config({}, data_dir=tmp_path).trusted_proxies == ()


def test_load_config_allows_every_host_by_default(tmp_path: Path) -> None:
    assert load_config({}, data_dir=tmp_path).allowed_hosts == ()


def test_load_config_parses_allowed_hosts(tmp_path: Path) -> None:
    raw = "DevCell.lab.example, 192.168.1.20,[fd00::20], *.lab.example,"
    config = load_config({"DEVCELL_ALLOWED_HOSTS": raw}, data_dir=tmp_path)
    assert config.allowed_hosts == ("devcell.lab.example", "192.168.1.20", "[fd00::20]", "*.lab.example")


@pytest.mark.parametrize("bad", ["http://devcell.lab", "devcell.lab:9000", "dev cell", "*"])
def test_load_config_refuses_an_allowed_host_that_is_not_a_host_name(tmp_path: Path, bad: str) -> None:
    with pytest.raises(ConfigError, match="DEVCELL_ALLOWED_HOSTS"):
        load_config({"DEVCELL_ALLOWED_HOSTS": bad}, data_dir=tmp_path)


def test_load_config_parses_trusted_proxies(tmp_path: Path) -> None:
    config = load_config({"DEVCELL_TRUSTED_PROXIES": " 10.0.0.0/8 ,192.168.1.2,"}, data_dir=tmp_path)
    assert config.trusted_proxies == ("10.0.0.0/8", "192.168.1.2")


def test_setting_overrides_lists_devcell_variables_by_lower_case_key(tmp_path: Path) -> None:
    config = load_config({"DEVCELL_APPLIANCE_NAME": "Lab", "LLM_ENDPOINT": "http://h:1"}, data_dir=tmp_path)
    overrides = config.setting_overrides()
    assert overrides["appliance_name"] == "Lab"
    assert overrides["llm_base_url"] == "http://h:1"


def test_load_or_create_secret_creates_a_0600_file(tmp_path: Path) -> None:
    secret = load_or_create_secret(Config(data_dir=tmp_path))
    path = tmp_path / "secret_key"
    assert path.read_text().strip() == secret
    assert len(secret) >= 32
    assert mode(path) == 0o600


def test_load_or_create_secret_reuses_the_file(tmp_path: Path) -> None:
    config = Config(data_dir=tmp_path)
    assert load_or_create_secret(config) == load_or_create_secret(config)


def test_load_or_create_secret_prefers_the_environment(tmp_path: Path) -> None:
    assert load_or_create_secret(Config(data_dir=tmp_path, secret_key=SECRET)) == SECRET
    assert not (tmp_path / "secret_key").exists()


def test_load_or_create_secret_refuses_a_damaged_file(tmp_path: Path) -> None:
    (tmp_path / "secret_key").write_text("short\n")
    with pytest.raises(ConfigError, match="damaged"):
        load_or_create_secret(Config(data_dir=tmp_path))


def test_prepare_data_dir_makes_0750_directories(tmp_path: Path) -> None:
    config = Config(data_dir=tmp_path / "data")
    previous = os.umask(0o022)  # the usual umask; a stricter one may only remove bits
    try:
        prepare_data_dir(config)
    finally:
        os.umask(previous)
    made = [config.data_dir, config.kb_dir, config.logs_dir, config.tmp_dir, config.snapshots_dir]
    assert {path.name: mode(path) for path in made} == {path.name: 0o750 for path in made}


@pytest.mark.parametrize(
    ("raw", "url"),
    [
        (None, None),
        ("", None),
        ("http://10.0.0.5", "http://10.0.0.5:8000"),
        (" http://chroma.lab:8100/ ", "http://chroma.lab:8100"),
        ("https://[fd00::5]:443", "https://[fd00::5]:443"),
    ],
)
def test_chroma_url_is_normalised(tmp_path: Path, raw: str | None, url: str | None) -> None:
    env = {} if raw is None else {"DEVCELL_CHROMA_URL": raw}
    assert load_config(env, data_dir=tmp_path).chroma_url == url


@pytest.mark.parametrize(
    ("raw", "problem"),
    [
        ("10.0.0.5:8000", "must start with http:// or https://"),
        ("ftp://10.0.0.5", "must start with http:// or https://"),
        ("http://", "has no host"),
        ("http://10.0.0.5:99999", "has an invalid port"),
        ("http://10.0.0.5:8000/api/v2", "may only name a scheme, a host and a port"),
        ("http://user:secret@10.0.0.5", "may only name a scheme, a host and a port"),
    ],
)
def test_a_bad_chroma_url_is_refused_with_the_reason(tmp_path: Path, raw: str, problem: str) -> None:
    with pytest.raises(ConfigError, match=re.escape(problem)):
        load_config({"DEVCELL_CHROMA_URL": raw}, data_dir=tmp_path)


def test_chroma_database_defaults_and_is_checked(tmp_path: Path) -> None:
    assert load_config({}, data_dir=tmp_path).chroma_database == "devcell"
    assert load_config({"DEVCELL_CHROMA_DATABASE": "lab-2"}, data_dir=tmp_path).chroma_database == "lab-2"
    with pytest.raises(ConfigError, match="DEVCELL_CHROMA_DATABASE"):
        load_config({"DEVCELL_CHROMA_DATABASE": "a b"}, data_dir=tmp_path)


@pytest.mark.parametrize(
    ("raw", "url"),
    [
        (None, None),
        ("  ", None),
        ("postgresql://devcell:pw@10.0.0.5:5432/devcell", "postgresql://devcell:pw@10.0.0.5:5432/devcell"),
        ("postgres://devcell@db.lab/devcell", "postgresql://devcell@db.lab/devcell"),
        (" postgresql:///devcell?host=/run/postgresql ", "postgresql:///devcell?host=/run/postgresql"),
    ],
)
def test_database_url_is_read_and_normalised(tmp_path: Path, raw: str | None, url: str | None) -> None:
    env = {} if raw is None else {"DEVCELL_DATABASE_URL": raw}
    config = load_config(env, data_dir=tmp_path)
    assert config.database_url == url
    assert config.uses_postgresql is (url is not None)
    assert config.database_target == (url or tmp_path / "devcell.db")


@pytest.mark.parametrize(
    ("raw", "problem"),
    [
        ("sqlite:///var/lib/devcell/devcell.db", "must start with postgresql://"),
        ("mysql://u:secret@h/devcell", "must start with postgresql://"),
        ("postgresql://u:secret@h:5432", "names no database"),
        ("postgresql://u:secret@h:5432/", "names no database"),
    ],
)
def test_a_bad_database_url_is_refused_without_showing_its_password(tmp_path: Path, raw: str, problem: str) -> None:
    with pytest.raises(ConfigError, match=re.escape(problem)) as raised:
        load_config({"DEVCELL_DATABASE_URL": raw}, data_dir=tmp_path)
    assert "secret" not in str(raised.value)


def test_a_database_url_is_shown_without_its_password() -> None:
    assert redacted_url("postgresql://devcell:s3cret@db:5432/devcell") == "postgresql://devcell:***@db:5432/devcell"
    assert redacted_url("postgresql://devcell@db/devcell") == "postgresql://devcell@db/devcell"
