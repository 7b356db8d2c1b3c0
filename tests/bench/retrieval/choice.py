"""Which files of which pinned artefacts make each corpus: the input of `corpora.py --manifest`."""

from __future__ import annotations

from typing import Any

GIT_DOC = "usr/share/doc/git-doc/"
GIT_COMMANDS = [
    "add",
    "am",
    "apply",
    "archive",
    "bisect",
    "blame",
    "branch",
    "bundle",
    "checkout",
    "cherry-pick",
    "clean",
    "clone",
    "commit",
    "credential-cache",
    "credential-store",
    "daemon",
    "describe",
    "diff",
    "fetch",
    "format-patch",
    "fsck",
    "gc",
    "grep",
    "init",
    "log",
    "ls-files",
    "maintenance",
    "merge",
    "mergetool",
    "mv",
    "notes",
    "pull",
    "push",
    "range-diff",
    "rebase",
    "reflog",
    "remote",
    "request-pull",
    "reset",
    "restore",
    "revert",
    "rm",
    "send-email",
    "shortlog",
    "sparse-checkout",
    "stash",
    "status",
    "submodule",
    "switch",
    "tag",
    "worktree",
    "bugreport",
    "help",
    "rev-parse",
]
GIT_GUIDES = [
    "gitattributes",
    "gitcli",
    "gitcore-tutorial",
    "gitcredentials",
    "gitcvs-migration",
    "gitdiffcore",
    "giteveryday",
    "gitfaq",
    "gitglossary",
    "githooks",
    "gitignore",
    "gitk",
    "gitmailmap",
    "gitmodules",
    "gitnamespaces",
    "gitremote-helpers",
    "gitrepository-layout",
    "gitrevisions",
    "gitsubmodules",
    "gittutorial-2",
    "gittutorial",
    "gitworkflows",
]
GIT_HOWTOS = [
    "coordinate-embargoed-releases",
    "keep-canonical-history-correct",
    "maintain-git",
    "new-command",
    "rebase-from-internal-branch",
    "rebuild-from-update-hook",
    "recover-corrupted-blob-object",
    "recover-corrupted-object-harder",
    "revert-a-faulty-merge",
    "revert-branch-rebase",
    "separating-topic-branches",
    "setup-git-server-over-http",
    "update-hook-example",
    "use-git-daemon",
    "using-merge-subtree",
    "using-signed-tag-in-pull-request",
]

PIP_DOCS = "pip-24.2/docs/html/"
PIP_FILES = [
    "getting-started.md", "installation.md", "installing.rst", "quickstart.rst", "user_guide.rst",
    *(f"cli/{n}" for n in (
        "index.md", "pip.rst", "pip_cache.rst", "pip_check.rst", "pip_config.rst", "pip_debug.rst",
        "pip_download.rst", "pip_freeze.rst", "pip_hash.rst", "pip_inspect.rst", "pip_install.rst",
        "pip_list.rst", "pip_search.rst", "pip_show.rst", "pip_uninstall.rst", "pip_wheel.rst",
    )),
    *(f"development/{n}" for n in (
        "architecture/anatomy.rst", "architecture/command-line-interface.rst",
        "architecture/configuration-files.rst", "architecture/overview.rst", "architecture/package-finding.rst",
        "architecture/upgrade-options.rst", "ci.rst", "contributing.rst", "conventions.rst",
        "getting-started.rst", "issue-triage.md", "release-process.rst",
    )),
    *(f"reference/{n}" for n in (
        "build-system/index.md", "build-system/pyproject-toml.md", "build-system/setup-py.md",
        "inspect-report.md", "installation-report.md", "requirement-specifiers.md", "requirements-file-format.md",
    )),
    *(f"topics/{n}" for n in (
        "authentication.md", "caching.md", "configuration.md", "dependency-resolution.md",
        "https-certificates.md", "local-project-installs.md", "more-dependency-resolution.md",
        "python-option.md", "repeatable-installs.md", "secure-installs.md", "vcs-support.md", "workflow.md",
    )),
    *(f"ux-research-design/{n}" for n in (
        "contribute.md", "guidance.md",
        *(f"research-results/{m}.md" for m in (
            "about-our-users", "ci-cd", "improving-pips-documentation", "mental-models",
            "override-conflicting-dependencies", "personas", "pip-force-reinstall", "pip-search",
            "pip-upgrade-conflict", "prioritizing-features", "users-and-security",
        )),
    )),
]  # fmt: skip


def _pip_name(path: str) -> str:
    stem = path.rsplit(".", 1)[0].replace("research-results/", "").replace("/", "-").replace("_", "-")
    return stem + ".md"


CHOICE: dict[str, Any] = {
    "git": {
        "title": "Git's manual: command references, guides and how-tos (Debian git-doc, HTML converted to Markdown)",
        "licence": "GPL-2.0 (Debian copyright of git); fetched, not committed",
        "source": {
            "registry": "debian",
            "package": "git-doc",
            "version": "1:2.39.5-0+deb12u3",
            "filename": "git-doc_2.39.5-0+deb12u3_all.deb",
            "sha256": "3c89668a11053a6bafade3de1f611f4613db31e082af63f43d8c5b69ad8795ec",
        },
        "paths": {
            **{f"git-{c}.md": f"{GIT_DOC}git-{c}.html" for c in GIT_COMMANDS},
            **{f"{g}.md": f"{GIT_DOC}{g}.html" for g in GIT_GUIDES},
            **{f"howto-{h}.md": f"{GIT_DOC}howto/{h}.html" for h in GIT_HOWTOS},
        },
    },
    "pip": {
        "title": "pip's documentation: user guide, topics, CLI and reference, development (PyPI sdist of pip)",
        "licence": "MIT (pip); fetched, not committed",
        "source": {
            "registry": "pypi",
            "package": "pip",
            "version": "24.2",
            "filename": "pip-24.2.tar.gz",
            "sha256": "5b5e490b5e9cb275c879595064adce9ebd31b854e3e803740b72f9ccf34a45b8",
        },
        "paths": {_pip_name(p): PIP_DOCS + p for p in PIP_FILES},
    },
}
