"""First run: no default credentials, the one-time setup code, and the first administrator."""

from __future__ import annotations

import logging
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from starlette.applications import Starlette
from starlette.testclient import TestClient

from devcell.core.config import Config
from devcell.core.logs import configure_logging
from tests.accounts.conftest import Sql, error_code
from tests.conftest import ADMIN_PASSWORD, new_client, setup_code


def setup_body(code: str, username: str = "chief", password: str = ADMIN_PASSWORD) -> dict[str, str]:
    return {"setup_code": code, "username": username, "password": password}


@pytest.mark.parametrize(
    ("username", "password"),
    [("admin", "admin123"), ("admin", "password"), ("admin", "admin"), ("root", "root"), ("devcell", "devcell")],
)
def test_login_default_credentials_are_refused(client: TestClient, username: str, password: str) -> None:
    response = client.post("/api/auth/login", json={"username": username, "password": password})
    assert response.status_code == 401
    assert error_code(response) == "invalid_credentials"


def test_setup_status_says_setup_is_needed_on_a_fresh_instance(client: TestClient) -> None:
    body = client.get("/api/setup").json()
    assert body["needs_setup"] is True
    assert body["registration"] == "closed"


def test_setup_code_file_is_readable_only_by_the_service(client: TestClient, config: Config) -> None:
    mode = (config.data_dir / "setup_code").stat().st_mode
    assert stat.S_IMODE(mode) == 0o600


def test_setup_with_wrong_code_is_refused(client: TestClient) -> None:
    response = client.post("/api/setup", json=setup_body("AAAA-BBBB-CCCC"))
    assert response.status_code == 403
    assert error_code(response) == "setup_code_invalid"


def test_setup_with_wrong_code_creates_no_user(client: TestClient, sql: Sql) -> None:
    client.post("/api/setup", json=setup_body("AAAA-BBBB-CCCC"))
    assert sql('SELECT count(*) FROM "user"') == [(0,)]


def test_setup_with_right_code_creates_an_admin(client: TestClient, config: Config) -> None:
    response = client.post("/api/setup", json=setup_body(setup_code(config)))
    assert response.status_code == 201
    assert response.json()["user"]["username"] == "chief"
    assert response.json()["user"]["role"] == "admin"


def test_setup_signs_the_admin_in(client: TestClient, config: Config) -> None:
    client.post("/api/setup", json=setup_body(setup_code(config)))
    me = client.get("/api/auth/me")
    assert me.status_code == 200
    assert me.json()["user"]["username"] == "chief"


def test_setup_accepts_the_code_typed_loosely(client: TestClient, config: Config) -> None:
    loose = setup_code(config).replace("-", " ").lower()
    assert client.post("/api/setup", json=setup_body(loose)).status_code == 201


def test_setup_uses_up_the_code_file(client: TestClient, config: Config) -> None:
    client.post("/api/setup", json=setup_body(setup_code(config)))
    assert not (config.data_dir / "setup_code").exists()


def test_setup_status_says_done_after_setup(client: TestClient, config: Config) -> None:
    client.post("/api/setup", json=setup_body(setup_code(config)))
    assert client.get("/api/setup").json()["needs_setup"] is False


def test_setup_a_second_time_is_refused(app: Starlette, client: TestClient, config: Config) -> None:
    code = setup_code(config)
    client.post("/api/setup", json=setup_body(code))
    response = new_client(app).post("/api/setup", json=setup_body(code, username="intruder"))
    assert response.status_code == 409
    assert error_code(response) == "setup_done"


@pytest.mark.parametrize("password", ["admin123", "password", "short1", "aaaaaaaaaaaaaa", "abababababab"])
def test_setup_rejects_a_weak_password(client: TestClient, config: Config, password: str) -> None:
    response = client.post("/api/setup", json=setup_body(setup_code(config), password=password))
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["error"]["detail"]] == ["password"]


@pytest.mark.parametrize("username", ["ab", "-admin", "has space", "x" * 33, "admin<script>"])
def test_setup_rejects_a_bad_username(client: TestClient, config: Config, username: str) -> None:
    response = client.post("/api/setup", json=setup_body(setup_code(config), username=username))
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["error"]["detail"]] == ["username"]


def test_setup_rejected_input_keeps_the_code(client: TestClient, config: Config) -> None:
    code = setup_code(config)
    client.post("/api/setup", json=setup_body(code, password="admin123"))
    assert setup_code(config) == code


def test_setup_code_guessing_is_rate_limited(client: TestClient, config: Config) -> None:
    for _ in range(20):
        assert client.post("/api/setup", json=setup_body("AAAA-BBBB-CCCC")).status_code == 403
    response = client.post("/api/setup", json=setup_body(setup_code(config)))
    assert response.status_code == 429
    assert error_code(response) == "rate_limited"


# The setup code in logs: announced on the console (the service log) while setup is needed, never written to
# logs/devcell.log, which the admin log viewer and support bundles show after the code was used.


@pytest.fixture
def log_file(config: Config) -> Iterator[Path]:
    """The service's own logging set up as `devcell serve` does it, with logs/devcell.log; undone afterwards."""
    root = logging.getLogger()
    level = root.level
    config.logs_dir.mkdir(parents=True, exist_ok=True)
    configure_logging("INFO", config.logs_dir)
    yield config.logs_dir / "devcell.log"
    for handler in [h for h in root.handlers if getattr(h, "_devcell", False)]:
        root.removeHandler(handler)
        handler.close()
    root.setLevel(level)


def set_up(app: Starlette, config: Config, browser: TestClient) -> str:
    """Complete setup with the announced code (the app runs); returns the code used."""
    code = setup_code(config)
    assert browser.post("/api/setup", json=setup_body(code)).status_code == 201
    return code


def test_setup_code_used_is_not_in_the_log_file(app: Starlette, config: Config, log_file: Path) -> None:
    with TestClient(app) as browser:
        code = set_up(app, config, browser)
    assert "DevCell" in log_file.read_text()  # the file was written to
    assert code not in log_file.read_text()


def test_setup_code_used_is_not_in_the_admin_log_viewer(app: Starlette, config: Config, log_file: Path) -> None:
    with TestClient(app) as browser:
        code = set_up(app, config, browser)
        response = browser.get("/api/system/logs", params={"limit": 1000})
    assert response.status_code == 200
    assert response.json()["items"]  # the viewer reads the file
    assert code not in response.text


def test_setup_code_is_announced_in_the_service_log(
    app: Starlette, log_file: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    with TestClient(app) as browser:
        code = setup_code(browser.app.state.config)  # type: ignore[attr-defined]
    assert f"enter the setup code {code}" in capfd.readouterr().err


def test_setup_code_is_not_announced_after_setup(
    app: Starlette, config: Config, capfd: pytest.CaptureFixture[str]
) -> None:
    with TestClient(app) as browser:
        set_up(app, config, browser)
    capfd.readouterr()
    with TestClient(app):
        pass
    assert "setup code" not in capfd.readouterr().err
