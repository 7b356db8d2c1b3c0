"""The pure parts of the arm64 build (packaging/arm64.py) and the emulated-Pi scenario: cache keys, the binfmt
rule, the emulator's command line, the console marks. The slow parts run only in `build.py bench pi_emulated`."""

from __future__ import annotations

import dataclasses
import itertools
from pathlib import Path

from tests.bench import pi_emulated
from tests.bench.pi_emulated import GUEST_ROOT, GuestDisk, arm64, parse_mark, qemu_command
from tests.bench.scenarios import EXPLICIT_ONLY, SCENARIOS

DEBIAN_RULE = (
    "# Debian's qemu-user-static\n"
    ":qemu-aarch64:M::\\x7fELF\\x02\\x01\\x01\\x00:\\xff\\xff:/usr/libexec/qemu-binfmt/aarch64-binfmt-P:POCF\n"
)


def test_a_root_recipe_key_changes_with_what_the_root_is_made_of() -> None:
    recipe = arm64.BUILD_ROOT
    assert recipe.key() == dataclasses.replace(recipe, include=tuple(reversed(recipe.include))).key()
    changed = [
        dataclasses.replace(recipe, include=(*recipe.include, "git")),
        dataclasses.replace(recipe, suite="trixie"),
        dataclasses.replace(recipe, mirror="http://mirror.example/debian"),
        dataclasses.replace(recipe, setup_version=recipe.setup_version + 1),
    ]
    assert len({recipe.key(), *(other.key() for other in changed)}) == 1 + len(changed)


def test_a_root_gets_added_packages_in_place_and_is_made_again_for_anything_else() -> None:
    recipe = arm64.BUILD_ROOT
    made = recipe.describe()
    assert recipe.added_since(made) == []
    more = dataclasses.replace(recipe, include=(*recipe.include, "zstd", "lintian"))
    assert more.added_since(made) == ["lintian", "zstd"]
    assert dataclasses.replace(recipe, include=recipe.include[1:]).added_since(made) is None
    assert dataclasses.replace(recipe, suite="trixie").added_since(made) is None
    assert dataclasses.replace(recipe, setup_version=9, include=(*recipe.include, "zstd")).added_since(made) is None
    assert recipe.added_since({"include": "not a list"}) is None


def test_the_guest_root_key_covers_its_setup_files() -> None:
    other_unit = dataclasses.replace(GUEST_ROOT, extra={**GUEST_ROOT.extra, "unit": "[Unit]\n"})
    assert other_unit.key() != GUEST_ROOT.key()
    assert "linux-image-arm64" in GUEST_ROOT.include
    assert "python3" not in GUEST_ROOT.include


def test_debootstrap_builds_an_arm64_minbase_root() -> None:
    command = arm64.BUILD_ROOT.debootstrap_command(Path("/r"))
    assert command[:3] == ["debootstrap", "--arch=arm64", "--variant=minbase"]
    assert command[-3:] == ["bookworm", "/r", arm64.MIRROR]
    assert "python3-venv" in command[3].removeprefix("--include=").split(",")


def test_the_binfmt_rule_is_the_one_line_of_qemus_file() -> None:
    assert arm64.binfmt_rule(DEBIAN_RULE).startswith(":qemu-aarch64:M::")
    for wrong in ("", ":qemu-arm:M::x:y:/q:F\n", DEBIAN_RULE + DEBIAN_RULE):
        try:
            arm64.binfmt_rule(wrong)
        except ValueError:
            continue
        raise AssertionError(f"accepted {wrong!r}")


def test_chroot_commands_run_niced_with_a_clean_environment_and_quoted() -> None:
    command = arm64.chroot_command(Path("/r"), ["python3", "-c", "print('a b')"], "/srv/devcell")
    assert command[:5] == ["nice", "-n", "19", "chroot", "/r"]
    assert "env" in command
    assert "-i" in command
    assert command[-1] == "cd /srv/devcell && exec python3 -c 'print('\\''a b'\\'')'"


def test_build_timings_come_from_build_pys_lines() -> None:
    output = "froze /srv/devcell/dist/devcell in 812 s\nbuilt /x/devcell_1_arm64.deb (150.2 MiB) and /x/d.deb in 95 s\n"
    assert arm64.seconds_in(output, "froze") == 812.0
    assert arm64.seconds_in(output, "built") == 95.0
    assert arm64.seconds_in("nothing", "froze") is None


def test_a_source_folder_without_git_is_copied_without_build_output(tmp_path: Path) -> None:
    for name in ("build.py", "src/devcell/x.py", ".venv/bin/python", "build/models/m", "dist/d.deb"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x")
    assert arm64.checkout_files(tmp_path) == ["build.py", "src/devcell/x.py"]


def test_the_emulated_pi_is_a_cortex_a72_with_only_the_forwarded_port() -> None:
    disk = GuestDisk(Path("/w/disk.raw"), Path("/w/vmlinuz"), Path("/w/initrd.img"))
    command = qemu_command(disk, Path("/w/payload.raw"), 45678)
    assert command[:4] == ["nice", "-n", "19", "qemu-system-aarch64"]
    pairs = dict(itertools.pairwise(command))
    assert pairs["-M"] == "virt"
    assert pairs["-cpu"] == "cortex-a72"
    assert 2048 <= int(pairs["-m"]) <= 4096
    assert pairs["-smp"] == "4"
    assert "restrict=on" in pairs["-netdev"]
    assert "hostfwd=tcp:127.0.0.1:45678-:9000" in pairs["-netdev"]
    drives = [command[i + 1] for i, part in enumerate(command) if part == "-drive"]
    assert drives == [
        "file=/w/disk.raw,format=raw,if=virtio,snapshot=on",
        "file=/w/payload.raw,format=raw,if=virtio,readonly=on",
    ]
    assert "-cpu" in qemu_command(disk, Path("/p"), 1, cpu="max")


def test_console_marks_are_found_behind_systemds_prefixes() -> None:
    assert parse_mark("@@pi booted 41.20") == ("booted", "41.20")
    assert parse_mark("[  54.1] sh[311]: @@pi setup_code ABCD-1234\r") == ("setup_code", "ABCD-1234")
    assert parse_mark("@@pi ready") == ("ready", "")
    assert parse_mark("Debian GNU/Linux 12 devcell-pi ttyAMA0") is None


def test_the_scenario_runs_only_when_named() -> None:
    assert "pi_emulated" in SCENARIOS
    assert "pi_emulated" in EXPLICIT_ONLY
    assert pi_emulated.GUEST_SCRIPT.is_file()
