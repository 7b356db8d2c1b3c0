"""apt-get install ./devcell.deb on this machine, the installed binary as the service runs it, remove and purge."""

from __future__ import annotations

import grp
import json
import pwd
import stat
import time
from pathlib import Path

import devcell
from devcell.core.migrations.runner import HEAD
from tests.package import appliance, smoke
from tests.postgres_server import PostgresCluster


def test_install_prints_the_url_and_how_to_get_the_setup_code(installed: str) -> None:
    assert "DevCell: open http://" in installed
    assert ":9000/" in installed
    assert "sudo -u devcell devcell setup-code" in installed
    assert "http://127.0.0.1" not in installed  # an address a LAN browser can open
    if not Path("/run/systemd/system").is_dir():
        assert "systemd is not running here" in installed


def test_install_creates_the_service_user_and_a_private_data_dir(installed: str) -> None:
    user = pwd.getpwnam("devcell")
    assert user.pw_uid < 1000  # a system user
    assert user.pw_dir == "/var/lib/devcell"
    assert grp.getgrgid(user.pw_gid).gr_name == "devcell"
    info = appliance.DATA.stat()
    assert (info.st_uid, stat.S_IMODE(info.st_mode)) == (user.pw_uid, 0o750)
    assert Path("/var/lib/systemd/deb-systemd-helper-enabled/devcell.service.dsh-also").is_file()


def test_installed_version_and_self_check(installed: str, deb: Path) -> None:
    version = appliance.run(appliance.BINARY, "version").stdout.strip()
    # The package's version (0.6.0+<time>.<commit>), which names the exact build; its base is this checkout's.
    assert version == appliance.deb_version(deb)
    assert version.partition("+")[0] == devcell.__version__
    check = appliance.as_devcell("check")
    assert check.returncode == 0, check.stdout + check.stderr
    assert "/var/lib/devcell" in check.stdout  # the installed default data directory, from the frozen binary
    assert "/usr/lib/devcell/_internal/web_dist" in check.stdout


def test_the_installed_binary_speaks_to_postgresql(
    installed: str, postgres_cluster: PostgresCluster, tmp_path: Path
) -> None:
    """The frozen build carries PostgreSQL's driver (peewee imports it only if it can, so a build without it would
    fail only for those who configure DEVCELL_DATABASE_URL): the installed binary migrates a server database."""
    import os
    import subprocess

    url = postgres_cluster.empty_database()
    env = {**os.environ, "DEVCELL_DATABASE_URL": url}
    try:
        # As root: the throwaway cluster's socket directory is not open to the service user.
        check = subprocess.run(
            [str(appliance.BINARY), "--data-dir", str(tmp_path / "data"), "check"],
            capture_output=True, text=True, timeout=120, check=False, env=env,
        )  # fmt: skip
        assert "ok   database server: PostgreSQL" in check.stdout, check.stdout + check.stderr
        assert f"ok   schema: version {HEAD} of {HEAD}" in check.stdout, check.stdout
    finally:
        postgres_cluster.drop(url)


def test_smoke_the_installed_server(installed: str, deb: Path, tmp_path: Path) -> None:
    with appliance.InstalledServer(tmp_path / "server.log") as server:
        assert server.seconds_to_health < 10, server.seconds_to_health  # budget is 2 s on an idle machine
        status, kind, body = server.get("/")
        assert (status, kind.split(";")[0]) == (200, "text/html")
        assert '<div id="app">' in body
        asset = body.split('src="', 1)[1].split('"', 1)[0]
        assert server.get(asset)[0] == 200
        browser = appliance.set_up_admin(server)
        status, me = browser.request("GET", "/api/auth/me")
        assert (status, me["user"]["username"]) == (200, appliance.ADMIN)
        assert server.get("/api/health/ready")[0] == 200
        health = json.loads(server.get("/api/health")[2])
        assert health["version"] == appliance.deb_version(deb)
        found = smoke.embed_and_search(browser)  # the model from /usr/share/devcell/models, in the frozen build
        assert smoke.health_checks(browser)["index"] == "ok"
        browser.close()
    assert found["model_ready"], found
    assert found["vectors"] >= 2, found
    files = {p.name for p in appliance.DATA.iterdir()}
    assert {"devcell.db", "secret_key", "logs", "index"} <= files
    # ORT_DISABLE_TELEMETRY worked and nothing else wrote a cache into the service user's home (the data dir).
    assert not (appliance.DATA / ".cache").exists(), sorted(files)
    assert stat.S_IMODE((appliance.DATA / "secret_key").stat().st_mode) == 0o600


def test_the_env_file_is_readable_by_the_service_group_only(installed: str) -> None:
    """It may hold secrets (the secret key, the LLM API key, a database password): root:devcell 0640."""
    import grp
    import stat

    found = Path("/etc/devcell/devcell.env").stat()
    assert stat.S_IMODE(found.st_mode) == 0o640
    assert (found.st_uid, grp.getgrgid(found.st_gid).gr_name) == (0, "devcell")
    listed = appliance.run("dpkg-statoverride", "--list", "/etc/devcell/devcell.env", check=False)
    assert listed.stdout.split() == ["root", "devcell", "640", "/etc/devcell/devcell.env"]  # dpkg lists it so


def test_remove_keeps_data_and_config_then_purge_leaves_nothing(installed: str, tmp_path: Path) -> None:
    with appliance.InstalledServer(tmp_path / "server.log") as server:
        appliance.set_up_admin(server).close()
    appliance.run("apt-get", "remove", "-y", "devcell")
    assert appliance.package_state() == "config-files"
    assert (appliance.DATA / "devcell.db").is_file()
    assert Path("/etc/devcell/devcell.env").is_file()
    assert appliance.user_exists()
    assert not appliance.BINARY.exists()
    appliance.run("apt-get", "purge", "-y", "devcell")
    time.sleep(0.1)
    assert appliance.package_state() == "not-installed"
    assert [p for p in appliance.FOOTPRINT if p.exists() or p.is_symlink()] == []
    assert not appliance.user_exists()
    assert appliance.run("dpkg-statoverride", "--list", "/etc/devcell/devcell.env", check=False).stdout == ""
    assert appliance.run("getent", "group", "devcell", check=False).returncode == 2
