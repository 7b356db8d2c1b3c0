"""A Raspberry Pi's power and temperature, read from sysfs. The service's sandbox (PrivateDevices=yes) hides
/dev/vchiq, so `vcgencmd get_throttled` cannot work there; the firmware's flags and the thermal zones are plain
read-only files under /sys, which the sandbox leaves readable."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

# Raspberry Pi kernels: the firmware's get_throttled word (the same bits as `vcgencmd get_throttled`).
FIRMWARE_FLAGS = "devices/platform/soc/soc:firmware/get_throttled"
# Mainline kernels (Debian's arm64 kernel on a Pi): the raspberrypi-hwmon driver raises this alarm on under-voltage.
HWMON_NAME = "rpi_volt"
HWMON_ALARM = "in0_lcrit_alarm"

UNDER_VOLTAGE = 0x1
FREQUENCY_CAPPED = 0x2
THROTTLED = 0x4
SOFT_TEMPERATURE_LIMIT = 0x8
SINCE_BOOT = 16  # the same four conditions, "has occurred since boot", 16 bits up
MEANINGS = {
    UNDER_VOLTAGE: "under-voltage",
    FREQUENCY_CAPPED: "CPU frequency capped",
    THROTTLED: "throttled",
    SOFT_TEMPERATURE_LIMIT: "soft temperature limit",
}


@dataclass(frozen=True)
class Power:
    """The firmware's flags (bits 0-3 now, 16-19 since boot) and where they were read."""

    flags: int
    source: str

    def now(self) -> list[str]:
        return [text for bit, text in MEANINGS.items() if self.flags & bit]

    def since_boot(self) -> list[str]:
        return [text for bit, text in MEANINGS.items() if self.flags & (bit << SINCE_BOOT)]


def read_power(sys: Path) -> Power | None:
    """The Pi's power flags, or None where neither source exists (not a Pi, or a kernel without either)."""
    firmware = sys / FIRMWARE_FLAGS
    if firmware.is_file():
        try:
            return Power(int(firmware.read_text().strip() or "0", 16), str(firmware))
        except (OSError, ValueError):
            return None
    for hwmon in sorted((sys / "class/hwmon").glob("hwmon*")):
        if _text(hwmon / "name") == HWMON_NAME and (hwmon / HWMON_ALARM).is_file():
            alarm = _text(hwmon / HWMON_ALARM) == "1"
            return Power(UNDER_VOLTAGE if alarm else 0, str(hwmon / HWMON_ALARM))
    return None


@dataclass(frozen=True)
class Temperature:
    celsius: float
    zone: str  # the thermal zone's type, e.g. cpu-thermal


def read_temperature(sys: Path) -> Temperature | None:
    """The hottest thermal zone (on a Pi the CPU's, cpu-thermal), or None without any."""
    found = []
    for zone in sorted((sys / "class/thermal").glob("thermal_zone*")):
        raw = _text(zone / "temp")
        if raw is not None and raw.lstrip("-").isdigit():
            found.append(Temperature(int(raw) / 1000, _text(zone / "type") or zone.name))
    return max(found, key=lambda t: t.celsius, default=None)


def _text(path: Path) -> str | None:
    try:
        return path.read_text().strip()
    except OSError:
        return None
