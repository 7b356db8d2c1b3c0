"""The installed nginx snippet in front of the installed server: the UI, sign-in and an SSE stream through it."""

from __future__ import annotations

import http.client
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.package import appliance
from tests.serverproc import HOST, Client, free_port

SNIPPET = Path("/etc/nginx/snippets/devcell.conf")
SITE = Path("/etc/nginx/sites-available/devcell")
POLICY = Path("/usr/sbin/policy-rc.d")


def installed_packages() -> set[str]:
    listing = appliance.run("dpkg-query", "-W", "-f", "${Package} ${db:Status-Status}\n").stdout
    return {line.split()[0] for line in listing.splitlines() if line.endswith(" installed")}


@pytest.fixture(scope="module")
def nginx(machine: None) -> Iterator[Path]:
    """nginx from Debian, installed (without starting its service) if missing and purged again afterwards."""
    if shutil.which("nginx"):
        yield Path(shutil.which("nginx") or "")
        return
    before = installed_packages()
    own_policy = not POLICY.exists()
    if own_policy:  # keep nginx's postinst from starting a daemon on port 80
        POLICY.write_text("#!/bin/sh\nexit 101\n")
        POLICY.chmod(0o755)
    try:
        appliance.run("apt-get", "install", "-y", "--no-install-recommends", "nginx", timeout=900)
        yield Path("/usr/sbin/nginx")
    finally:
        added = sorted(installed_packages() - before - {"devcell"})
        if added:
            appliance.run("apt-get", "purge", "-y", *added, timeout=600, check=False)
        if own_policy:
            POLICY.unlink(missing_ok=True)


def write_config(directory: Path, server: str, app_port: int) -> Path:
    """A throw-away nginx.conf around `server`; the installed snippet goes in with the test server's port."""
    snippet = SNIPPET.read_text()
    assert snippet.count("proxy_pass http://127.0.0.1:9000;") == 1
    (directory / "devcell.conf").write_text(snippet.replace("127.0.0.1:9000", f"127.0.0.1:{app_port}"))
    temp = " ".join(
        f"{name}_temp_path {directory / name};" for name in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    config = directory / "nginx.conf"
    config.write_text(
        f"daemon off; master_process off; worker_processes 1; pid {directory}/nginx.pid;\n"
        f"error_log {directory}/error.log;\n"
        "events { worker_connections 64; }\n"
        f"http {{ include /etc/nginx/mime.types; access_log off; {temp}\n{server}\n}}\n"
    )
    return config


@pytest.fixture
def proxied(installed: str, nginx: Path, tmp_path: Path) -> Iterator[tuple[appliance.InstalledServer, int]]:
    """The installed server behind nginx on a free high port: (server, nginx port)."""
    port = free_port()
    with appliance.InstalledServer(tmp_path / "server.log") as server:
        server_block = f"server {{ listen {HOST}:{port}; include {tmp_path}/devcell.conf; }}"
        config = write_config(tmp_path, server_block, server.port)
        with (tmp_path / "nginx.out").open("wb") as output:
            process = subprocess.Popen([str(nginx), "-c", str(config)], stdout=output, stderr=output)
        try:
            wait_listening(port, process, tmp_path)
            yield server, port
        finally:
            process.terminate()
            process.wait(20)


def wait_listening(port: int, process: subprocess.Popen[bytes], logs: Path, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"nginx exited: {(logs / 'nginx.out').read_text()}")
        try:
            with socket.create_connection((HOST, port), timeout=1):
                return
        except OSError:
            time.sleep(0.05)
    raise AssertionError(f"nginx did not listen on {port}")


def test_example_site_is_valid_and_not_enabled(installed: str, nginx: Path, tmp_path: Path) -> None:
    (tmp_path / "snippets").symlink_to(SNIPPET.parent)
    config = write_config(tmp_path, f"include {SITE};", 9000)
    result = appliance.run(nginx, "-t", "-c", config, check=False)
    assert result.returncode == 0, result.stderr
    assert not Path("/etc/nginx/sites-enabled/devcell").exists()


def test_the_cluster_example_is_valid_nginx(installed: str, nginx: Path, tmp_path: Path) -> None:
    """The example for several DevCell processes (an upstream of three) is accepted by nginx as shipped."""
    example = Path("/usr/share/doc/devcell/examples/nginx-cluster")
    assert "upstream devcell" in example.read_text()
    config = write_config(tmp_path, f"include {example};", 9000)
    result = appliance.run(nginx, "-t", "-c", config, check=False)
    assert result.returncode == 0, result.stderr


def test_ui_and_sign_in_through_nginx(proxied: tuple[appliance.InstalledServer, int]) -> None:
    server, port = proxied
    appliance.set_up_admin(server).close()
    front = http.client.HTTPConnection(HOST, port, timeout=10)
    front.request("GET", "/")
    response = front.getresponse()
    assert response.status == 200
    assert '<div id="app">' in response.read().decode()
    front.close()
    with Client(HOST, port) as browser:
        browser.login(appliance.ADMIN, appliance.PASSWORD)
        status, me = browser.request("GET", "/api/auth/me")
        assert (status, me["user"]["username"]) == (200, appliance.ADMIN)


def test_event_stream_is_not_buffered_by_nginx(proxied: tuple[appliance.InstalledServer, int]) -> None:
    server, port = proxied
    browser = appliance.set_up_admin(server)
    _, me = browser.request("GET", "/api/auth/me")
    browser.close()
    job_id = appliance.insert_running_job(me["user"]["id"])
    with Client(HOST, port) as front:
        front.login(appliance.ADMIN, appliance.PASSWORD)
        cookie = front.cookie
    stream = http.client.HTTPConnection(HOST, port, timeout=10)
    try:
        stream.request("GET", f"/api/jobs/{job_id}/events", headers={"Cookie": cookie or ""})
        response = stream.getresponse()
        assert response.status == 200
        assert response.getheader("content-type", "").startswith("text/event-stream")
        # The job is still running, so the stream stays open: the first event arrives only if nothing buffers it.
        first = [response.readline() for _ in range(2)]
        assert first[0] == b"event: job\n"
        assert b'"message":"halfway"' in first[1]
    finally:
        stream.close()


SITE_LINK = Path("/etc/nginx/sites-enabled/devcell")


def nginx_config_is_valid(nginx: Path) -> subprocess.CompletedProcess[str]:
    """`nginx -t` of the system configuration, which includes every file in sites-enabled/."""
    return appliance.run(nginx, "-t", check=False)


@pytest.fixture
def site_enabled(installed: str, nginx: Path) -> Iterator[Path]:
    """The example site enabled as the README says (ln -s sites-available/devcell sites-enabled/devcell)."""
    SITE_LINK.symlink_to(SITE)
    try:
        result = nginx_config_is_valid(nginx)
        assert result.returncode == 0, result.stderr
        yield SITE_LINK
    finally:
        if SITE_LINK.is_symlink():
            SITE_LINK.unlink()


def test_purge_after_enabling_the_site_leaves_nginx_valid(site_enabled: Path, nginx: Path) -> None:
    appliance.run("apt-get", "purge", "-y", "devcell")
    assert not site_enabled.is_symlink()  # no dangling link to the removed site
    result = nginx_config_is_valid(nginx)
    assert result.returncode == 0, result.stderr


def test_remove_disables_the_site_and_installing_again_enables_it(site_enabled: Path, nginx: Path, deb: Path) -> None:
    removed = appliance.run("apt-get", "remove", "-y", "devcell")
    assert not site_enabled.is_symlink()  # in front of a removed service it would only answer 502
    assert "disabled the nginx site" in removed.stdout
    assert nginx_config_is_valid(nginx).returncode == 0
    output = appliance.apt_install(deb)
    assert site_enabled.is_symlink(), output
    assert site_enabled.resolve() == SITE
    assert "enabled the nginx site again" in output
    assert "(through nginx)" in output  # the address printed is nginx's, which a LAN browser reaches


def test_a_site_link_that_is_not_ours_is_left_alone(installed: str, nginx: Path) -> None:
    own = Path("/etc/nginx/sites-available/devcell-own")
    own.write_text(SITE.read_text())
    SITE_LINK.symlink_to(own)
    try:
        appliance.run("apt-get", "purge", "-y", "devcell")
        assert SITE_LINK.is_symlink()
        assert SITE_LINK.resolve() == own
    finally:
        SITE_LINK.unlink(missing_ok=True)
        own.unlink(missing_ok=True)
