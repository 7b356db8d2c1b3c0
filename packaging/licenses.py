"""debian/copyright for the frozen tree: one stanza per Python distribution and native library that PyInstaller
bundled, generated from its build records so that nothing ships without its licence.

build.py loads this file by path (a module named `packaging` would shadow the PyPI library of that name). Where
things come from: PyInstaller's PYZ-00.toc (pure modules, frozen into the executable) and COLLECT-00.toc (files
on disk under _internal/), each with the path it was copied from; a path inside site-packages belongs to the
distribution whose RECORD lists it, and that distribution's METADATA and licence files say the rest. A native
library that no distribution lists (the interpreter's own: libz, libssl, libstdc++, ...) must be in NATIVE, and
anything else stops the build with its name.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field
from email.parser import HeaderParser
from pathlib import Path

INTERNAL = "usr/lib/devcell/_internal"
EXECUTABLE = "usr/lib/devcell/devcell"
COMMON = "/usr/share/common-licenses"
# Licences Debian ships in /usr/share/common-licenses: referred to, not repeated (lintian asks for that).
COMMON_LICENSES = {"Apache-2.0": "Apache-2.0", "MPL-2.0": "MPL-2.0", "LGPL-2.1+": "LGPL-2.1", "GPL-3+": "GPL-3"}
# What distributions write in their License field or classifier, as the SPDX name.
SPDX = {
    "Apache-Software": "Apache-2.0",
    "Apache License, Version 2.0": "Apache-2.0",
    "Apache License Version 2.0": "Apache-2.0",
    "Apache 2.0": "Apache-2.0",
    "MIT License": "MIT",
    "3-Clause BSD License": "BSD-3-Clause",
    "BSD": "BSD-3-Clause",
}
# Distributions whose metadata names no licence, checked by hand against their licence file.
DECLARED_BY_HAND = {"peewee": "MIT"}


@dataclass(frozen=True)
class Native:
    """A shared library the interpreter or a wheel links against, copied in from the build machine."""

    name: str
    copyright: str
    license: str
    text: str


GCC_EXCEPTION = (
    "GPL-3+ with GCC Runtime Library Exception 3.1: the runtime library may be combined with and distributed as\n"
    "part of a program under any licence. On Debian systems the GPL version 3 is in /usr/share/common-licenses/GPL-3."
)
# Copied from the build machine (Debian 12 and the Python build): soname prefix -> what it is.
NATIVE = {
    "libpython3": Native("CPython", "2001-2026 Python Software Foundation", "PSF-2.0", "See the PSF-2.0 stanza."),
    "libz.so": Native("zlib", "1995-2024 Jean-loup Gailly and Mark Adler", "Zlib", "zlib licence: see zlib.h."),
    "libbz2.so": Native("bzip2", "1996-2019 Julian R Seward", "bzip2-1.0.6", "BSD-style bzip2 licence."),
    "liblzma.so": Native("xz-utils liblzma", "none (public domain)", "public-domain", "liblzma is public domain."),
    "libssl.so": Native("OpenSSL", "1998-2026 The OpenSSL Project Authors", "Apache-2.0", ""),
    "libcrypto.so": Native("OpenSSL", "1998-2026 The OpenSSL Project Authors", "Apache-2.0", ""),
    "libsqlite3.so": Native("SQLite", "none (public domain)", "public-domain", "SQLite is in the public domain."),
    "libffi.so": Native("libffi", "1996-2024 Anthony Green, Red Hat, Inc and others", "Expat", ""),
    "libexpat.so": Native(
        "Expat", "1997-2000 Thai Open Source Software Center Ltd, 2001-2024 Expat maintainers", "Expat", ""
    ),
    "libuuid.so": Native("util-linux libuuid", "1996-2024 Theodore Ts'o and others", "BSD-3-clause", ""),
    "libstdc++.so": Native("GCC libstdc++", "1987-2024 Free Software Foundation, Inc.", "GPL-3+", GCC_EXCEPTION),
    "libgcc_s.so": Native("GCC libgcc", "1987-2024 Free Software Foundation, Inc.", "GPL-3+", GCC_EXCEPTION),
}


@dataclass
class Distribution:
    name: str
    version: str
    metadata: dict[str, str]
    license_texts: list[str]
    classifiers: list[str]
    files: set[str] = field(default_factory=set)  # paths on disk in the package
    modules: set[str] = field(default_factory=set)  # top-level modules frozen into the executable


def _toc(path: Path) -> list[tuple[str, str, str]]:
    data = ast.literal_eval(path.read_text(encoding="utf-8"))
    entries = data[1] if isinstance(data[0], str) else data[0]  # PYZ: (archive, entries); COLLECT: (entries, ...)
    return [tuple(entry) for entry in entries]  # type: ignore[misc]


def _read_distributions(site: Path) -> tuple[dict[Path, str], dict[str, Distribution]]:
    """file path -> distribution name, and the distributions by name, from every *.dist-info in `site`."""
    owner: dict[Path, str] = {}
    found: dict[str, Distribution] = {}
    for info in sorted(site.glob("*.dist-info")):
        meta = HeaderParser().parsestr((info / "METADATA").read_text(encoding="utf-8", errors="replace"))
        name = meta["Name"]
        texts = [p.read_text(encoding="utf-8", errors="replace") for p in _license_files(info)]
        found[name] = Distribution(
            name, meta["Version"], {k: str(v) for k, v in meta.items()}, texts, meta.get_all("Classifier") or []
        )
        record = info / "RECORD"
        for line in record.read_text(encoding="utf-8").splitlines() if record.is_file() else []:
            relative = line.rsplit(",", 2)[0].strip('"')
            owner[(site / relative).resolve()] = name
    return owner, found


def _license_files(info: Path) -> list[Path]:
    candidates = sorted((info / "licenses").rglob("*")) if (info / "licenses").is_dir() else []
    candidates += sorted(p for p in info.iterdir() if re.match(r"(LICEN[CS]E|COPYING|NOTICE)", p.name, re.I))
    return [p for p in candidates if p.is_file()]


def license_of(dist: Distribution) -> str:
    """A short licence name: PEP 639's License-Expression, a one-line License field, or the classifier."""
    found = _declared_license(dist)
    return SPDX.get(found, found)


def _declared_license(dist: Distribution) -> str:
    if dist.name in DECLARED_BY_HAND:
        return DECLARED_BY_HAND[dist.name]
    expression = dist.metadata.get("License-Expression", "").strip()
    if expression:
        return expression
    declared = dist.metadata.get("License", "").strip()
    if declared and "\n" not in declared and len(declared) <= 60 and declared.upper() != "UNKNOWN":
        return declared
    for classifier in dist.classifiers:
        if classifier.startswith("License :: OSI Approved :: "):
            return classifier.rsplit(" :: ", 1)[1].removesuffix(" License").replace(" ", "-")
    raise SystemExit(f"licenses.py: {dist.name} {dist.version} declares no licence; add it to DECLARED_BY_HAND")


def _holders(dist: Distribution) -> str:
    lines = []
    for text in dist.license_texts:
        for line in text.splitlines():
            match = re.match(r"\s*Copyright\s*(?:\(c\)|©)?\s*(.+)", line, re.I)
            # Not the "[yyyy] [name of copyright owner]" of a licence's how-to-apply appendix.
            if match and re.search(r"\d{4}", match.group(1)) and "[" not in match.group(1) and len(line) < 120:
                lines.append(match.group(1).strip())
    if lines:
        return "\n ".join(dict.fromkeys(lines[:6]))
    author = dist.metadata.get("Author") or dist.metadata.get("Author-email") or dist.metadata.get("Maintainer")
    return f"{author or dist.name + ' authors'} and contributors"


def _indent(text: str) -> str:
    """Text as a DEP-5 continuation: every line indented by one space, blank lines as ' .'."""
    lines = [line.rstrip().replace("\t", "    ") for line in text.strip().splitlines()]
    return "\n".join(f" {line}" if line.strip() else " ." for line in lines)


# Full copies of licences Debian ships, inside a distribution's licence file (grpcio's LICENSE carries the Apache
# text, numpy's the GPL of its bundled GCC runtime): each is replaced by a pointer to /usr/share/common-licenses,
# as Policy 12.5 and lintian (copyright-file-contains-full-*-license) ask. (start, end of the terms, how-to tail).
FULL_TEXTS = (
    ("Apache-2.0", r"Apache License\s+Version 2\.0, January 2004", r"limitations under the License\."),
    ("GPL-3", r"GNU GENERAL PUBLIC LICENSE\s+Version 3, 29 June 2007", r"why-not-lgpl\.html>\."),
    ("GPL-2", r"GNU GENERAL PUBLIC LICENSE\s+Version 2, June 1991", r"instead of this License\."),
    ("LGPL-2.1", r"GNU LESSER GENERAL PUBLIC LICENSE\s+Version 2\.1, February 1999", r"That's all there is to it!"),
)


def _without_common_texts(text: str) -> str:
    for name, start, tail in FULL_TEXTS:
        while (begin := re.search(start, text)) is not None:
            end = re.search(r"END OF TERMS AND CONDITIONS", text[begin.end() :])
            if end is None:
                break
            stop = begin.end() + end.end()
            after = re.search(tail, text[stop : stop + 3000])  # the licence's "how to apply" appendix, if copied
            stop += after.end() if after is not None else 0
            text = text[: begin.start()] + f"[The full text of {name} is in {COMMON}/{name}.]" + text[stop:]
    return text


def _license_field(short: str, texts: list[str]) -> str:
    """The licence: a reference to /usr/share/common-licenses for a licence Debian ships (alone), else the
    distribution's own licence files, which carry its copyright notices."""
    if short in COMMON_LICENSES:
        return f"License: {short}\n On Debian systems the full text is in {COMMON}/{COMMON_LICENSES[short]}."
    body = "\n\n".join(map(_without_common_texts, texts)) or f"The {short} licence; no licence text is shipped."
    common = [f"{COMMON}/{path}" for name, path in COMMON_LICENSES.items() if name in short]
    if common:
        body += "\n\nOn Debian systems the full text of " + ", ".join(common) + " is there."
    return f"License: {short}\n{_indent(body)}"


def _globs(paths: set[str]) -> list[str]:
    """One pattern per top-level entry under _internal (a package directory or a single file)."""
    tops = {p.split("/", 1)[0] + ("/*" if "/" in p else "") for p in paths}
    return sorted(f"{INTERNAL}/{top}" for top in tops)


@dataclass
class Bundle:
    """What the frozen tree holds, by origin."""

    distributions: dict[str, Distribution]
    natives: dict[str, set[str]]  # NATIVE key -> files on disk
    unknown: list[str]


def collect(workpath: Path, site: Path) -> Bundle:
    """Attribute every module and file of the PyInstaller build in `workpath` (built from `site`)."""
    owner, known = _read_distributions(site)
    bundle = Bundle({}, {}, [])
    for name, source, _kind in _toc(workpath / "PYZ-00.toc"):
        dist = owner.get(Path(source).resolve())
        if dist is not None:
            bundle.distributions.setdefault(dist, known[dist]).modules.add(name.split(".", 1)[0])
    collected = _toc(workpath / "COLLECT-00.toc")
    by_dest = {dest: owner[Path(src).resolve()] for dest, src, _kind in collected if Path(src).resolve() in owner}
    for dest, source, kind in collected:
        if kind == "EXECUTABLE":  # the bootloader with the PYZ: its own stanza in debian/copyright
            continue
        # A SYMLINK's source is the dest it points at (PyInstaller links a wheel's library into _internal/).
        dist = by_dest.get(source) if kind == "SYMLINK" else by_dest.get(dest)
        if dist is None and ".dist-info/" in dest:  # metadata PyInstaller copied: its distribution's
            dist = next((n for n, d in known.items() if dest.startswith(f"{_normal(n)}-{d.version}.dist-info")), None)
        if dist is not None:
            bundle.distributions.setdefault(dist, known[dist]).files.add(dest)
        else:
            _native_or_ours(bundle, dest, source, site)
    return bundle


def _native_or_ours(bundle: Bundle, dest: str, source: str, site: Path) -> None:
    native = next((key for key in NATIVE if Path(dest).name.startswith(key)), None)
    if native is not None:
        bundle.natives.setdefault(native, set()).add(dest)
    elif not _ours_or_python(dest, source, site):
        bundle.unknown.append(dest)


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "_", name).lower()


def _ours_or_python(dest: str, source: str, site: Path) -> bool:
    """DevCell's own files (src/, web_dist/, the version file), the interpreter's standard library and extension
    modules, and PyInstaller's own files: covered by the fixed stanzas of debian/copyright."""
    if dest.startswith(("devcell/", "web_dist/", "base_library.zip", "python3")):
        return True
    return not Path(source).resolve().is_relative_to(site.resolve()) and "/lib/python3" in source


def stanzas(bundle: Bundle) -> str:
    if bundle.unknown:
        raise SystemExit(
            "licenses.py: no licence is known for these bundled files; add them to NATIVE in packaging/licenses.py: "
            + ", ".join(sorted(bundle.unknown)[:20])
        )
    out: list[str] = []
    for dist in sorted(bundle.distributions.values(), key=lambda d: d.name.lower()):
        files = _globs(dist.files) or [EXECUTABLE]
        where = f" Its modules {', '.join(sorted(dist.modules))} are frozen into {EXECUTABLE}." if dist.modules else ""
        home = dist.metadata.get("Home-page") or ""
        out.append(
            "Files: " + "\n ".join(files) + "\n"
            f"Copyright: {_holders(dist)}\n"
            + _license_field(license_of(dist), dist.license_texts)
            + f"\nComment: Python distribution {dist.name} {dist.version}.{where} {home}".rstrip()
        )
    for key, paths in sorted(bundle.natives.items()):
        native = NATIVE[key]
        field_ = _license_field(native.license, [native.text] if native.text else [])
        out.append(
            "Files: " + "\n ".join(sorted(f"{INTERNAL}/{p}" for p in paths)) + "\n"
            f"Copyright: {native.copyright}\n{field_}\nComment: {native.name}, the build machine's copy."
        )
    return "\n\n".join(out) + "\n"


def copyright_file(base: str, workpath: Path, site: Path) -> str:
    """debian/copyright's fixed part (DevCell, CPython, the bootloader, the web interface, the model) followed by
    the generated stanzas; the standalone License paragraphs of the fixed part stay last."""
    head, marker, tail = base.partition("\n#BUNDLED#\n")
    if not marker:
        raise SystemExit("licenses.py: debian/copyright has no #BUNDLED# line where the generated stanzas go")
    return head.rstrip() + "\n\n" + stanzas(collect(workpath, site)) + "\n" + tail.lstrip()
