"""GET/PATCH /api/settings over HTTP."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from devcell.app import create_app
from devcell.core.config import load_config
from devcell.settings.registry import SETTINGS
from tests.conftest import ADMIN_PASSWORD, Actor, setup_code, sign_in


def items(response: Any) -> dict[str, dict[str, Any]]:
    return {item["key"]: item for item in response.json()["items"]}


def patch(admin: Actor, values: dict[str, object]) -> Any:
    return admin.patch("/api/settings", json={"values": values})


def admin_of(tmp_path: Path, environ: dict[str, str]) -> Iterator[Actor]:
    """The administrator of an app started with `environ` (as DEVCELL_* variables)."""
    config = load_config(environ, data_dir=tmp_path / "data")
    app = create_app(config)
    with TestClient(app) as client:
        code = setup_code(config)
        response = client.post("/api/setup", json={"setup_code": code, "username": "admin", "password": ADMIN_PASSWORD})
        assert response.status_code == 201, response.text
        yield sign_in(app, "admin", ADMIN_PASSWORD)


@pytest.fixture
def locked_admin(tmp_path: Path) -> Iterator[Actor]:
    yield from admin_of(tmp_path, {"DEVCELL_APPLIANCE_NAME": "Lab"})


@pytest.fixture
def misconfigured_admin(tmp_path: Path) -> Iterator[Actor]:
    yield from admin_of(tmp_path, {"DEVCELL_SESSION_IDLE_MINUTES": "1"})


def test_settings_get_lists_every_setting_at_its_default(admin: Actor) -> None:
    listed = items(admin.get("/api/settings"))
    assert list(listed) == [spec.key for spec in SETTINGS]
    assert {item["source"] for item in listed.values()} == {"default"}
    assert not any(item["changed"] or item["locked"] for item in listed.values())


def test_settings_get_describes_each_setting(admin: Actor) -> None:
    item = items(admin.get("/api/settings"))["session_idle_minutes"]
    assert (item["kind"], item["value"], item["default"], item["minimum"], item["env_name"]) == (
        "int",
        1440,
        1440,
        5,
        "DEVCELL_SESSION_IDLE_MINUTES",
    )
    assert item["label"] == "Sign out after inactivity (minutes)"  # the page shows the label, the key beside it


def test_settings_need_an_admin(user: Actor) -> None:
    assert user.get("/api/settings").status_code == 403
    assert patch(user, {"appliance_name": "Mine"}).status_code == 403


def test_settings_patch_needs_the_csrf_token(admin: Actor) -> None:
    response = admin.client.patch("/api/settings", json={"values": {"appliance_name": "Lab"}})
    assert (response.status_code, response.json()["error"]["code"]) == (403, "csrf_failed")


def test_settings_patch_saves_and_marks_changed(admin: Actor) -> None:
    response = patch(admin, {"appliance_name": "Lab", "session_max_days": 7})
    assert response.status_code == 200
    saved = items(response)
    assert [
        (saved[k]["value"], saved[k]["source"], saved[k]["changed"]) for k in ("appliance_name", "session_max_days")
    ] == [
        ("Lab", "saved", True),
        (7, "saved", True),
    ]


def test_settings_patch_is_visible_to_a_later_get(admin: Actor) -> None:
    patch(admin, {"registration": "invite"})
    assert items(admin.get("/api/settings"))["registration"]["value"] == "invite"


def test_settings_patch_applies_live(admin: Actor, client: TestClient) -> None:
    patch(admin, {"appliance_name": "Lab"})
    assert client.get("/api/setup").json()["appliance_name"] == "Lab"


def test_settings_patch_is_all_or_nothing(admin: Actor) -> None:
    response = patch(admin, {"appliance_name": "Lab", "session_idle_minutes": 1, "llm_base_url": "ftp://x"})
    assert response.status_code == 422
    error = response.json()["error"]
    assert (error["code"], [d["field"] for d in error["detail"]]) == (
        "validation_failed",
        ["session_idle_minutes", "llm_base_url"],
    )
    assert items(admin.get("/api/settings"))["appliance_name"]["source"] == "default"


def test_settings_patch_null_resets_to_the_default(admin: Actor) -> None:
    patch(admin, {"appliance_name": "Lab"})
    item = items(patch(admin, {"appliance_name": None}))["appliance_name"]
    assert (item["value"], item["source"], item["changed"]) == ("DevCell", "default", False)


def test_settings_patch_refuses_unknown_keys(admin: Actor) -> None:
    response = patch(admin, {"colour": "blue"})
    assert response.status_code == 422
    assert response.json()["error"]["detail"] == [{"field": "colour", "message": "is not a setting"}]


def test_settings_patch_refuses_a_body_without_values(admin: Actor) -> None:
    assert admin.patch("/api/settings", json={"appliance_name": "Lab"}).status_code == 422


def test_settings_never_return_the_llm_api_key(admin: Actor) -> None:
    response = patch(admin, {"llm_api_key": "sk-very-secret"})
    listed = admin.get("/api/settings")
    item = items(listed)["llm_api_key"]
    assert (item["value"], item["is_set"], item["source"]) == (None, True, "saved")
    assert "sk-very-secret" not in response.text + listed.text


def test_settings_set_by_environment_are_shown_locked(locked_admin: Actor) -> None:
    item = items(locked_admin.get("/api/settings"))["appliance_name"]
    assert (item["value"], item["source"], item["locked"]) == ("Lab", "environment", True)


def test_settings_patch_of_a_locked_setting_is_409(locked_admin: Actor) -> None:
    response = patch(locked_admin, {"appliance_name": "Other"})
    assert (response.status_code, response.json()["error"]["code"]) == (409, "setting_locked")
    assert items(locked_admin.get("/api/settings"))["appliance_name"]["value"] == "Lab"


def test_settings_invalid_environment_value_is_ignored_and_reported(misconfigured_admin: Actor) -> None:
    item = items(misconfigured_admin.get("/api/settings"))["session_idle_minutes"]
    assert (item["value"], item["source"], item["locked"]) == (1440, "default", False)
    assert item["error"] == "DEVCELL_SESSION_IDLE_MINUTES is ignored: it must be at least 5"
