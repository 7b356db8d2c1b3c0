"""Package tests: build devcell.deb once per session, install it on this machine, and always purge it again.

They mutate the machine (apt-get install/purge, a system user), so they run only as root on Debian, and never
where a devcell package or user already exists. Set DEVCELL_PACKAGE_DEB to a built .deb to skip the build;
with DEVCELL_PACKAGE_REQUIRED=1 (CI) a machine that cannot run them is a failure, not a skip.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.package import appliance


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.package)


@pytest.fixture(scope="session")
def machine() -> None:
    reason = appliance.why_not_supported()
    if reason is None:
        return
    if os.environ.get("DEVCELL_PACKAGE_REQUIRED") == "1":
        pytest.fail(f"DEVCELL_PACKAGE_REQUIRED=1 but {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def previous_build(machine: None, request: pytest.FixtureRequest) -> Iterator[appliance.BackgroundBuild | str]:
    """The previous release's package for the upgrade test, started before this checkout's package builds: the
    two PyInstaller runs overlap (each mostly one core), which takes a whole build off the package tests' time.
    Not started when the session has no upgrade test; the value is then, or when it cannot be built, why not."""
    if not any(item.path.name == "test_upgrade.py" for item in request.session.items):
        yield "no upgrade test in this session"
        return
    source, why_not = appliance.previous_release_source()
    if source is None:
        yield why_not
        return
    import build as build_script  # the checkout's build.py (pyproject puts the checkout on sys.path)

    build_script.ensure_build_tools()  # both builds use .venv: install PyInstaller once, before either starts
    build_script.ensure_models()
    base = build_script.package_version(appliance.ROOT).partition("+")[0]
    version = f"{base}+00000000000000.previous"
    log = appliance.PREVIOUS / "build.log"
    started = appliance.BackgroundBuild(log, "--source", str(source), "--out", str(appliance.PREVIOUS_DIST),
                                        "--version", version)  # fmt: skip
    yield started
    started.stop()


@pytest.fixture(scope="session")
def deb(machine: None, previous_build: appliance.BackgroundBuild | str) -> Path:
    """This checkout's package, built once per session (`python3 build.py deb`), or DEVCELL_PACKAGE_DEB. It asks
    for `previous_build` only so that one starts first."""
    given = os.environ.get("DEVCELL_PACKAGE_DEB")
    if given:
        return Path(given).resolve()
    started = os.environ.get("DEVCELL_PACKAGE_BUILD")
    if started:  # `build.py test` in CI started it before its checks (build.py _start_package_build)
        return appliance.wait_for_started_build(Path(started))
    appliance.build_deb()
    assert appliance.DIST_DEB.is_file()
    return appliance.DIST_DEB


@pytest.fixture
def clean_machine(machine: None) -> Iterator[None]:
    """Purges devcell after the test, whatever the test left; the machine is as before it."""
    appliance.purge()
    try:
        yield
    finally:
        appliance.purge()


@pytest.fixture
def installed(deb: Path, clean_machine: None) -> str:
    """devcell.deb installed with apt-get; the value is what the installation printed."""
    return appliance.apt_install(deb)
