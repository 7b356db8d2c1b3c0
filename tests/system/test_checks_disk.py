"""system.checks.disk_severity: the disk check's thresholds agree with the request guard's floor."""

from __future__ import annotations

import pytest

from devcell.system.checks import disk_severity

MB = 1024 * 1024
GB = 1024 * MB


@pytest.mark.parametrize(
    ("free", "total", "floor", "expected"),
    [
        (150 * MB, 2 * GB, 200 * MB, "critical"),  # writes refused: critical even with 7 % of a small disk free
        (300 * MB, 2 * GB, 200 * MB, "warning"),  # under twice the floor
        (5 * GB, 100 * GB, 200 * MB, "warning"),  # under 10 %
        (50 * GB, 100 * GB, 200 * MB, "ok"),
        (512 * 1024, 10 * GB, 0, "critical"),  # floor 0, yet nothing fits
        (20 * MB, 100 * MB, 0, "ok"),
    ],
)
def test_disk_severity(free: int, total: int, floor: int, expected: str) -> None:
    assert disk_severity(free, total, floor) == expected
