"""A Raspberry Pi's power flags and temperature, read from a fake sysfs tree the way the kernel lays them out."""

from __future__ import annotations

from pathlib import Path

import pytest
from starlette.applications import Starlette

from devcell.health._pi import read_power, read_temperature
from devcell.health.registry import HEALTH
from tests.conftest import Actor
from tests.health.conftest import findings


def firmware(sys: Path, word: str) -> None:
    """Raspberry Pi kernels: /sys/devices/platform/soc/soc:firmware/get_throttled holds the flags in hex."""
    path = sys / "devices/platform/soc/soc:firmware/get_throttled"
    path.parent.mkdir(parents=True)
    path.write_text(word + "\n")


def zone(sys: Path, n: int, kind: str, millidegrees: int) -> None:
    folder = sys / f"class/thermal/thermal_zone{n}"
    folder.mkdir(parents=True)
    (folder / "type").write_text(kind + "\n")
    (folder / "temp").write_text(f"{millidegrees}\n")


@pytest.fixture
def sys_root(app: Starlette, admin: Actor, tmp_path: Path) -> Path:
    """An empty sysfs tree the health checks read instead of /sys (once the app has started)."""
    root = tmp_path / "sys"
    root.mkdir()
    app.state.need(HEALTH).context.sys = root
    return root


@pytest.mark.parametrize(
    ("word", "severity", "words"),
    [
        ("0x0", "ok", "No under-voltage"),
        ("0x50005", "critical", "Under-voltage now: under-voltage, throttled"),
        ("0x50000", "warning", "Since boot: under-voltage, throttled"),
        ("0x80008", "warning", "Soft temperature limit; since boot: soft temperature limit"),
    ],
)
def test_the_firmware_flags_are_read_from_sysfs(
    sys_root: Path, admin: Actor, word: str, severity: str, words: str
) -> None:
    firmware(sys_root, word)
    found = findings(admin)["power"]
    assert found["severity"] == severity
    assert found["message"].startswith(words), found["message"]
    if severity != "ok" and "under-voltage" in found["message"]:
        assert "power supply" in found["fix"]["label"]


def test_a_mainline_kernels_under_voltage_alarm_counts(sys_root: Path) -> None:
    hwmon = sys_root / "class/hwmon/hwmon1"
    hwmon.mkdir(parents=True)
    (hwmon / "name").write_text("rpi_volt\n")
    (hwmon / "in0_lcrit_alarm").write_text("1\n")
    power = read_power(sys_root)
    assert power is not None
    assert power.now() == ["under-voltage"]


def test_no_pi_no_power_finding(sys_root: Path, admin: Actor) -> None:
    assert findings(admin)["power"]["severity"] == "skipped"


def test_the_hottest_zone_is_the_temperature(sys_root: Path, admin: Actor) -> None:
    zone(sys_root, 0, "gpu-thermal", 51000)
    zone(sys_root, 1, "cpu-thermal", 81200)
    assert read_temperature(sys_root) is not None
    found = findings(admin)["temperature"]
    assert found["severity"] == "warning"
    assert found["message"].startswith("81 °C (cpu-thermal)")
