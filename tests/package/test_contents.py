"""What is inside devcell.deb: lintian, paths and modes, conffiles, control fields, scripts and the unit."""

from __future__ import annotations

import functools
import re
import shutil
from pathlib import Path

import pytest

from tests.package import appliance

ROOT = appliance.ROOT


@functools.cache
def contents(deb: Path) -> dict[str, tuple[str, str]]:
    """path -> (mode string, link target) from `dpkg-deb -c`."""
    found = {}
    for line in appliance.run("dpkg-deb", "-c", deb).stdout.splitlines():
        mode, _owner, _size, _date, _time, rest = line.split(None, 5)
        path, _, target = rest.partition(" -> ")
        found[path.removeprefix(".").rstrip("/") or "/"] = (mode, target)
    return found


def test_lintian_finds_nothing_beyond_the_overrides(deb: Path) -> None:
    if shutil.which("lintian") is None:
        pytest.skip("lintian is not installed (apt-get install lintian; .ci/run installs it)")
    result = appliance.run("lintian", "--no-tag-display-limit", deb, check=False)
    tags = [line for line in result.stdout.splitlines() if re.match(r"[EW]: ", line)]
    assert tags == [], "\n".join(tags)


def test_files_are_where_the_design_puts_them(deb: Path) -> None:
    files = contents(deb)
    assert files["/usr/lib/devcell/devcell"][0] == "-rwxr-xr-x"
    assert files["/usr/bin/devcell"] == ("lrwxrwxrwx", "../lib/devcell/devcell")
    for path in (
        "/lib/systemd/system/devcell.service",
        "/etc/devcell/devcell.env",
        "/etc/nginx/snippets/devcell.conf",
        "/etc/nginx/sites-available/devcell",
        "/usr/share/doc/devcell/copyright",
        "/usr/share/doc/devcell/changelog.gz",
        "/usr/share/man/man1/devcell.1.gz",
        "/usr/share/lintian/overrides/devcell",
        "/usr/lib/devcell/_internal/web_dist/index.html",
    ):
        assert files[path][0] == "-rw-r--r--", path
    assert not any(p.startswith("/etc/nginx/sites-enabled") for p in files)


def test_no_file_is_writable_by_others_or_setuid(deb: Path) -> None:
    loose = [p for p, (mode, _) in contents(deb).items() if mode[0] != "l" and (mode[8] == "w" or "s" in mode)]
    assert loose == []


def test_no_dev_tools_or_vcs_files_are_frozen_in(deb: Path) -> None:
    names = contents(deb)
    bad = [p for p in names if re.search(r"/(mypy|_pytest|pytest|playwright|\.git\w*)(/|$)", p)]
    assert bad == []


def test_config_files_are_conffiles(deb: Path, tmp_path: Path) -> None:
    appliance.run("dpkg-deb", "--control", deb, tmp_path)
    conffiles = (tmp_path / "conffiles").read_text().split()
    etc = sorted(p for p, (mode, _) in contents(deb).items() if p.startswith("/etc/") and mode[0] == "-")
    assert sorted(conffiles) == etc


def test_control_fields(deb: Path) -> None:
    version = appliance.deb_version(deb)
    top = (ROOT / "debian" / "changelog").read_text().partition("\n")[0]
    base = re.match(r"devcell \(([^)]+)\)", top)
    assert base is not None
    assert re.fullmatch(re.escape(base.group(1)) + r"\+\d{14}\.(\w{7,}|nogit)", version), version
    field = appliance.run("dpkg-deb", "--field", deb, "Depends", "Recommends", "Suggests").stdout
    assert "adduser" in field
    assert "Recommends" not in field  # a Recommends: nginx would install nginx with every plain `apt install`


def test_maintainer_scripts_are_valid_posix_shell(deb: Path, tmp_path: Path) -> None:
    appliance.run("dpkg-deb", "--control", deb, tmp_path)
    for name in ("postinst", "prerm", "postrm"):
        script = tmp_path / name
        assert script.stat().st_mode & 0o777 == 0o755
        appliance.run("sh", "-n", script)
        if shutil.which("checkbashisms"):
            appliance.run("checkbashisms", script)


def test_unit_runs_the_service_hardened() -> None:
    text = (ROOT / "packaging" / "systemd" / "devcell.service").read_text()
    unit = "\n".join(line for line in text.splitlines() if not line.startswith("#"))
    for required in (
        "Type=notify", "WatchdogSec=", "User=devcell", "StateDirectory=devcell", "Restart=on-failure",
        "EnvironmentFile=/etc/devcell/devcell.env", "Environment=ORT_DISABLE_TELEMETRY=1",
        "ProtectSystem=strict", "NoNewPrivileges=yes", "MemoryDenyWriteExecute=yes", "CapabilityBoundingSet=",
        "SystemCallFilter=@system-service", "RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6",
    ):  # fmt: skip
        assert required in unit, required
    # Measured to break embedding under systemd (stack-notes): never add them.
    assert "~@resources" not in unit
    assert "ProcSubset" not in unit


def test_env_file_documents_every_bootstrap_variable_and_holds_no_secret() -> None:
    env = (ROOT / "packaging" / "devcell.env").read_text()
    source = (ROOT / "src" / "devcell" / "core" / "config.py").read_text()
    for name in set(re.findall(r'"(DEVCELL_[A-Z_]+)"', source)) - {"DEVCELL_SECRET_KEY", "DEVCELL_WEB_DIST"}:
        assert name in env, name
    assert re.search(r"^\s*DEVCELL_SECRET_KEY\s*=", env, re.MULTILINE) is None
    # DESIGN §3: the appliance listens on the LAN by default; nginx setups switch to 127.0.0.1.
    assert re.search(r"^DEVCELL_HOST=0\.0\.0\.0$", env, re.MULTILINE)
