"""DevCell: a self-hosted team platform shipped as a self-managing appliance."""

from pathlib import Path

SOURCE_VERSION = "0.9.0"
# build.py writes the Debian package's version (0.7.0+<UTC time>.<commit>) into this file of the frozen build, so
# `devcell version`, /api/health and backup manifests name the exact build an admin installed.
PACKAGE_VERSION_FILE = "package_version.txt"


def _version() -> str:
    try:
        built = Path(__file__).with_name(PACKAGE_VERSION_FILE).read_text(encoding="utf-8").strip()
    except OSError:  # a checkout: no file
        return SOURCE_VERSION
    return built or SOURCE_VERSION


__version__ = _version()
