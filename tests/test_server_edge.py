"""The real server process at its edge: whose forwarded headers it believes, and the modes of the files it makes."""

from __future__ import annotations

import http.client
import json
import os
import stat
from pathlib import Path

from tests.serverproc import ADMIN_PASSWORD, HOST, ServerProcess, create_admin

FORWARDED = "203.0.113.9"


def _session_address(server: ServerProcess) -> str:
    """Sign in claiming to come from FORWARDED, and read back the address the session recorded."""
    connection = http.client.HTTPConnection(HOST, server.port, timeout=30)
    try:
        body = f'{{"username": "admin", "password": "{ADMIN_PASSWORD}"}}'
        headers = {"Content-Type": "application/json", "X-Forwarded-For": FORWARDED}
        connection.request("POST", "/api/auth/login", body=body, headers=headers)
        response = connection.getresponse()
        response.read()
        assert response.status == 200
        cookie = (response.getheader("set-cookie") or "").split(";", 1)[0]
        connection.request("GET", "/api/auth/sessions", headers={"Cookie": cookie})
        sessions = json.loads(connection.getresponse().read())
    finally:
        connection.close()
    return str(sessions["items"][0]["client_address"])


def test_forwarded_for_from_loopback_is_not_believed_by_default(tmp_path: Path) -> None:
    create_admin(tmp_path / "data")
    with ServerProcess(tmp_path / "data") as server:
        server.wait_ready()
        assert _session_address(server) == "127.0.0.1"


def test_forwarded_for_is_believed_from_a_configured_proxy(tmp_path: Path) -> None:
    create_admin(tmp_path / "data")
    with ServerProcess(tmp_path / "data", env={"DEVCELL_TRUSTED_PROXIES": "127.0.0.1"}) as server:
        server.wait_ready()
        assert _session_address(server) == FORWARDED


def _world_readable(root: Path) -> list[str]:
    found = []
    for path in [root, *root.rglob("*")]:
        mode = stat.S_IMODE(path.lstat().st_mode)
        if mode & stat.S_IRWXO:
            found.append(f"{path.relative_to(root)} {oct(mode)}")
    return found


def test_data_files_are_not_world_readable_whatever_the_umask(tmp_path: Path) -> None:
    old = os.umask(0o002)  # the child inherits a permissive umask, as from a careless shell
    try:
        create_admin(tmp_path / "data")
        with ServerProcess(tmp_path / "data") as server:
            server.wait_ready()
    finally:
        os.umask(old)
    data = tmp_path / "data"
    assert (data / "devcell.db").is_file()
    assert stat.S_IMODE((data / "devcell.db").stat().st_mode) == 0o640
    assert _world_readable(data) == []
