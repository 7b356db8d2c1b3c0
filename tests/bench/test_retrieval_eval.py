"""The retrieval evaluation's question files are well-formed, checked from the manifest alone (no network, no
fetched corpus): every expected or alternate document is a file of its corpus, each corpus has enough questions
of each kind and both splits, and the held-out part is about a quarter."""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

import pytest

from tests.bench.retrieval.corpora import load_manifest, rst_to_markdown
from tests.bench.retrieval_scenario import KINDS, SPLITS, floor_costs, questions, recommend_floor, scores

MANIFEST = load_manifest()
CORPORA = sorted(MANIFEST["corpora"])


def test_the_manifest_pins_each_source_and_lists_40_to_150_files() -> None:
    assert len(CORPORA) >= 2
    for name in CORPORA:
        corpus = MANIFEST["corpora"][name]
        source = corpus["source"]
        assert source["registry"] in ("debian", "pypi")
        assert re.fullmatch(r"[0-9a-f]{64}", source["sha256"]), name
        assert source["version"]
        assert source["filename"]
        files = corpus["files"]
        assert 40 <= len(files) <= 150, (name, len(files))
        assert len({f["name"] for f in files}) == len(files), "file names are document titles: unique"
        assert all(re.fullmatch(r"[0-9a-f]{64}", f["sha256"]) and f["name"].endswith(".md") for f in files)


@pytest.mark.parametrize("corpus", CORPORA)
def test_questions_name_documents_of_their_corpus(corpus: str) -> None:
    names = {f["name"] for f in MANIFEST["corpora"][corpus]["files"]}
    asked: dict[str, Any] = questions(corpus)
    entries = asked["questions"]
    assert len(entries) >= 60
    texts = [e["q"] for e in entries + asked["unanswerable"]]
    assert len(set(texts)) == len(texts), "no question twice"
    for entry in entries:
        assert set(entry) <= {"q", "kind", "expect", "alt", "split"}, entry
        assert entry["kind"] in KINDS, entry
        assert entry["split"] in SPLITS, entry
        assert entry["expect"], entry
        unknown = (set(entry["expect"]) | set(entry.get("alt") or [])) - names
        assert not unknown, (entry["q"], unknown)
    kinds = Counter(e["kind"] for e in entries)
    assert all(kinds[k] >= len(entries) // 4 for k in KINDS), kinds  # about a third each
    held_out = sum(e["split"] == "held-out" for e in entries) / len(entries)
    assert 0.2 <= held_out <= 0.4, held_out
    for kind in KINDS:
        assert any(e["kind"] == kind and e["split"] == "held-out" for e in entries), kind
    unanswerable = asked["unanswerable"]
    assert len(unanswerable) >= 8
    assert all(set(e) == {"q", "split"} and e["split"] in SPLITS for e in unanswerable)


def test_scores_are_at_document_level() -> None:
    records = [
        {"kind": "direct", "expect": ["a.md"], "found": [("a.md", 0.6), ("b.md", 0.4)]},
        {"kind": "paraphrase", "expect": ["a.md"], "alt": ["c.md"], "found": [("b.md", 0.5), ("c.md", 0.4)]},
        {"kind": "section", "expect": ["d.md"], "found": [(f"x{i}.md", 0.3) for i in range(5)] + [("d.md", 0.2)]},
        {"kind": "unanswerable", "found": [("a.md", 0.1)]},
    ]
    assert scores(records) == {"n": 3, "hit@1": 0.333, "hit@5": 0.667, "mrr": round((1 + 0.5 + 1 / 6) / 3, 3)}


def test_the_floor_keeps_all_but_a_small_share_of_correct_hits() -> None:
    sims = {"correct": [0.3] + [0.6] * 99, "other": [0.2, 0.5], "unanswerable": [0.1, 0.25, 0.4],
            "unanswerable_best": [0.4]}  # fmt: skip
    floor = recommend_floor(sims)
    assert floor == 0.57  # dropping the one 0.3 hit costs 1 %, within the 2 % allowed; then the margin
    assert floor_costs(sims, 0.3) == {
        "floor": 0.3, "correct_dropped": 0.0, "other_removed": 0.5, "unanswerable_removed": 0.667,
        "unanswerable_emptied": 0.0,
    }  # fmt: skip


def test_rst_titles_become_markdown_headings() -> None:
    text = "=====\nTitle\n=====\n\nIntro\n\nSection\n-------\n\nBody\n\nSub\n~~~\n"
    assert rst_to_markdown(text).split("\n") == [
        "# Title",
        "",
        "Intro",
        "",
        "## Section",
        "",
        "Body",
        "",
        "### Sub",
        "",
    ]
