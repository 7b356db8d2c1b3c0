#!/usr/bin/env python3
"""DevCell's single entry point for contributors and CI.

python3 build.py serve [--host H] [--port P] [--data-dir D]   run from this checkout (http://127.0.0.1:9000)
python3 build.py test [pytest args]                            lint, types, web freshness, all tests
python3 build.py check                                         lint and types only
python3 build.py web [--check]                                 build src/web into web_dist/ (or verify it)
python3 build.py bench [scenario ...]                          run tests/bench scenarios, write a JSON report
python3 build.py clean                                         remove .venv, caches and build output
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
PYTHON = VENV / "bin" / "python"
REQUIREMENTS = ROOT / "packaging" / "requirements-dev.txt"
STAMP = VENV / ".devcell-requirements"
WEB = ROOT / "src" / "web"
WEB_DIST = ROOT / "web_dist"


def run(*args: str | Path, cwd: Path = ROOT, env: dict[str, str] | None = None) -> None:
    printable = " ".join(str(a) for a in args)
    print(f"$ {printable}", flush=True)
    result = subprocess.run([str(a) for a in args], cwd=cwd, env=env, check=False)
    if result.returncode != 0:
        sys.exit(f"build.py: `{printable}` failed with exit code {result.returncode}")


def _requirements_digest() -> str:
    digest = hashlib.sha256()
    for path in sorted((ROOT / "packaging").glob("requirements*.txt")):
        digest.update(path.read_bytes())
    return digest.hexdigest()


def ensure_venv() -> None:
    """Create .venv and install the pinned requirements when they changed since the last install."""
    if not PYTHON.exists():
        print(f"creating {VENV}", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    wanted = _requirements_digest()
    if STAMP.exists() and STAMP.read_text().strip() == wanted:
        return
    run(PYTHON, "-m", "pip", "install", "--disable-pip-version-check", "-q", "-r", REQUIREMENTS)
    STAMP.write_text(wanted + "\n")


def app_env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT / "src")
    env.setdefault("ORT_DISABLE_TELEMETRY", "1")
    return env


def cmd_serve(args: list[str]) -> None:
    ensure_venv()
    passthrough = {"--host": "127.0.0.1", "--port": "9000", "--data-dir": str(ROOT / "var")}
    rest: list[str] = []
    it = iter(args)
    for arg in it:
        key, eq, value = arg.partition("=")
        if key in passthrough:
            passthrough[key] = value if eq else next(it)
        else:
            rest.append(arg)
    command = [
        str(PYTHON),
        "-m",
        "devcell",
        "--data-dir",
        passthrough["--data-dir"],
        *rest,
        "serve",
        "--host",
        passthrough["--host"],
        "--port",
        passthrough["--port"],
    ]
    print(f"DevCell on http://{passthrough['--host']}:{passthrough['--port']} (data in {passthrough['--data-dir']})")
    os.execve(command[0], command, app_env())


def cmd_cli(args: list[str]) -> None:
    """Run the `devcell` CLI against the checkout's data directory (./var), e.g. `build.py cli setup-code`."""
    ensure_venv()
    command = [str(PYTHON), "-m", "devcell", "--data-dir", str(ROOT / "var"), *args]
    os.execve(command[0], command, app_env())


def cmd_check(args: list[str]) -> None:
    ensure_venv()
    run(PYTHON, "-m", "ruff", "check", "src", "tests", "build.py")
    run(PYTHON, "-m", "ruff", "format", "--check", "src", "tests", "build.py")
    run(PYTHON, "-m", "mypy")


def _npm_build() -> None:
    if shutil.which("npm") is None:
        sys.exit("build.py: npm is needed to build the web interface (Node 20+)")
    run("npm", "ci", "--no-audit", "--no-fund", cwd=WEB)
    run("npm", "run", "check", cwd=WEB)
    run("npm", "test", cwd=WEB)
    run("npm", "run", "build", cwd=WEB)


def _tree_digest(path: Path) -> dict[str, str]:
    return {
        str(p.relative_to(path)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(path.rglob("*"))
        if p.is_file()
    }


def cmd_web(args: list[str]) -> None:
    """Build the frontend; with --check, fail when the committed web_dist/ differs from a fresh build."""
    before = _tree_digest(WEB_DIST) if WEB_DIST.exists() else {}
    _npm_build()
    if "--check" in args:
        after = _tree_digest(WEB_DIST)
        if before != after:
            changed = sorted(set(before.items()) ^ set(after.items()))
            names = sorted({name for name, _ in changed})
            sys.exit(
                "build.py: web_dist/ is stale; run `python3 build.py web` and commit it. Differs: "
                + ", ".join(names[:10])
            )
        print("web_dist/ matches a fresh build")


def cmd_test(args: list[str]) -> None:
    cmd_check([])
    if shutil.which("npm"):
        cmd_web(["--check"])
    else:
        print("npm not found: skipping the web_dist freshness check (CI always runs it)")
    run(PYTHON, "-m", "pytest", *args, env=app_env())


def cmd_bench(args: list[str]) -> None:
    ensure_venv()
    run(PYTHON, ROOT / "tests" / "bench" / "run.py", *args, env=app_env())


def cmd_clean(args: list[str]) -> None:
    for path in (
        VENV,
        ROOT / "dist",
        ROOT / "build",
        ROOT / ".mypy_cache",
        ROOT / ".ruff_cache",
        ROOT / ".pytest_cache",
        WEB / "node_modules",
    ):
        shutil.rmtree(path, ignore_errors=True)


COMMANDS = {
    "serve": cmd_serve,
    "cli": cmd_cli,
    "test": cmd_test,
    "check": cmd_check,
    "web": cmd_web,
    "bench": cmd_bench,
    "clean": cmd_clean,
}


def main() -> None:
    if len(sys.argv) < 2 or sys.argv[1] not in COMMANDS:
        sys.exit(__doc__)
    COMMANDS[sys.argv[1]](sys.argv[2:])


if __name__ == "__main__":
    main()
