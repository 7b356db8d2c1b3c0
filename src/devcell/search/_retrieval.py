"""Retrieval: hybrid search (vectors + the keyword index, fused by reciprocal rank), scope-filtered, one passage
per document with its neighbours; and the prompt for cited answers. The keyword index is SQLite's FTS5 table
chunk_fts, or on PostgreSQL the tsvector column chunk.keywords (same meaning: stems, rare words, best first)."""

from __future__ import annotations

import logging
import math
import re
import time
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import orjson

from devcell import prompt_texts
from devcell.core.db import is_postgresql, run_sql, transaction
from devcell.core.llm import estimate_tokens
from devcell.projects import service as projects
from devcell.search import indexing
from devcell.search._index import is_index_failure
from devcell.search._remote import KnowledgeWorkerGone
from devcell.search.runtime import Knowledge
from devcell.search.schemas import Citation, Passage, SearchOut

if TYPE_CHECKING:
    from devcell.core.auth import Principal

log = logging.getLogger(__name__)

CANDIDATES = 40  # per retriever, before fusion and de-duplication
RRF_K = 60
# Measured with `build.py bench retrieval` (tuning split only; the numbers are in the changelog for 0.6.0):
# - the keyword side counts for less than the vectors. Its rare words pick good passages, but at equal weight
#   a word shared by the wrong document outvoted the meaning (pip MRR 0.741 at 1.0, 0.784 at 0.3); at 0.3 a
#   passage holding the question's rarest word still lifts a document the vectors place in their top 25;
# - a document is scored by its best passage plus, at DOC_DECAY each, up to DOC_PASSAGES - 1 more that are
#   nearly as close to the question (cosine at least DOC_CLOSE times the best passage found's): a document
#   that answers in several places beats one that shares a single phrase (pip MRR 0.763 -> 0.824, git 0.735 ->
#   0.805 against the best passage alone). Without that condition a small knowledgebase, where every passage
#   is a candidate, ranked long documents first just for being long; a ratio, not a difference, because each
#   model's cosines spread differently.
KEYWORD_WEIGHT = 0.3
DOC_PASSAGES = 3
DOC_DECAY = 0.5
DOC_CLOSE = 0.7
CONTEXT_CHARS = 1600
_WORD = re.compile(r"\w{2,}")
RARE_TERMS = 6
RARE_SHARE = 0.02  # a word in more than 2 % of the passages does not help the lexical side
RARE_MIN = 50
STOPWORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "by",
        "can",
        "do",
        "does",
        "for",
        "from",
        "has",
        "have",
        "how",
        "i",
        "if",
        "in",
        "is",
        "it",
        "its",
        "my",
        "of",
        "on",
        "or",
        "our",
        "so",
        "that",
        "the",
        "their",
        "there",
        "this",
        "to",
        "was",
        "we",
        "what",
        "when",
        "where",
        "which",
        "who",
        "why",
        "will",
        "with",
        "you",
        "your",
    ]
)

SYSTEM_PROMPT = prompt_texts.ASK_SYSTEM


def _scope(principal: Principal, project: int | None) -> set[int] | None:
    """Project ids whose documents the caller may retrieve (None: all); `project` narrows to one (plus everyone's)."""
    seen = projects.visible_project_ids(principal)
    if project is None:
        return seen
    projects.check_project(principal, project)
    return {project}


def _stems(words: list[str]) -> dict[str, str]:
    """Each word's Porter stem, as the keyword index stores it: SQLite's own tokenizer, run over the words in a
    per-connection temporary table (nothing on disk, no write lock)."""
    run_sql("CREATE VIRTUAL TABLE IF NOT EXISTS temp.question_words USING fts5(word, tokenize='porter unicode61')")
    run_sql("CREATE VIRTUAL TABLE IF NOT EXISTS temp.question_stems USING fts5vocab(temp, question_words, 'instance')")
    run_sql("DELETE FROM temp.question_words")
    for position, word in enumerate(words, start=1):
        run_sql("INSERT INTO temp.question_words (rowid, word) VALUES (?, ?)", (position, word))
    found = run_sql("SELECT doc, term FROM temp.question_stems").fetchall()
    run_sql("DELETE FROM temp.question_words")
    return {words[int(doc) - 1]: str(term) for doc, term in found}


def _question_words(text: str) -> list[str]:
    """The question's distinct words that may carry meaning, in order (at most 32)."""
    return list(dict.fromkeys(w for w in _WORD.findall(text.lower()) if w not in STOPWORDS))[:32]


def _rare_terms(text: str) -> list[str]:
    """The question's words whose stems few passages contain, rarest first (one word per stem; MATCH stems it as
    the index did). Common words make FTS5 score most of the table (100 ms at 100,000 passages); exact names,
    codes and rare words are what the lexical side is for."""
    words = _question_words(text)
    if not words:
        return []
    word_of = {stem: word for word, stem in reversed(_stems(words).items())}  # the first word of each stem
    if not word_of:
        return []
    run_sql(
        "CREATE VIRTUAL TABLE IF NOT EXISTS temp.chunk_terms USING fts5vocab(main, chunk_fts, 'row')"
    )  # per connection, nothing on disk
    marks = ",".join("?" * len(word_of))
    found = run_sql(
        f"SELECT term, doc FROM temp.chunk_terms WHERE term IN ({marks})",  # noqa: S608 - only ? marks
        list(word_of),
    ).fetchall()
    # Passages ever written (sqlite_sequence; no count over the table): the scale for "rare".
    row = run_sql("SELECT seq FROM sqlite_sequence WHERE name = 'chunk'").fetchone()
    total = max(1, int(row[0]) if row else 1)
    ranked = sorted(((int(n), word_of[str(t)]) for t, n in found), key=lambda pair: pair[0])
    return [word for n, word in ranked if n <= max(RARE_MIN, total * RARE_SHARE)][:RARE_TERMS]


def _scope_sql(scope: set[int] | None) -> tuple[str, list[Any]]:
    """The condition on document `d` keeping the caller's scope, with its parameters."""
    if scope is None:
        return "", []
    if not scope:
        return " AND d.project_id IS NULL", []
    marks = ",".join("?" * len(scope))
    return f" AND (d.project_id IS NULL OR d.project_id IN ({marks}))", sorted(scope)


def _lexical(question: str, scope: set[int] | None, project_only: bool) -> list[int]:
    if is_postgresql():
        return _lexical_postgresql(question, scope)
    terms = _rare_terms(question)
    if not terms:
        return []
    match = " OR ".join(f'"{t}"' for t in terms)
    sql = (
        "SELECT c.id FROM chunk_fts f JOIN chunk c ON c.id = f.rowid JOIN document d ON d.id = c.document_id "
        "WHERE chunk_fts MATCH ?"
    )
    where, params = _scope_sql(scope)
    sql += where + " ORDER BY bm25(chunk_fts) LIMIT ?"
    return [int(r[0]) for r in run_sql(sql, [match, *params, CANDIDATES]).fetchall()]


# PostgreSQL's keyword index: chunk.keywords = the heading's lexemes (weight A) || the text's (weight D), English
# stemming (core/migrations/postgresql.py). Words reach SQL only as lexemes quoted for tsquery (see tsquery_lexeme).
# ts_rank's weights {D, C, B, A}: a heading word counts a little more than a text word (FTS5's bm25 weighs the two
# columns alike, and a short heading already scores high there).
_RANK_WEIGHTS = "{0.5, 0.5, 0.5, 1.0}"


def tsquery_lexeme(lexeme: str) -> str:
    """`lexeme` as one quoted tsquery operand: nothing in it (quotes, &, |, !, :, *, parentheses, backslashes) is
    read as tsquery syntax."""
    return "'" + lexeme.replace("\\", "\\\\").replace("'", "''") + "'"


def _stems_postgresql(words: list[str]) -> dict[str, str]:
    """Each stem of the words, as the keyword index stores it (to_tsvector('english') of the word alone: the same
    parser and dictionaries as the index), mapped to the first word giving it. English stop words give none."""
    found = run_sql(
        "SELECT v.lexeme, w.n FROM unnest(?::text[]) WITH ORDINALITY AS w(word, n), "
        "unnest(to_tsvector('english', w.word)) AS v ORDER BY w.n",
        (words,),
    ).fetchall()
    word_of: dict[str, str] = {}
    for lexeme, n in found:
        word_of.setdefault(str(lexeme), words[int(n) - 1])
    return word_of


def _rare_terms_postgresql(text: str) -> tuple[list[tuple[str, int]], int]:
    """The question's stems that few passages contain, rarest first, with how many passages hold each (as
    _rare_terms), and the passages there are (the scale for "rare"). A stem's passages are counted only up to the
    rarity limit: a common word costs no more than a rare one, and no statistics over the whole table are needed."""
    words = _question_words(text)
    stems = list(_stems_postgresql(words)) if words else []
    if not stems:
        return [], 1
    # Passages ever written, about (max id through the primary key; no count over the table): the scale for "rare".
    row = run_sql("SELECT max(id) FROM chunk").fetchone()
    total = max(1, int(row[0]) if row and row[0] is not None else 1)
    limit = int(max(RARE_MIN, total * RARE_SHARE))
    # One subquery per stem, each with its stem as a constant: the planner then picks, per stem, the GIN index (a
    # rare stem) or a scan that stops at the limit (a common one); a stem from a column would get one plan for all,
    # a bitmap of every passage holding a common word.
    count = "(SELECT count(*) FROM (SELECT 1 FROM chunk WHERE keywords @@ ?::tsquery LIMIT ?) s)"
    params: list[Any] = []
    for stem in stems:
        params += [tsquery_lexeme(stem), limit + 1]
    counts = run_sql("SELECT " + ", ".join([count] * len(stems)), params).fetchone()
    ranked = sorted(zip((int(n) for n in counts), stems, strict=True), key=lambda pair: pair[0])
    return [(stem, n) for n, stem in ranked if 0 < n <= limit][:RARE_TERMS], total


def _lexical_postgresql(question: str, scope: set[int] | None) -> list[int]:
    """The passages holding the question's rare stems, best first: each stem's ts_rank weighted by its rarity
    (log of passages per passage holding it, as bm25's idf), so the rarest word counts most, as on SQLite."""
    terms, total = _rare_terms_postgresql(question)
    if not terms:
        return []
    score = " + ".join(f"ts_rank('{_RANK_WEIGHTS}', c.keywords, ?::tsquery) * ?" for _ in terms)
    params: list[Any] = []
    for stem, count in terms:
        params += [tsquery_lexeme(stem), math.log(1 + total / count)]
    where, scope_params = _scope_sql(scope)
    sql = (
        f"SELECT c.id FROM chunk c JOIN document d ON d.id = c.document_id WHERE c.keywords @@ ?::tsquery{where} "  # noqa: S608 - only ? marks
        f"ORDER BY {score} DESC, c.id LIMIT ?"
    )
    match = " | ".join(tsquery_lexeme(stem) for stem, _ in terms)
    return [int(r[0]) for r in run_sql(sql, [match, *scope_params, *params, CANDIDATES]).fetchall()]


def _fuse(*rankings: tuple[Iterable[int], float]) -> dict[int, float]:
    """Weighted reciprocal rank fusion of (ranking, weight) pairs."""
    scores: dict[int, float] = {}
    for ranking, weight in rankings:
        for rank, chunk_id in enumerate(ranking):
            scores[chunk_id] = scores.get(chunk_id, 0.0) + weight / (RRF_K + rank + 1)
    return scores


def _by_document(fused: dict[int, float], rows: dict[int, dict[str, Any]], similarity: dict[int, float]) -> list[int]:
    """The passages grouped by document, best document first, each document's best passage first. A document
    scores its best passage plus DOC_DECAY-weighted ones at least DOC_CLOSE times as close to the question as
    the best passage found (`similarity`: cosine of the vector side's passages; keyword-only passages never add)."""
    per_document: dict[int, list[int]] = {}
    for chunk_id in sorted(rows, key=lambda c: -fused[c]):
        per_document.setdefault(rows[chunk_id]["document_id"], []).append(chunk_id)
    close = max(similarity.values(), default=0.0) * DOC_CLOSE

    def score(chunk_ids: list[int]) -> float:
        more = [c for c in chunk_ids[1:] if similarity.get(c, -1.0) >= close][: DOC_PASSAGES - 1]
        return fused[chunk_ids[0]] + sum(fused[c] * DOC_DECAY ** (n + 1) for n, c in enumerate(more))

    ordered = sorted(per_document.values(), key=lambda ids: (-score(ids), ids[0]))
    return [chunk_id for chunk_ids in ordered for chunk_id in chunk_ids]


def _rows(chunk_ids: list[int], scope: set[int] | None) -> dict[int, dict[str, Any]]:
    """Chunk rows with their document, re-checked against the caller's scope (SQLite is the authority)."""
    if not chunk_ids:
        return {}
    marks = ",".join("?" * len(chunk_ids))
    columns = "c.id, c.document_id, c.seq, c.heading, c.page, c.text, d.title, d.kind, d.project_id"
    sql = f"SELECT {columns} FROM chunk c JOIN document d ON d.id = c.document_id WHERE c.id IN ({marks})"  # noqa: S608
    out = {}
    for row in run_sql(sql, chunk_ids).fetchall():
        project_id = row[8]
        if scope is not None and project_id is not None and project_id not in scope:
            continue
        out[int(row[0])] = dict(
            zip(("id", "document_id", "seq", "heading", "page", "text", "title", "kind"), row[:8], strict=True)
        )
    return out


def _context(row: dict[str, Any]) -> str:
    """The passage with the chunks just before and after it in its document and on its page."""
    found = run_sql(
        "SELECT seq, text FROM chunk WHERE document_id = ? AND seq BETWEEN ? AND ? ORDER BY seq",
        (row["document_id"], row["seq"] - 1, row["seq"] + 1),
    ).fetchall()
    parts = [str(text) for _, text in found]
    joined = "\n\n".join(parts)
    if len(joined) <= CONTEXT_CHARS:
        return joined
    return str(row["text"])


def _nearest(index: Any, vector: Any, scope: set[int] | None, limit: int) -> list[tuple[str, float]]:
    """The nearest passages the caller may see. Fast path: the index unfiltered, then the scope from SQLite;
    only when that leaves fewer than `limit` (the caller sees little of what is near) ask the index with the
    scope as a filter, which is slower."""
    similar = index.query(vector, CANDIDATES * 2, None)
    if scope is None:
        return list(similar[:CANDIDATES])
    with transaction():
        seen = _rows([int(i[1:]) for i, _ in similar], scope)
    visible = [(i, s) for i, s in similar if int(i[1:]) in seen]
    if len(visible) >= limit:
        return visible[:CANDIDATES]
    return list(index.query(vector, CANDIDATES, scope))


def _semantic(kn: Knowledge, vector: Any, scope: set[int] | None, limit: int) -> list[tuple[str, float]] | None:
    """The vector side, or None when chroma failed (an exception or a panic in its Rust layer): then the rebuild
    has started and the caller answers from the keyword index alone. Never a 500 for a damaged index."""
    if kn.verifying:
        return None  # the index is being checked against a restored database: not to be trusted until then
    if kn.outage_checked_at is not None and indexing.settle(kn) is not None:
        return None  # the Chroma server did not answer: tried again every few seconds, not on every search
    try:
        indexing.ensure_index(kn)
    except KnowledgeWorkerGone as exc:
        indexing.index_failed(kn, exc, "opening")
        return None
    try:
        found = _nearest(kn.index(), vector, scope, limit)
    except BaseException as exc:
        if not is_index_failure(exc):
            raise
        indexing.index_failed(kn, exc, "searching")
        return None
    indexing.rebuild_if_reset(kn)
    return found


def _stored_vectors(kn: Knowledge, chunk_ids: list[int]) -> dict[int, Any]:
    """Vectors of passages found only by keywords, to show their similarity; empty when chroma fails."""
    if not chunk_ids:
        return {}
    try:
        found = kn.index().vectors([indexing.vector_id(c) for c in chunk_ids])
    except BaseException as exc:
        if not is_index_failure(exc):
            raise
        indexing.index_failed(kn, exc, "reading vectors")
        return {}
    return {int(vid[1:]): vec for vid, vec in found.items()}


def _similarity(
    kn: Knowledge, chosen: list[dict[str, Any]], known: dict[int, float], vector: Any
) -> list[float | None]:
    """Cosine similarity of each chosen passage to the question: from the search, from the stored vector, or (a
    passage the index does not have, e.g. while it is rebuilt) by embedding the passage itself (at most `limit`
    short texts, ~10 ms each here). None where it cannot be measured: the knowledge worker is down."""
    if vector is None:
        return [None] * len(chosen)
    stored = _stored_vectors(kn, [r["id"] for r in chosen if r["id"] not in known])
    scores = dict(known) | {c: float(v @ vector) for c, v in stored.items()}
    unknown = [r for r in chosen if r["id"] not in scores]
    if unknown:
        texts = [f"{r['heading']}\n{r['text']}" if r["heading"] else str(r["text"]) for r in unknown]
        try:
            for row, vec in zip(unknown, kn.embedder().embed(texts), strict=True):
                scores[row["id"]] = float(vec @ vector)
        except KnowledgeWorkerGone as exc:
            log.warning("search: %s; the similarity of %d keyword passage(s) is not measured", exc, len(unknown))
    return [_rounded(scores.get(r["id"])) for r in chosen]


def _rounded(score: float | None) -> float | None:
    return None if score is None else round(min(1.0, max(0.0, score)), 4)


def _question_vector(kn: Knowledge, question: str) -> Any | None:
    """The question's vector; None while the knowledge worker is down (search answers from keywords)."""
    try:
        return kn.embedder().embed([question])[0]
    except KnowledgeWorkerGone as exc:
        log.warning("search: %s; answering from keywords", exc)
        return None


def _choose(ranked: list[int], rows: dict[int, dict[str, Any]], limit: int) -> list[dict[str, Any]]:
    """One passage per document, and no identical text twice (copies of one file), best first."""
    chosen: list[dict[str, Any]] = []
    seen_docs: set[int] = set()
    seen_text: set[str] = set()
    for chunk_id in ranked:
        row = rows.get(chunk_id)
        if row is None or row["document_id"] in seen_docs or row["text"] in seen_text:
            continue
        seen_docs.add(row["document_id"])
        seen_text.add(row["text"])
        chosen.append(row)
        if len(chosen) == limit:
            break
    return chosen


def search(kn: Knowledge, principal: Principal, question: str, limit: int, project: int | None = None) -> SearchOut:
    """Hybrid search. `degraded` in the answer: the index failed or is being rebuilt, so the passages come from
    the keyword index (plus whatever the index already holds again)."""
    started = time.perf_counter()
    scope = _scope(principal, project)
    vector = _question_vector(kn, question)
    embedded = time.perf_counter()
    similar = _semantic(kn, vector, scope, limit) if vector is not None else None
    degraded = similar is None or indexing.settle(kn) is not None
    similar = similar or []
    searched = time.perf_counter()
    with transaction():
        lexical = _lexical(question, scope, project is not None)
        known = {int(i[1:]): s for i, s in similar}
        fused = _fuse((list(known), 1.0), (lexical, KEYWORD_WEIGHT))
        rows = _rows(list(fused), scope)
        chosen = _choose(_by_document(fused, rows, known), rows, limit)
        contexts = [_context(row) for row in chosen]
    scores = _similarity(kn, chosen, known, vector)
    passages = [
        Passage(
            chunk_id=row["id"], document_id=row["document_id"], document_title=row["title"], kind=row["kind"],
            heading=row["heading"], page=row["page"], text=row["text"], context=context, similarity=score,
        )
        for row, context, score in zip(chosen, contexts, scores, strict=True)
    ]  # fmt: skip
    took = time.perf_counter() - started
    kn.rag_log.info(
        orjson.dumps({
            "event": "search", "user_id": principal.user_id, "question": question[:500],
            "chunks": [p.chunk_id for p in passages], "similarity": [p.similarity for p in passages],
            "vector_hits": len(similar), "lexical_hits": len(lexical), "degraded": degraded,
            "ms": {"embed": round((embedded - started) * 1000, 1), "vector": round((searched - embedded) * 1000, 1),
                   "total": round(took * 1000, 1)},
        }).decode()
    )  # fmt: skip
    return SearchOut(query=question, items=passages, took_ms=round(took * 1000, 1), degraded=degraded)


def relevant(kn: Knowledge, passages: list[Passage]) -> list[Passage]:
    """The passages above the embedding model's relevance floor, in their order: a passage at or below it is not
    about the question, so it never goes into a prompt or a citation list (search results still show it)."""
    floor = kn.embedder().relevance_floor
    # Not measured (the knowledge worker is down): the keyword index matched the question's words, which is all
    # that is known, so the passage is kept.
    return [p for p in passages if p.similarity is None or p.similarity > floor]


def citations(kn: Knowledge, passages: list[Passage]) -> list[Citation]:
    """The relevant passages numbered from 1, as an answer cites them."""
    return [Citation(number=n, **p.model_dump()) for n, p in enumerate(relevant(kn, passages), start=1)]


def _label(citation: Citation) -> str:
    where = [citation.document_title]
    if citation.heading:
        where.append(citation.heading)
    if citation.page:
        where.append(f"page {citation.page}")
    return " — ".join(where)


ANSWER_TOKENS = 600  # a cited answer is a paragraph or a short list


def answer_tokens(context_tokens: int) -> int:
    """Room kept for the answer: ANSWER_TOKENS, less on a small context (a quarter of it, at least 128)."""
    return max(128, min(ANSWER_TOKENS, context_tokens // 4))


def prompt(question: str, cited: list[Citation], context_tokens: int) -> tuple[list[dict[str, str]], list[Citation]]:
    """Chat messages with as many numbered sources as fit the context beside the answer's room; returns the
    sources actually sent."""
    framing = 40  # "Sources:", "Question:" and the two messages' overhead
    reserved = estimate_tokens(SYSTEM_PROMPT) + estimate_tokens(question) + answer_tokens(context_tokens) + framing
    budget = context_tokens - reserved
    blocks: list[str] = []
    used: list[Citation] = []
    for citation in cited:
        block = f"[{citation.number}] {_label(citation)}\n{citation.context}"
        cost = estimate_tokens(block)
        if cost > budget:
            block = f"[{citation.number}] {_label(citation)}\n{citation.text}"
            cost = estimate_tokens(block)
            if cost > budget:
                break
        budget -= cost
        blocks.append(block)
        used.append(citation)
    user = "Sources:\n\n" + "\n\n".join(blocks) + f"\n\nQuestion: {question}"
    return [{"role": "system", "content": SYSTEM_PROMPT}, {"role": "user", "content": user}], used
