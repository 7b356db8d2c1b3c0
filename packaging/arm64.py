#!/usr/bin/env python3
"""The arm64 package, built on an amd64 machine inside an emulated arm64 Debian 12 root (issue 20, item 5).

python3 build.py deb --arch arm64 [--version V] [--source DIR] [--out DIR]   runs `packaging/arm64.py deb ...`
python3 packaging/arm64.py root build|guest   make (or reuse) one of the cached arm64 roots

PyInstaller does not cross-build, so the package is built the normal way (`python3 build.py deb`) by an arm64
Python inside an arm64 Debian 12 root made with `debootstrap --arch=arm64`, every arm64 program run by
qemu-user through binfmt_misc. It is slow (a venv of aarch64 wheels, the freeze and xz under emulation) and is
not part of a CI run. The roots are cached under build/arm64/ and made again when their recipe (suite, mirror,
variant, the setup steps and their version) changes; packages added to a recipe are installed into the cached root
with apt-get (its emulated venv and PyInstaller cache stay). The checkout is copied into the build root on each
build (tracked and new files, as `build.py deb` sees them; `--source DIR` copies another tree) and the .deb is
copied out to dist/; the default dist/devcell.deb (this machine's architecture) is left alone. The guest root is
the disk of `build.py bench pi_emulated` (tests/bench/pi_emulated.py): Debian's arm64 kernel, systemd, and nothing
of the build's tools.

Host tools come from Debian's apt when missing (debootstrap, qemu-user-static, binfmt-support; qemu-system-arm
for the bench), as .ci/run installs its tools. Standard library only: build.py runs this with the system Python.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
WORK = ROOT / "build" / "arm64"
TIMINGS = WORK / "timings.json"  # the last build's timings, which the bench scenario reports beside its own
MIRROR = "http://deb.debian.org/debian"
SUITE = "bookworm"
# Inside the build root the checkout lives here; its .venv and build/ (PyInstaller cache, model wheels) are kept
# between runs, everything else is replaced by the host checkout's files on each build.
CHECKOUT_IN_ROOT = "srv/devcell"
KEPT_IN_CHECKOUT = (".venv", "build")
BINFMT_CONF = Path("/usr/lib/binfmt.d/qemu-aarch64.conf")
BINFMT_DIR = Path("/proc/sys/fs/binfmt_misc")
CHROOT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
HOST_CA_BUNDLE = "/etc/ssl/certs/ca-certificates.crt"
# The host's network settings a build in the root needs too (not its pip.conf: that may name host folders).
PASSED_ON = ("http_proxy", "https_proxy", "no_proxy", "HTTP_PROXY", "HTTPS_PROXY", "NO_PROXY", "PIP_INDEX_URL")

# command -> Debian package that provides it on the host
BUILD_HOST_TOOLS = {
    "debootstrap": "debootstrap",
    "qemu-aarch64-static": "qemu-user-static",
    "update-binfmts": "binfmt-support",
}
BENCH_HOST_TOOLS = {**BUILD_HOST_TOOLS, "qemu-system-aarch64": "qemu-system-arm", "mkfs.ext4": "e2fsprogs"}


@dataclass(frozen=True)
class Recipe:
    """What an arm64 root is made of. Its key names the cached root: any change rebuilds it."""

    name: str
    include: tuple[str, ...]
    setup_version: int = 1  # bump when the steps run after debootstrap (the recipe's code) change
    suite: str = SUITE
    mirror: str = MIRROR
    variant: str = "minbase"
    extra: dict[str, str] = field(default_factory=dict)

    def describe(self) -> dict[str, object]:
        return {
            "suite": self.suite,
            "mirror": self.mirror,
            "variant": self.variant,
            "include": sorted(self.include),
            "setup": self.setup_version,
            "extra": self.extra,
        }

    def key(self) -> str:
        return hashlib.sha256(json.dumps(self.describe(), sort_keys=True).encode()).hexdigest()[:16]

    def added_since(self, made: dict[str, object]) -> list[str] | None:
        """The packages this recipe adds to the one a root was `made` by, when that is its only change (the root
        is then brought up to date with apt-get, keeping what was built in it: the emulated venv takes long);
        None when anything else changed (the root is made again)."""
        wanted = self.describe()
        old_include = made.get("include")
        if not isinstance(old_include, list) or {**made, "include": None} != {**wanted, "include": None}:
            return None
        added = sorted(set(self.include) - set(old_include))
        return added if set(old_include) <= set(self.include) else None

    def debootstrap_command(self, target: Path) -> list[str]:
        return [
            "debootstrap",
            "--arch=arm64",
            f"--variant={self.variant}",
            f"--include={','.join(self.include)}",
            self.suite,
            str(target),
            self.mirror,
        ]


# What `build.py deb` needs on a Debian 12 machine: Python with venv, the shared libpython PyInstaller bundles,
# objdump (binutils), dpkg-dev (dpkg-architecture, dpkg-shlibdeps), patchelf (RUNPATH clean-up), git (build.py
# asks it for the commit; the copy has no .git, so it answers none), certificates for pip.
BUILD_ROOT = Recipe(
    "build",
    ("python3", "python3-venv", "libpython3.11", "binutils", "dpkg-dev", "patchelf", "git", "ca-certificates"),
)


def say(text: str) -> None:
    print(f"arm64: {text}", flush=True)


def run(*args: str | Path, check: bool = True, **kwargs: object) -> subprocess.CompletedProcess[str]:
    command = [str(a) for a in args]
    print("$ " + " ".join(command), flush=True)
    result = subprocess.run(command, text=True, check=False, **kwargs)  # type: ignore[call-overload]
    if check and result.returncode != 0:
        sys.exit(f"arm64: `{' '.join(command)}` failed with exit code {result.returncode}")
    return result  # type: ignore[no-any-return]


def ensure_host_tools(tools: dict[str, str]) -> None:
    """Install the Debian packages of missing commands with apt-get (as .ci/run does)."""
    missing = sorted({package for command, package in tools.items() if shutil.which(command) is None})
    if not missing:
        return
    if os.geteuid() != 0:
        sys.exit(f"arm64: missing {', '.join(missing)}; run as root (apt-get install) or install them")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    run("apt-get", "update", "-qq", env=env)
    run("apt-get", "install", "-y", "-qq", "--no-install-recommends", *missing, env=env)


def binfmt_rule(conf: str) -> str:
    """The register line of a binfmt.d file: its one non-comment line."""
    lines = [line.strip() for line in conf.splitlines() if line.strip() and not line.lstrip().startswith("#")]
    if len(lines) != 1 or not lines[0].startswith(":qemu-aarch64:"):
        raise ValueError(f"unexpected binfmt.d content: {conf!r}")
    return lines[0]


def ensure_binfmt() -> None:
    """qemu-aarch64 registered with binfmt_misc, so arm64 programs run. Machines without systemd as PID 1 (this
    one) have no systemd-binfmt: mount binfmt_misc and write qemu-user-static's rule into it ourselves. The rule's
    F flag opens the interpreter now, so it works inside the chroot too."""
    entry = BINFMT_DIR / "qemu-aarch64"
    if entry.is_file() and entry.read_text().startswith("enabled"):
        return
    if not (BINFMT_DIR / "register").exists():
        run("mount", "-t", "binfmt_misc", "binfmt_misc", BINFMT_DIR)
    if not entry.exists():
        (BINFMT_DIR / "register").write_text(binfmt_rule(BINFMT_CONF.read_text()) + "\n")
    else:
        entry.write_text("1\n")
    if not entry.read_text().startswith("enabled"):
        sys.exit(f"arm64: could not enable {entry}")
    say("registered qemu-aarch64 with binfmt_misc")


def recipe_stamp(root: Path) -> Path:
    return root / ".devcell-recipe"


def _made_by(root: Path) -> dict[str, object] | None:
    """The recipe (described) a finished root was made by, from its stamp; None for none or an unreadable one."""
    try:
        made = json.loads(recipe_stamp(root).read_text())
    except (OSError, ValueError):
        return None
    return made if isinstance(made, dict) else None


def cached_root(recipe: Recipe, setup: Callable[[Path], None] | None = None) -> tuple[Path, float]:
    """The root of `recipe` under build/arm64/<name>-root, made when missing or made by another recipe.
    Returns (root, seconds spent making it; 0 when cached). `setup(root)` runs once after debootstrap."""
    root = WORK / f"{recipe.name}-root"
    made = _made_by(root)
    added = recipe.added_since(made) if made is not None else None
    if added == []:
        return root, 0.0
    ensure_binfmt()
    if added:
        say(f"adding {', '.join(added)} to the {recipe.name} root")
        started = time.monotonic()
        with mounted(root):
            for command in (["apt-get", "update", "-qq"], ["apt-get", "install", "-y", "-qq", *added]):
                subprocess.run(chroot_command(root, command), check=True)
        recipe_stamp(root).write_text(json.dumps(recipe.describe(), sort_keys=True) + "\n")
        return root, time.monotonic() - started
    partial = root.with_name(root.name + ".partial")
    for old in (partial, root):
        if old.exists():
            unmount_all(old)
            shutil.rmtree(old)
    WORK.mkdir(parents=True, exist_ok=True)
    say(f"bootstrapping the {recipe.name} root ({recipe.key()}): minutes on an idle machine, up to an hour busy")
    started = time.monotonic()
    run("nice", "-n", "19", *recipe.debootstrap_command(partial))
    if setup is not None:
        setup(partial)
    recipe_stamp(partial).write_text(json.dumps(recipe.describe(), sort_keys=True) + "\n")
    partial.rename(root)
    seconds = time.monotonic() - started
    say(f"{recipe.name} root ready in {seconds:.0f} s")
    return root, seconds


def _mounts(root: Path) -> list[tuple[list[str], Path]]:
    return [
        (["-t", "proc", "proc"], root / "proc"),
        (["-t", "sysfs", "sysfs"], root / "sys"),
        (["--bind", "/dev"], root / "dev"),
        (["-t", "devpts", "-o", "newinstance,ptmxmode=0666", "devpts"], root / "dev" / "pts"),
        (["-t", "tmpfs", "tmpfs"], root / "tmp"),
    ]


def unmount_all(root: Path) -> None:
    """Lazily unmount whatever is still mounted under root (a build killed halfway leaves its mounts)."""
    resolved = str(root.resolve())
    with open("/proc/self/mounts", encoding="utf-8") as table:
        points = [line.split()[1] for line in table]
    for point in sorted((p for p in points if p == resolved or p.startswith(resolved + "/")), reverse=True):
        subprocess.run(["umount", "-l", point], check=False)


@contextlib.contextmanager
def mounted(root: Path) -> Iterator[None]:
    """/proc, /sys, /dev, /dev/pts and a fresh /tmp in the root, and the host's resolver and certificate
    authorities for pip (a machine behind a TLS-inspecting proxy trusts its CA only in its own bundle)."""
    shutil.copyfile("/etc/resolv.conf", root / "etc" / "resolv.conf")
    if Path(HOST_CA_BUNDLE).is_file():
        bundle = root / HOST_CA_BUNDLE.lstrip("/")
        bundle.parent.mkdir(parents=True, exist_ok=True)  # a root without ca-certificates (the guest) has no folder
        shutil.copyfile(HOST_CA_BUNDLE, bundle)
    try:
        for options, point in _mounts(root):
            point.mkdir(parents=True, exist_ok=True)
            run("mount", *options, point)
        yield
    finally:
        unmount_all(root)


def chroot_command(root: Path, command: Sequence[str], cwd: str = "/") -> list[str]:
    """`command` run in root under nice 19 (the emulated build shares two cores), with a clean environment."""
    script = f"cd {cwd} && exec " + " ".join(_quote(part) for part in command)
    env = ["env", "-i", f"PATH={CHROOT_PATH}", "HOME=/root", "LANG=C.UTF-8", "ORT_DISABLE_TELEMETRY=1"]
    # pip uses its own certifi bundle unless told: point it at the system bundle (the host's, see mounted()).
    env += [f"PIP_CERT={HOST_CA_BUNDLE}", f"SSL_CERT_FILE={HOST_CA_BUNDLE}"]
    env += [f"{name}={os.environ[name]}" for name in PASSED_ON if name in os.environ]
    return ["nice", "-n", "19", "chroot", str(root), *env, "/bin/sh", "-c", script]


def _quote(text: str) -> str:
    return text if re.fullmatch(r"[\w@%+=:,./-]+", text) else "'" + text.replace("'", "'\\''") + "'"


def checkout_files(source: Path) -> list[str]:
    """The checkout's files as a build sees them: tracked plus new ones that are not ignored (every file of a
    source folder that is not a git checkout, such as a `git archive` export)."""
    if not (source / ".git").exists():
        skipped = (*KEPT_IN_CHECKOUT, "dist", ".venv")
        files = (p for p in source.rglob("*") if p.is_file() and p.relative_to(source).parts[0] not in skipped)
        return sorted(str(p.relative_to(source)) for p in files)
    listed = subprocess.run(
        ["git", "-C", str(source), "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        capture_output=True,
        check=True,
    ).stdout
    return sorted(name for name in listed.decode().split("\0") if name and (source / name).is_file())


def sync_checkout(source: Path, target: Path) -> int:
    """Replace target's files by source's checkout files, keeping target's .venv and build/ (the emulated venv
    and PyInstaller cache take minutes to make). Returns the number of files copied."""
    target.mkdir(parents=True, exist_ok=True)
    for child in target.iterdir():
        if child.name in KEPT_IN_CHECKOUT:
            continue
        if child.is_dir() and not child.is_symlink():
            shutil.rmtree(child)
        else:
            child.unlink()
    names = checkout_files(source)
    for name in names:
        destination = target / name
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source / name, destination, follow_symlinks=False)
    # The pinned model wheels are the same on every architecture (build.py checks their sha256): no download.
    wheels = ROOT / "build" / "model-wheels"
    if wheels.is_dir():
        shutil.copytree(wheels, target / "build" / "model-wheels", dirs_exist_ok=True)
    return len(names)


PREPARE = "import runpy; b = runpy.run_path('build.py'); b['ensure_build_tools'](); b['ensure_models']()"


def _build_version(source: Path) -> str:
    """The version this checkout's build.py gives a build of source (the copy in the root has no .git)."""
    spec = (
        f"import pathlib, runpy; build = runpy.run_path({str(ROOT / 'build.py')!r}); "
        f"print(build['package_version'](pathlib.Path({str(source)!r})))"
    )
    return subprocess.run([sys.executable, "-c", spec], capture_output=True, text=True, check=True).stdout.strip()


def _timed(root: Path, command: Sequence[str], cwd: str, log: Path) -> tuple[float, str]:
    """Run in the root, echo and keep its output; (seconds, output)."""
    started = time.monotonic()
    print("$ (arm64) " + " ".join(command), flush=True)
    process = subprocess.Popen(
        chroot_command(root, command, cwd), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    assert process.stdout is not None
    lines = []
    with log.open("a", encoding="utf-8") as out:
        for line in process.stdout:
            sys.stdout.write(line)
            out.write(line)
            lines.append(line)
    if process.wait() != 0:
        sys.exit(f"arm64: `{' '.join(command)}` failed in the arm64 root (exit {process.returncode}); log: {log}")
    return time.monotonic() - started, "".join(lines)


def seconds_in(output: str, pattern: str) -> float | None:
    """The `in N s` number of build.py's line matching pattern (e.g. 'froze' or 'built')."""
    match = re.search(rf"^{pattern} .* in (\d+) s$", output, re.MULTILINE)
    return float(match.group(1)) if match else None


def build_arm64_deb(out: Path, version: str | None = None, source: Path = ROOT) -> Path:
    """devcell_<version>_arm64.deb in out, built by `python3 build.py deb` from source's files inside the arm64
    build root."""
    ensure_host_tools(BUILD_HOST_TOOLS)
    ensure_binfmt()
    timings: dict[str, float | None] = {}
    started = time.monotonic()
    root, timings["bootstrap_s"] = cached_root(BUILD_ROOT)
    version = version or _build_version(source)
    checkout = root / CHECKOUT_IN_ROOT
    copied = sync_checkout(source, checkout)
    say(f"copied {copied} checkout files into {checkout}")
    inner = "/" + CHECKOUT_IN_ROOT
    log = WORK / "build.log"
    log.write_text("")
    with mounted(root):
        # The architecture check first: build.py names the package after `dpkg --print-architecture`.
        _, arch = _timed(root, ["dpkg", "--print-architecture"], inner, log)
        if arch.strip() != "arm64":
            sys.exit(f"arm64: the root says its architecture is {arch.strip()!r}")
        timings["venv_s"], _ = _timed(root, ["python3", "-c", PREPARE], inner, log)
        deb_s, output = _timed(root, ["python3", "build.py", "deb", "--version", version], inner, log)
    timings["freeze_s"] = seconds_in(output, "froze")
    timings["dpkg_deb_s"] = seconds_in(output, "built")
    timings["deb_total_s"] = round(deb_s, 1)
    built = checkout / "dist" / f"devcell_{version}_arm64.deb"
    if not built.is_file():
        sys.exit(f"arm64: the build in the root did not produce {built}")
    out.mkdir(parents=True, exist_ok=True)
    deb = out / built.name
    shutil.copyfile(built, deb)
    timings["total_s"] = round(time.monotonic() - started, 1)
    record = {"deb": str(deb), "version": version, "size_mib": round(deb.stat().st_size / 2**20, 1), **timings}
    TIMINGS.write_text(json.dumps(record, indent=2) + "\n")
    say(f"built {deb} ({record['size_mib']} MiB); timings: {json.dumps(timings)}")
    return deb


def _options(args: list[str], names: tuple[str, ...]) -> dict[str, str]:
    found: dict[str, str] = {}
    it = iter(args)
    for arg in it:
        key, eq, value = arg.partition("=")
        if key not in names:
            sys.exit(f"arm64: unknown option {arg!r}; expected one of {', '.join(names)}")
        found[key] = value if eq else next(it, "")
    return found


def main(argv: list[str]) -> None:
    os.umask(0o022)
    if argv[:1] == ["deb"]:
        opts = _options(argv[1:], ("--arch", "--version", "--out", "--source"))
        if opts.get("--arch", "arm64") != "arm64":
            sys.exit(f"arm64: only --arch arm64 is emulated here, not {opts['--arch']!r}")
        source = Path(opts["--source"]).resolve() if opts.get("--source") else ROOT
        out = Path(opts["--out"]).resolve() if opts.get("--out") else ROOT / "dist"
        build_arm64_deb(out, opts.get("--version") or None, source)
    elif argv[:2] == ["root", "build"]:
        ensure_host_tools(BUILD_HOST_TOOLS)
        print(cached_root(BUILD_ROOT)[0])
    elif argv[:2] == ["root", "guest"]:
        sys.path.insert(0, str(ROOT))
        from tests.bench.pi_emulated import guest_root

        print(guest_root()[0])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:])
