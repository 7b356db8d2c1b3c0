"""The arm64 package in a full-system emulated Raspberry-Pi-class machine (issue 20, item 5).

`build.py bench pi_emulated` boots qemu-system-aarch64 (`-M virt`, a Cortex-A72, 3 GiB, 4 CPUs) from a disk
made of an arm64 Debian 12 root (debootstrap with Debian's arm64 kernel and systemd, cached under
build/arm64/guest-root), with Debian's kernel and initrd from that root. A second, read-only disk carries the
arm64 .deb and guest.sh, which devcell-pi-check.service runs at boot: `apt-get install ./devcell.deb` (the guest
has no internet: user-mode networking with restrict=on, so it must install offline), wait for the service, print
the setup code. This side reads the guest's serial console for those `@@pi` lines and then runs the install
smoke test (tests/package/smoke.py: first-run setup, two uploads embedded by the shipped model, a search by
meaning, every health check) through a forwarded port.

The .deb is DEVCELL_PI_DEB or the newest dist/devcell_*_arm64.deb (`python3 build.py deb --arch arm64`);
DEVCELL_PI_CPU picks another CPU model (e.g. `max`) to tell an emulator fault from a build fault. The emulator
runs under nice 19. Everything is slow (TCG emulation): it is a bench scenario, never part of a test run.

Why a full-system emulator for the embedding: under qemu-user 7.2 (the build root) `import onnxruntime` of the
aarch64 wheel segfaults, with QEMU_CPU=cortex-a72 or max, because qemu-user shows arm64 programs the host's x86
/proc/cpuinfo and onnxruntime's CPU detection crashes on it; with an arm64 cpuinfo bind-mounted over it, the same
wheel imports, makes a session and runs the model under qemu-user too (measured 2026-12-05). The build is fine.
"""

from __future__ import annotations

import importlib.util
import json
import os
import queue
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from tests.package import smoke
from tests.serverproc import Client

if TYPE_CHECKING:
    from tests.bench.scenarios import Options, Outcome

ROOT = Path(__file__).resolve().parents[2]
GUEST_SCRIPT = Path(__file__).with_name("pi_emulated_guest.sh")
CHECK_UNIT = "devcell-pi-check.service"
MARK = "@@pi "
GUEST_PORT = 9000
MEMORY_MIB = 3072
CPUS = 4
DISK_SIZE = "6G"
# The guest's fixed address on QEMU's user-mode network (10.0.2.0/24, gateway 10.0.2.2): no DHCP client needed.
NETWORK_UNIT = "[Match]\nName=en* eth*\n\n[Network]\nAddress=10.0.2.15/24\nGateway=10.0.2.2\n"
UNIT = """[Unit]
Description=DevCell emulated-Pi check: install and start the package from the payload disk
Wants=dev-vdb.device network-online.target
After=dev-vdb.device systemd-networkd.service network-online.target

[Service]
Type=simple
ExecStart=/bin/sh -c 'mkdir -p /mnt/payload && mount -o ro /dev/vdb /mnt/payload && exec /bin/sh /mnt/payload/guest.sh'
StandardOutput=journal+console
StandardError=journal+console

[Install]
WantedBy=multi-user.target
"""
# Timers that would take dpkg's lock or the CPU while the check installs (minutes each under emulation).
MASKED = ("apt-daily.timer", "apt-daily-upgrade.timer", "e2scrub_all.timer", "fstrim.timer", "man-db.timer")
# Stop waiting at some point when the guest hangs without a word (a stuck boot): far beyond a slow boot + install.
GUARD_S = 3 * 3600


def _load_arm64() -> ModuleType:
    """packaging/arm64.py (not a package: `packaging` is also a PyPI distribution's name)."""
    spec = importlib.util.spec_from_file_location("devcell_arm64", ROOT / "packaging" / "arm64.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("devcell_arm64", module)
    spec.loader.exec_module(module)
    return module


arm64 = _load_arm64()

GUEST_ROOT = arm64.Recipe(
    "guest",
    (
        "systemd", "systemd-sysv", "udev", "dbus", "kmod", "linux-image-arm64", "initramfs-tools",
        "e2fsprogs", "procps", "curl", "adduser",
        # The package's Depends (dpkg-shlibdeps) names libsqlite3-0 although the package bundles its own copy; a
        # plain Debian 12 has every other library it names, Raspberry Pi OS has this one too. The guest is
        # offline, so apt cannot fetch it there.
        "libsqlite3-0",
    ),
    setup_version=1,
    extra={"unit": UNIT, "network": NETWORK_UNIT, "masked": ",".join(MASKED)},
)  # fmt: skip


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def set_up_guest(root: Path) -> None:
    """After debootstrap: the root file system, a fixed address, the check unit, no timers that take dpkg's lock."""
    _write(root / "etc/fstab", "/dev/vda / ext4 rw,relatime 0 1\n")
    _write(root / "etc/hostname", "devcell-pi\n")
    _write(root / "etc/hosts", "127.0.0.1 localhost\n127.0.1.1 devcell-pi\n")
    _write(root / "etc/systemd/network/10-qemu.network", NETWORK_UNIT)
    _write(root / "etc/systemd/system" / CHECK_UNIT, UNIT)
    for timer in MASKED:
        link = root / "etc/systemd/system" / timer
        link.unlink(missing_ok=True)
        link.symlink_to("/dev/null")
    run = arm64.chroot_command
    subprocess.run(run(root, ["systemctl", "enable", "systemd-networkd", CHECK_UNIT]), check=True)
    subprocess.run(run(root, ["passwd", "-d", "root"]), check=True)  # a serial-console login to debug a guest


def guest_root() -> tuple[Path, float]:
    arm64.ensure_host_tools(arm64.BENCH_HOST_TOOLS)
    root: Path
    seconds: float
    root, seconds = arm64.cached_root(GUEST_ROOT, set_up_guest)
    return root, seconds


@dataclass
class GuestDisk:
    image: Path
    kernel: Path
    initrd: Path


def boot_files(root: Path) -> tuple[Path, Path]:
    """Debian's kernel and initrd in the root's /boot (the newest, when an upgrade left two)."""
    kernels = sorted((root / "boot").glob("vmlinuz-*"))
    initrds = sorted((root / "boot").glob("initrd.img-*"))
    if not kernels or not initrds:
        raise RuntimeError(f"no vmlinuz-*/initrd.img-* in {root / 'boot'}: is linux-image-arm64 installed?")
    return kernels[-1], initrds[-1]


def guest_disk(root: Path) -> GuestDisk:
    """An ext4 image of the guest root (made once per root recipe; booted with snapshot=on, so never changed)."""
    image = arm64.WORK / "guest-disk.raw"
    stamp = image.with_suffix(".key")
    kernel, initrd = boot_files(root)
    if not (image.is_file() and stamp.is_file() and stamp.read_text().strip() == GUEST_ROOT.key()):
        image.unlink(missing_ok=True)
        subprocess.run(["truncate", "-s", DISK_SIZE, str(image)], check=True)
        subprocess.run(["mkfs.ext4", "-q", "-F", "-L", "devcell-pi", "-d", str(root), str(image)], check=True)
        stamp.write_text(GUEST_ROOT.key() + "\n")
    return GuestDisk(image, kernel, initrd)


def payload_disk(deb: Path, work: Path) -> Path:
    """A small ext4 image with the .deb and the guest script (the guest's /dev/vdb)."""
    folder = work / "payload"
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(deb, folder / "devcell.deb")
    shutil.copyfile(GUEST_SCRIPT, folder / "guest.sh")
    image = work / "payload.raw"
    size_mib = deb.stat().st_size // 2**20 + 64
    subprocess.run(["truncate", "-s", f"{size_mib}M", str(image)], check=True)
    subprocess.run(["mkfs.ext4", "-q", "-F", "-d", str(folder), str(image)], check=True)
    return image


def qemu_command(disk: GuestDisk, payload: Path, port: int, cpu: str = "cortex-a72") -> list[str]:
    """A Raspberry-Pi-4-class machine: Cortex-A72, 3 GiB, 4 CPUs, serial console on stdout, the guest's port
    9000 on host 127.0.0.1:port, and no other network (restrict=on: the appliance must work offline)."""
    net = f"user,id=net0,restrict=on,hostfwd=tcp:127.0.0.1:{port}-:{GUEST_PORT}"
    return [
        "nice", "-n", "19", "qemu-system-aarch64",
        "-M", "virt", "-cpu", cpu, "-m", str(MEMORY_MIB), "-smp", str(CPUS), "-accel", "tcg,thread=multi",
        "-kernel", str(disk.kernel), "-initrd", str(disk.initrd),
        "-append", "root=/dev/vda rw console=ttyAMA0 panic=-1",
        "-drive", f"file={disk.image},format=raw,if=virtio,snapshot=on",
        "-drive", f"file={payload},format=raw,if=virtio,readonly=on",
        "-netdev", net, "-device", "virtio-net-pci,netdev=net0,romfile=",  # no option ROM (no firmware boots)
        "-device", "virtio-rng-pci",
        "-display", "none", "-serial", "stdio", "-monitor", "none", "-no-reboot",
    ]  # fmt: skip


def parse_mark(line: str) -> tuple[str, str] | None:
    """`@@pi key value` from the guest's console (anywhere in the line: systemd may prefix it) -> (key, value)."""
    at = line.find(MARK)
    if at < 0:
        return None
    key, _, value = line[at + len(MARK) :].strip().partition(" ")
    return (key, value) if key else None


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Guest:
    """The running emulator: its console lines go to a log file, its `@@pi` marks to a queue."""

    def __init__(self, command: list[str], log: Path) -> None:
        self.started = time.monotonic()
        self.log = log
        self.marks: queue.Queue[tuple[str, str, float]] = queue.Queue()
        self.journal: list[str] = []
        self.process = subprocess.Popen(
            command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
        )
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        with self.log.open("w", encoding="utf-8") as out:
            for raw in self.process.stdout:
                line = raw.decode("utf-8", "replace").rstrip("\r\n")
                out.write(line + "\n")
                out.flush()
                mark = parse_mark(line)
                if mark is not None:
                    if mark[0] in ("journal", "log"):
                        self.journal.append(mark[1])
                    else:
                        self.marks.put((*mark, time.monotonic() - self.started))
        self.marks.put(("exited", str(self.process.wait()), time.monotonic() - self.started))

    def wait_for(self, wanted: str, seen: dict[str, tuple[str, float]]) -> str:
        """Collect marks into seen until `wanted` arrives; a `failed` mark or the emulator's exit raises."""
        deadline = time.monotonic() + GUARD_S
        while wanted not in seen:
            try:
                key, value, at = self.marks.get(timeout=max(1.0, deadline - time.monotonic()))
            except queue.Empty:
                raise RuntimeError(f"no `{wanted}` from the guest in {GUARD_S} s (console: {self.log})") from None
            seen[key] = (value, at)
            if key in ("failed", "exited"):
                tail = "\n".join(self.journal[-30:])
                raise RuntimeError(f"guest {key}: {value} (console: {self.log})\n{tail}")
        return seen[wanted][0]

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()  # the disk is a snapshot: nothing to flush
            try:
                self.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def arm64_deb() -> Path | None:
    given = os.environ.get("DEVCELL_PI_DEB")
    if given:
        return Path(given).resolve() if Path(given).is_file() else None
    built = sorted((ROOT / "dist").glob("devcell_*_arm64.deb"), key=lambda p: p.stat().st_mtime)
    return built[-1] if built else None


def why_skipped() -> str | None:
    if sys.platform != "linux" or os.geteuid() != 0:
        return "needs root on Debian (debootstrap, binfmt_misc, apt-get for qemu)"
    if not Path("/etc/debian_version").is_file():
        return "needs Debian (debootstrap and Debian's qemu packages)"
    if arm64_deb() is None:
        return "no dist/devcell_*_arm64.deb: run `python3 build.py deb --arch arm64` first (or set DEVCELL_PI_DEB)"
    return None


def _timed(call: Callable[[], Any]) -> tuple[Any, float]:
    started = time.perf_counter()
    value = call()
    return value, time.perf_counter() - started


def smoke_over_forward(port: int, setup_code: str) -> dict[str, Any]:
    """tests/package/smoke.py's flow against the guest, with timeouts for an emulated CPU, each step timed."""
    result: dict[str, Any] = {}
    with Client("127.0.0.1", port, timeout=900) as browser:
        body = {"setup_code": setup_code, "username": smoke.ADMIN, "password": smoke.PASSWORD}
        (status, answer), result["setup_s"] = _timed(lambda: browser.request("POST", "/api/setup", body))
        if status != 201:
            raise RuntimeError(f"POST /api/setup answered {status}: {answer}")
    client = Client("127.0.0.1", port, timeout=900)
    try:
        _, result["login_s"] = _timed(lambda: client.login(smoke.ADMIN, smoke.PASSWORD))
        started = time.perf_counter()
        ids = [smoke.upload(client, name, text)["id"] for name, text in smoke.DOCUMENTS.items()]
        for document_id in ids:
            smoke.wait_indexed(client, document_id, timeout=GUARD_S)
        result["first_embedding_s"] = time.perf_counter() - started  # upload + index both (loads the model)
        path = f"/api/search?q={quote(smoke.QUESTION)}&limit=2"
        (status, found), result["search_s"] = _timed(lambda: client.request("GET", path))
        if status != 200:
            raise RuntimeError(f"GET /api/search answered {status}: {found}")
        expected = ids[list(smoke.DOCUMENTS).index(smoke.EXPECTED)]
        result["titles"] = [item["document_title"] for item in found["items"]]
        result["similarity"] = found["items"][0]["similarity"] if found["items"] else None
        if not found["items"] or found["items"][0]["document_id"] != expected:
            raise RuntimeError(f"searching {smoke.QUESTION!r} found {result['titles']}, expected {smoke.EXPECTED}")
        _, result["second_search_s"] = _timed(lambda: client.request("GET", path))
        _, knowledge = client.request("GET", "/api/knowledge/status")
        result["knowledge"] = {key: knowledge.get(key) for key in ("vectors", "model_ready", "problems")}
        result["health"] = smoke.health_checks(client)
    finally:
        client.close()
    return result


def _number(seen: dict[str, tuple[str, float]], key: str) -> float | None:
    try:
        return float(seen[key][0])
    except (KeyError, ValueError):
        return None


def _build_timings(outcome: Outcome) -> None:
    """The last `build.py deb --arch arm64` run's timings (packaging/arm64.py writes them)."""
    if not arm64.TIMINGS.is_file():
        return
    build = json.loads(arm64.TIMINGS.read_text())
    outcome.details["build"] = build
    for key, name in (("bootstrap_s", "build: bootstrap root"), ("venv_s", "build: venv (aarch64 wheels)"),
                      ("freeze_s", "build: PyInstaller freeze"), ("dpkg_deb_s", "build: dpkg-deb -Zxz"),
                      ("deb_total_s", "build: build.py deb in the root")):  # fmt: skip
        if build.get(key) is not None:
            outcome.add(name, round(float(build[key]), 1), "s")


def pi_emulated(options: Options) -> Outcome:
    """The arm64 .deb installed and smoke-tested in a full-system emulated Cortex-A72 (qemu-system-aarch64)."""
    from tests.bench.scenarios import Outcome

    outcome = Outcome()
    outcome.skipped = why_skipped()
    if outcome.skipped:
        return outcome
    deb = arm64_deb()
    assert deb is not None
    _build_timings(outcome)
    work = options.work_dir / "pi_emulated"
    work.mkdir(parents=True)
    root, bootstrap_s = guest_root()
    disk, image_s = _timed(lambda: guest_disk(root))
    payload = payload_disk(deb, work)
    port = free_port()
    cpu = os.environ.get("DEVCELL_PI_CPU", "cortex-a72")
    log = arm64.WORK / "pi-console.log"  # kept after the run (the bench's work folder is temporary)
    outcome.details.update(deb=str(deb), cpu=cpu, memory_mib=MEMORY_MIB, cpus=CPUS, console_log=str(log))
    guest = Guest(qemu_command(disk, payload, port, cpu), log)
    seen: dict[str, tuple[str, float]] = {}
    try:
        guest.wait_for("booted", seen)
        code = guest.wait_for("setup_code", seen)
        guest.wait_for("ready", seen)
        checked = smoke_over_forward(port, code)
    finally:
        guest.stop()
        outcome.details["guest"] = {key: value for key, (value, _) in seen.items() if key != "setup_code"}
        outcome.details["service_log_tail"] = guest.journal[-20:]
    outcome.details["smoke"] = checked
    add = outcome.add
    add("guest root: bootstrap or add packages (0 = cached)", round(bootstrap_s, 1), "s")
    add("guest disk image (0 = cached)", round(image_s, 1), "s")
    add("boot: emulator start -> check unit runs", round(seen["booted"][1], 1), "s")
    add("boot: guest uptime at check unit", _number(seen, "booted") or 0.0, "s")
    add("apt-get install ./devcell.deb (postinst starts it)", round(_number(seen, "install_s") or 0.0, 1), "s")
    add("install done -> /api/health 200 (first start)", round(_number(seen, "install_to_health_s") or 0.0, 1), "s")
    add("systemctl restart -> /api/health 200", round(_number(seen, "health_s") or 0.0, 1), "s")
    add("first-run setup", round(checked["setup_s"], 1), "s")
    add("first embedding: upload + index 2 documents", round(checked["first_embedding_s"], 1), "s")
    add("search (first)", round(checked["search_s"] * 1000), "ms")
    add("search (second)", round(checked["second_search_s"] * 1000), "ms")
    add("search finds the right document", 1.0, "", "1", True)
    return outcome


SCENARIOS = {"pi_emulated": pi_emulated}
