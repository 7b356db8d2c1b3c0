"""SettingsStore on a real database: precedence, all-or-nothing saves, environment locks and change hooks."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from devcell.core.db import close_database, init_database, transaction, utcnow
from devcell.core.errors import Conflict, ValidationFailed
from devcell.core.migrations.runner import migrate
from devcell.settings.models import Setting
from devcell.settings.registry import Value
from devcell.settings.service import SettingsStore


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Path]:
    path = tmp_path / "devcell.db"
    init_database(path)
    migrate(path, tmp_path / "snapshots")
    yield path
    close_database()


@pytest.fixture
def store(db: Path) -> SettingsStore:
    settings = SettingsStore({})
    settings.refresh(force=True)
    return settings


def saved_keys() -> set[str]:
    with transaction():
        return {row.key for row in Setting.select()}


def recorder(store: SettingsStore, *keys: str) -> list[tuple[str, Value]]:
    calls: list[tuple[str, Value]] = []
    for key in keys:
        store.on_change(key, lambda k, v: calls.append((k, v)))
    return calls


def test_store_uses_the_default_when_nothing_is_saved(store: SettingsStore) -> None:
    effective = store.effective("appliance_name")
    assert (effective.value, effective.source) == ("DevCell", "default")


def test_store_save_makes_the_value_effective(store: SettingsStore) -> None:
    store.save({"appliance_name": "Lab", "session_max_days": "7"}, None)
    assert (store.get("appliance_name"), store.get_int("session_max_days")) == ("Lab", 7)
    assert store.effective("appliance_name").source == "saved"


def test_store_save_persists_for_a_new_store(store: SettingsStore) -> None:
    store.save({"registration": "open"}, None)
    assert SettingsStore({}).get("registration") == "open"


def test_store_save_is_all_or_nothing(store: SettingsStore) -> None:
    with pytest.raises(ValidationFailed) as failed:
        store.save({"appliance_name": "Lab", "session_max_days": 0, "registration": "anyone"}, None)
    assert [d["field"] for d in failed.value.detail] == ["session_max_days", "registration"]
    assert saved_keys() == set()


def test_store_save_refuses_unknown_keys(store: SettingsStore) -> None:
    with pytest.raises(ValidationFailed, match="colour: is not a setting"):
        store.save({"colour": "blue"}, None)


def test_store_save_none_resets_to_the_default(store: SettingsStore) -> None:
    store.save({"appliance_name": "Lab"}, None)
    store.save({"appliance_name": None}, None)
    assert store.effective("appliance_name").source == "default"
    assert saved_keys() == set()


def test_store_environment_beats_saved(db: Path) -> None:
    SettingsStore({}).save({"appliance_name": "Saved"}, None)
    effective = SettingsStore({"appliance_name": "Env"}).effective("appliance_name")
    assert (effective.value, effective.source) == ("Env", "environment")


def test_store_refuses_to_save_a_key_locked_by_the_environment(db: Path) -> None:
    store = SettingsStore({"appliance_name": "Env"})
    with pytest.raises(Conflict) as refused:
        store.save({"appliance_name": "Other"}, None)
    assert refused.value.code == "setting_locked"
    assert "DEVCELL_APPLIANCE_NAME" in refused.value.message


def test_store_ignores_an_invalid_environment_value_and_reports_it(db: Path) -> None:
    effective = SettingsStore({"session_idle_minutes": "1"}).effective("session_idle_minutes")
    assert (effective.value, effective.source) == (1440, "default")
    assert effective.error == "DEVCELL_SESSION_IDLE_MINUTES is ignored: it must be at least 5"


def test_store_ignores_an_invalid_saved_value(store: SettingsStore) -> None:
    with transaction(write=True):
        Setting.create(key="session_max_days", value="9999", updated_at=utcnow())
    store.refresh(force=True)
    assert store.effective("session_max_days").source == "default"


def test_store_ignores_saved_keys_the_code_no_longer_knows(store: SettingsStore) -> None:
    with transaction(write=True):
        Setting.create(key="retired_setting", value='"x"', updated_at=utcnow())
    store.refresh(force=True)
    assert len(store.describe().items) == len(SettingsStore({}).describe().items)


def test_store_describe_never_shows_the_secret(store: SettingsStore) -> None:
    described = {item.key: item for item in store.save({"llm_api_key": "sk-secret"}, None).items}
    item = described["llm_api_key"]
    assert (item.value, item.default, item.is_set, item.secret, item.source) == (None, None, True, True, "saved")


def test_store_describe_marks_changed_values(store: SettingsStore) -> None:
    described = {item.key: item for item in store.save({"appliance_name": "Lab"}, None).items}
    assert (described["appliance_name"].changed, described["registration"].changed) == (True, False)


def test_store_hook_fires_once_per_changed_key(store: SettingsStore) -> None:
    calls = recorder(store, "appliance_name", "registration", "llm_model")
    store.save({"appliance_name": "Lab", "registration": "closed"}, None)  # registration keeps its default
    store.save({"appliance_name": "Lab"}, None)
    assert calls == [("appliance_name", "Lab")]


def test_store_hook_fires_for_a_reset(store: SettingsStore) -> None:
    store.save({"appliance_name": "Lab"}, None)
    calls = recorder(store, "appliance_name")
    store.save({"appliance_name": None}, None)
    assert calls == [("appliance_name", "DevCell")]


def test_store_hook_fires_for_a_value_saved_by_another_store(store: SettingsStore) -> None:
    calls = recorder(store, "session_idle_minutes")
    SettingsStore({}).save({"session_idle_minutes": 60}, None)  # as `devcell settings set` does
    store.refresh(force=True)
    store.refresh(force=True)
    assert calls == [("session_idle_minutes", 60)]


def test_store_rereads_the_database_only_every_few_seconds(store: SettingsStore) -> None:
    SettingsStore({}).save({"appliance_name": "Lab"}, None)
    assert store.get("appliance_name") == "DevCell"


def test_store_hook_does_not_fire_for_a_key_locked_by_the_environment(db: Path) -> None:
    locked = SettingsStore({"appliance_name": "Env"})
    locked.refresh(force=True)
    calls = recorder(locked, "appliance_name")
    SettingsStore({}).save({"appliance_name": "Saved"}, None)
    locked.refresh(force=True)
    assert calls == []


def test_store_on_change_refuses_unknown_keys(store: SettingsStore) -> None:
    with pytest.raises(KeyError):
        store.on_change("colour", lambda key, value: None)
