"""What is inside devcell.deb: lintian, paths and modes, conffiles, control fields, scripts and the unit."""

from __future__ import annotations

import functools
import importlib.metadata
import re
import shutil
import subprocess
import sys
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
        "/usr/share/doc/devcell/examples/nginx-cluster",
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


@pytest.fixture(scope="module")
def unpacked(deb: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The package's files, extracted with dpkg-deb -x."""
    root = tmp_path_factory.mktemp("unpacked")
    appliance.run("dpkg-deb", "-x", deb, root)
    return root


def elf_files(tree: Path) -> list[Path]:
    def is_elf(path: Path) -> bool:
        with path.open("rb") as file:
            return file.read(4) == b"\x7fELF"

    return [p for p in sorted(tree.rglob("*")) if p.is_file() and not p.is_symlink() and is_elf(p)]


def test_depends_has_what_dpkg_shlibdeps_finds_outside_the_bundle(deb: Path, unpacked: Path, tmp_path: Path) -> None:
    (tmp_path / "debian").mkdir()
    (tmp_path / "debian/control").write_text("Source: devcell\n\nPackage: devcell\nArchitecture: any\n")
    elves = elf_files(unpacked / "usr/lib/devcell")
    private = sorted({f"-l{p.parent}" for p in elves if ".so" in p.name})
    found = subprocess.run(
        ["dpkg-shlibdeps", "-O", "--warnings=0", "--ignore-missing-info", *private, *map(str, elves)],
        cwd=tmp_path, capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    needed = {part.split()[0] for part in found.partition("shlibs:Depends=")[2].split(",") if part.strip()}
    depends = appliance.run("dpkg-deb", "--field", deb, "Depends").stdout
    declared = {part.split()[0] for part in depends.replace("|", ",").split(",") if part.strip()}
    assert {"libc6", "zlib1g", "libstdc++6"} <= needed  # ldd shows libz.so.1 and libstdc++.so.6
    # A library the tree bundles is loaded from the tree (PyInstaller's bootloader points the loader there): its
    # system package is not needed, and requiring it made an offline install on a minimal Debian fail.
    bundled = {p.name for p in (unpacked / "usr/lib/devcell").rglob("*")}
    carried = {package for package in needed if shared_libraries(package) & bundled}
    assert {"zlib1g", "libstdc++6", "libsqlite3-0"} <= carried
    assert needed - carried <= declared, sorted(needed - carried - declared)
    assert not carried & declared, sorted(carried & declared)
    assert "libc6" in declared


def shared_libraries(package: str) -> set[str]:
    listed = appliance.run("dpkg", "-L", package).stdout
    return {Path(line).name for line in listed.splitlines() if ".so" in Path(line).name}


def test_no_elf_file_carries_the_build_machines_library_path(unpacked: Path) -> None:
    leaked = {}
    for path in elf_files(unpacked / "usr/lib/devcell"):
        dynamic = appliance.run("objdump", "-p", path).stdout
        paths = re.findall(r"^\s+R(?:UN)?PATH\s+(\S+)", dynamic, re.MULTILINE)
        outside = [e for p in paths for e in p.split(":") if not e.startswith("$ORIGIN")]
        if outside:
            leaked[str(path.relative_to(unpacked))] = outside
    assert leaked == {}


def bundled_distributions(unpacked: Path) -> dict[str, str]:
    """name -> version of every Python distribution with code or files in the frozen tree: top-level modules in
    the executable's archive (pyi-archive_viewer) and entries under _internal/, mapped to distributions by the
    build environment's metadata (importlib.metadata, not the build's records that build.py reads)."""
    internal = unpacked / "usr/lib/devcell/_internal"
    viewer = Path(sys.executable).parent / "pyi-archive_viewer"
    listing = appliance.run(viewer, "-r", "-b", unpacked / "usr/lib/devcell/devcell").stdout
    names = {line.strip().split(".")[0] for line in listing.split("(PYZ):", 1)[1].splitlines() if line.strip()}
    names |= {p.name.split(".")[0] for p in internal.iterdir()}
    owners = importlib.metadata.packages_distributions()
    found = {}
    for name in names - set(sys.stdlib_module_names) - {"devcell"}:
        for dist in owners.get(name, []):
            found[dist] = importlib.metadata.version(dist)
    for info in internal.glob("*.dist-info"):
        meta = importlib.metadata.Distribution.at(info).metadata
        found[meta["Name"]] = meta["Version"]
    return found


def test_copyright_has_a_stanza_for_every_bundled_distribution(unpacked: Path) -> None:
    text = (unpacked / "usr/share/doc/devcell/copyright").read_text()
    bundled = bundled_distributions(unpacked)
    assert {"chromadb", "onnxruntime", "numpy", "tokenizers", "grpcio", "starlette"} <= set(bundled)
    covered = set(re.findall(r"^Comment: Python distribution (\S+) (\S+)\.", text, re.MULTILINE))
    normal = {(re.sub(r"[-_.]+", "-", n).lower(), v) for n, v in covered}
    missing = sorted(f"{n} {v}" for n, v in bundled.items() if (re.sub(r"[-_.]+", "-", n).lower(), v) not in normal)
    assert missing == []
    stanzas = text.split("\n\n")
    for native in ("libstdc++", "libgcc_s", "libz.so", "libbz2", "liblzma", "libscipy_openblas", "libpython3"):
        assert any(native in s.split("\nCopyright:")[0] for s in stanzas if s.startswith("Files:")), native
    assert "usr/share/devcell/models/*" in text
    assert "Apache-2.0" in text.split("usr/share/devcell/models/*", 1)[1].split("\n\n", 1)[0]
    assert "#BUNDLED#" not in text


def test_maintainer_scripts_are_valid_posix_shell(deb: Path, tmp_path: Path) -> None:
    appliance.run("dpkg-deb", "--control", deb, tmp_path)
    for name in ("preinst", "postinst", "prerm", "postrm"):
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
        "EnvironmentFile=-/etc/devcell/devcell.env", "Documentation=man:devcell(1)",
        "Environment=ORT_DISABLE_TELEMETRY=1",
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
