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
def deb(machine: None) -> Path:
    """This checkout's package, built once per session (`python3 build.py deb`), or DEVCELL_PACKAGE_DEB."""
    given = os.environ.get("DEVCELL_PACKAGE_DEB")
    if given:
        return Path(given).resolve()
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
