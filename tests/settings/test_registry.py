"""The settings table and parse() for each kind of value."""

from __future__ import annotations

import pytest

from devcell.settings.registry import BY_KEY, SETTINGS, InvalidValue, SettingSpec, parse

BOOL = SettingSpec("flag", "bool", False, "A switch.", "Test")


def test_registry_keys_are_unique_and_lower_snake_case() -> None:
    keys = [spec.key for spec in SETTINGS]
    assert len(keys) == len(set(keys)) == len(BY_KEY)
    assert all(key.isidentifier() and key == key.lower() for key in keys)


def test_registry_labels_are_for_people_not_the_key_recased() -> None:
    labels = [spec.label for spec in SETTINGS]
    assert all(labels)
    assert len(labels) == len(set(labels))
    recased = [spec.key for spec in SETTINGS if spec.label.lower() == spec.key.replace("_", " ")]
    assert set(recased) <= {"appliance_name", "time_zone", "registration", "llm_model", "llm_api_key"}
    assert BY_KEY["pdf_max_pages"].label == "PDF page limit"
    assert BY_KEY["disk_floor_mb"].label == "Free disk floor (MB)"


def test_registry_defaults_are_valid_values() -> None:
    invalid = []
    for spec in SETTINGS:
        try:
            assert parse(spec, spec.default) == spec.default
        except InvalidValue as exc:
            invalid.append((spec.key, str(exc)))
    assert invalid == []


def test_registry_env_name_is_devcell_and_upper_key() -> None:
    assert BY_KEY["llm_base_url"].env_name == "DEVCELL_LLM_BASE_URL"


@pytest.mark.parametrize(("raw", "expected"), [(30, 30), ("30", 30), (" 45 ", 45), (5, 5), (43_200, 43_200)])
def test_parse_int_accepts_numbers_and_numeric_strings_in_bounds(raw: object, expected: int) -> None:
    assert parse(BY_KEY["session_idle_minutes"], raw) == expected


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (4, "must be at least 5"),
        (43_201, "must be at most 43200"),
        ("ten", "must be a whole number"),
        (True, "must be a whole number"),
        (1.5, "must be a whole number"),
    ],
)
def test_parse_int_refuses_out_of_bounds_and_non_numbers(raw: object, message: str) -> None:
    with pytest.raises(InvalidValue, match=message):
        parse(BY_KEY["session_idle_minutes"], raw)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [(True, True), (False, False), ("yes", True), ("ON", True), ("1", True), ("off", False), (" no ", False)],
)
def test_parse_bool_accepts_common_spellings(raw: object, expected: bool) -> None:
    assert parse(BOOL, raw) is expected


@pytest.mark.parametrize("raw", ["maybe", "", 1, None])
def test_parse_bool_refuses_anything_else(raw: object) -> None:
    with pytest.raises(InvalidValue, match="true or false"):
        parse(BOOL, raw)


def test_parse_choice_accepts_a_listed_value() -> None:
    assert parse(BY_KEY["registration"], " invite ") == "invite"


def test_parse_choice_refuses_other_values_naming_the_choices() -> None:
    with pytest.raises(InvalidValue, match="one of: closed, open, invite"):
        parse(BY_KEY["registration"], "everyone")


@pytest.mark.parametrize("zone", ["UTC", "Europe/Berlin", "America/New_York"])
def test_parse_timezone_accepts_iana_names(zone: str) -> None:
    assert parse(BY_KEY["time_zone"], zone) == zone


@pytest.mark.parametrize("zone", ["Mars/Olympus", "../../etc/passwd", "", "Europe"])
def test_parse_timezone_refuses_unknown_names(zone: str) -> None:
    with pytest.raises(InvalidValue, match="time zone"):
        parse(BY_KEY["time_zone"], zone)


@pytest.mark.parametrize("url", ["http://127.0.0.1:11434", "https://llm.lab.example/v1", ""])
def test_parse_url_accepts_http_urls_and_empty(url: str) -> None:
    assert parse(BY_KEY["llm_base_url"], url) == url


@pytest.mark.parametrize("url", ["ftp://host/", "127.0.0.1:11434", "http://", "javascript:alert(1)"])
def test_parse_url_refuses_other_urls(url: str) -> None:
    with pytest.raises(InvalidValue, match="http:// or https:// URL"):
        parse(BY_KEY["llm_base_url"], url)


def test_parse_text_strips_whitespace() -> None:
    assert parse(BY_KEY["appliance_name"], "  Lab  ") == "Lab"


def test_parse_text_limits_length() -> None:
    assert parse(BY_KEY["appliance_name"], "x" * 60) == "x" * 60
    with pytest.raises(InvalidValue, match="at most 60 characters"):
        parse(BY_KEY["appliance_name"], "x" * 61)


def test_parse_text_refuses_non_text() -> None:
    with pytest.raises(InvalidValue, match="must be text"):
        parse(BY_KEY["llm_model"], 5)


def test_parse_appliance_name_must_not_be_empty() -> None:
    with pytest.raises(InvalidValue, match="must not be empty"):
        parse(BY_KEY["appliance_name"], "   ")
