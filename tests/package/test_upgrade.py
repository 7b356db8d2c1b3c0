"""Upgrade: install the build before the newest migration, create data, install this build over it."""

from __future__ import annotations

import contextlib
import sqlite3
from pathlib import Path

import pytest

from tests.package import appliance


@pytest.fixture(scope="module")
def previous_deb(previous_build: appliance.BackgroundBuild | str) -> Path:
    """The release before the newest migration, built in the background since the session began (conftest)."""
    if isinstance(previous_build, str):
        pytest.skip(previous_build)
    previous_build.wait()
    return appliance.PREVIOUS_DIST / "devcell.deb"


def schema_line() -> str:
    check = appliance.as_devcell("check")
    return next(line for line in check.stdout.splitlines() if "schema:" in line)


def test_upgrade_keeps_data_and_migrates(previous_deb: Path, deb: Path, clean_machine: None, tmp_path: Path) -> None:
    appliance.apt_install(previous_deb)
    with appliance.InstalledServer(tmp_path / "previous.log") as server:
        browser = appliance.set_up_admin(server)
        status, body = browser.request("POST", "/api/users", {"username": "kept", "password": "kept-pass-99311"})
        assert status == 201, body
        browser.close()
    before = schema_line()
    secret = (appliance.DATA / "secret_key").read_bytes()

    output = appliance.apt_install(deb)
    assert "Unpacking devcell" in output
    assert "over (" in output  # an upgrade, not a fresh install
    assert appliance.installed_version() == appliance.deb_version(deb)
    with appliance.InstalledServer(tmp_path / "current.log") as server:  # the new version migrates as it starts
        browser = server.client()
        browser.login(appliance.ADMIN, appliance.PASSWORD)
        status, users = browser.request("GET", "/api/users?q=kept")
        assert status == 200
        assert [u["username"] for u in users["items"]] == ["kept"]
        browser.close()
    after = schema_line()
    assert before != after, (before, after)
    head = after.split("of")[-1].strip()
    assert after.endswith(f"version {head} of {head}")
    assert list((appliance.DATA / "snapshots").iterdir()), "no snapshot was taken before the migration"
    assert (appliance.DATA / "secret_key").read_bytes() == secret  # sessions and tokens stay valid


def test_upgrade_without_a_migration_takes_a_snapshot(deb: Path, clean_machine: None, tmp_path: Path) -> None:
    appliance.apt_install(deb)
    with appliance.InstalledServer(tmp_path / "server.log") as server:
        appliance.set_up_admin(server).close()
    old = appliance.deb_version(deb)
    newer, version = appliance.repack_as_newer(deb, tmp_path)

    output = appliance.apt_install(newer)
    assert appliance.installed_version() == version
    snapshots = sorted((appliance.DATA / "snapshots").glob("devcell-upgrade-from-*.db"))
    assert [p.name.startswith(f"devcell-upgrade-from-{old}-") for p in snapshots] == [True], output
    assert f"before the upgrade from {old}" in output
    assert not list((appliance.DATA / "snapshots").glob("devcell-schema*.db"))  # nothing to migrate
    assert snapshots[0].stat().st_uid == appliance.DATA.stat().st_uid  # the service user's, like its data
    with contextlib.closing(sqlite3.connect(snapshots[0])) as copy:
        assert copy.execute("SELECT username FROM user").fetchall() == [(appliance.ADMIN,)]
    assert appliance.run(appliance.BINARY, "version").stdout.strip() == version
