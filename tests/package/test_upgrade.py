"""Upgrade: install the build before the newest migration, create data, install this build over it."""

from __future__ import annotations

import io
import shutil
import subprocess
import tarfile
from pathlib import Path

import pytest

from tests.package import appliance

ROOT = appliance.ROOT
MIGRATIONS = "src/devcell/core/migrations"
PREVIOUS_SOURCE = ROOT / "build" / "upgrade-previous" / "source"


def git(*args: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(["git", "-C", str(ROOT), *args], capture_output=True, check=False)


def previous_release_source() -> Path:
    """The tree just before the newest migration was added: a release whose database this build must migrate."""
    if shutil.which("git") is None or git("rev-parse", "HEAD").returncode != 0:
        pytest.skip("the upgrade test needs this checkout's git history")
    added = git("log", "-1", "--diff-filter=A", "--format=%H", "--", MIGRATIONS).stdout.decode().strip()
    # The whole release as it was: its spec names only its own files, and its maintainer scripts are the ones
    # the upgrade replaces.
    archive = git("archive", "--format=tar", f"{added}^", "src", "web_dist", "packaging", "debian")
    if not added or archive.returncode != 0:
        pytest.skip(f"the commit before the newest migration is not in this clone: {archive.stderr.decode()}")
    shutil.rmtree(PREVIOUS_SOURCE, ignore_errors=True)
    PREVIOUS_SOURCE.mkdir(parents=True)
    with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
        tar.extractall(PREVIOUS_SOURCE, filter="data")
    return PREVIOUS_SOURCE


@pytest.fixture(scope="module")
def previous_deb(deb: Path) -> Path:
    source = previous_release_source()
    base = appliance.deb_version(deb).partition("+")[0]
    out = source.parent / "dist"
    appliance.build_deb("--source", str(source), "--out", str(out), "--version", f"{base}+00000000000000.previous")
    return out / "devcell.deb"


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
