"""The search slice's public surface: the knowledge runtime and its key, hybrid search and cited sources for the
slices that answer from the knowledgebase (chat, the assistant), the index's status, index care, and the
documents slice's Library on this runtime (the index follows every change of a document)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from peewee import SQL, Expression, fn

from devcell.core.db import is_postgresql, transaction
from devcell.core.errors import NotFound
from devcell.documents.schemas import DocumentOut
from devcell.documents.service import Document, visible_clause
from devcell.search import _retrieval, indexing
from devcell.search.answers import Sources as Sources
from devcell.search.answers import gather as gather
from devcell.search.index_care import INDEX_CARE as INDEX_CARE
from devcell.search.index_care import IndexCare as IndexCare
from devcell.search.models import Chunk
from devcell.search.runtime import KNOWLEDGE as KNOWLEDGE
from devcell.search.runtime import Knowledge as Knowledge
from devcell.search.schemas import Citation, Passage, PassageOut, SearchOut, StatusOut

if TYPE_CHECKING:
    from pathlib import Path

    from devcell.core.auth import Principal


def search(kn: Knowledge, principal: Principal, question: str, limit: int, project: int | None = None) -> SearchOut:
    """Passages matching `question` from the documents the caller may see, one per document, best first
    (blocking: embedding and search; run it in a thread)."""
    return _retrieval.search(kn, principal, question, limit, project)


def citations(kn: Knowledge, passages: list[Passage]) -> list[Citation]:
    """The passages above the relevance floor numbered from 1, as an answer cites them."""
    return _retrieval.citations(kn, passages)


def relevant(kn: Knowledge, passages: list[Passage]) -> list[Passage]:
    """The passages above the relevance floor: the only ones that may go into a prompt."""
    return _retrieval.relevant(kn, passages)


def status(kn: Knowledge, principal: Principal) -> StatusOut:
    """The knowledgebase's state as the caller may know it: administrators the totals, everyone else the counts
    of the documents they may see (a private project's documents are not counted for outsiders)."""
    with transaction():
        visible = visible_clause(principal)
    return indexing.status(kn, visible)


def passage(principal: Principal, chunk_id: int) -> PassageOut:
    """One passage of a document the caller may see; NotFound also for a passage they may not see (ids do not
    tell whether a passage exists)."""
    columns = (Chunk.id, Document.id, Document.title, Document.kind, Chunk.heading, Chunk.page, Chunk.text)
    with transaction():
        query = Chunk.select(*columns).join(Document).where(Chunk.id == chunk_id)
        clause = visible_clause(principal)
        if clause is not None:
            query = query.where(clause)
        found = query.tuples().first()
    if found is None:
        raise NotFound(f"There is no passage with id {chunk_id}, or you cannot see it.", code="passage_not_found")
    names = ("chunk_id", "document_id", "document_title", "kind", "heading", "page", "text")
    return PassageOut.model_validate(dict(zip(names, found, strict=True)))


_WORD = re.compile(r"\w+")
MAX_WORDS = 16  # of a documents search; more only narrows an AND further
PREFIX_MIN = 3  # letters of a word before it also finds the words it starts


def words_match(words: str) -> str | None:
    """An FTS5 query for passages containing every word of `words`, each as a word or a word's start (from
    PREFIX_MIN letters on); None when there is no word. Only runs of letters and digits get through, each inside
    double quotes, so nothing the user types (quotes, *, -, OR, NEAR, column names, parentheses) is ever read as
    FTS5 syntax."""
    found = list(dict.fromkeys(w.lower() for w in _WORD.findall(words)))[:MAX_WORDS]
    return " AND ".join(_word_match(w) for w in found) or None  # FTS5 joins a group only with an explicit AND


def _word_match(word: str) -> str:
    """One word of words_match. A word's start only from PREFIX_MIN letters on ("a"* would walk most of the index's
    terms), and then it also matches the word itself one or two letters shorter, as on PostgreSQL (_word_tsquery):
    the Porter stemmer may cut a word below what was typed of it ("calibrating" is indexed as "calibr", so
    "calibrat"* alone, typed on the way to it, found nothing)."""
    quoted = f'"{word}"'
    if len(word) < PREFIX_MIN:
        return quoted
    shorter = [f'"{word[:n]}"' for n in range(len(word) - 1, len(word) - 3, -1) if n >= PREFIX_MIN]
    return "(" + " OR ".join([f"{quoted}*", *shorter]) + ")"


def words_tsquery(words: str) -> str | None:
    """words_match for PostgreSQL: a tsquery text (for to_tsquery('english'), which stems each word as the index
    did) for passages containing every word of `words`, each as a word or, from PREFIX_MIN letters on, a word's
    start (`:*`); None when there is no word. Each word is a quoted operand (see _retrieval.tsquery_lexeme), so
    nothing the user types (&, |, !, <->, :*, quotes, parentheses, backslashes) is read as tsquery syntax."""
    found = list(dict.fromkeys(w.lower() for w in _WORD.findall(words)))[:MAX_WORDS]
    return " & ".join(_word_tsquery(w) for w in found) or None


def _word_tsquery(word: str) -> str:
    """One word of words_tsquery. A word's start also matches the word itself, one or two letters shorter: the
    English stemmer may cut a word below what was typed of it ("nightly" is indexed as "night", so "nightl"*
    alone would miss it); SQLite's Porter stemmer does too, and gets the same (_word_match)."""
    quoted = _retrieval.tsquery_lexeme(word)
    if len(word) < PREFIX_MIN:
        return quoted
    shorter = [_retrieval.tsquery_lexeme(word[:n]) for n in range(len(word) - 1, len(word) - 3, -1) if n >= PREFIX_MIN]
    return "(" + " | ".join([f"{quoted}:*", *shorter]) + ")"


def text_clause(words: str) -> Expression | None:
    """Documents with a passage containing every word of `words` (see words_match), as a condition on Document."""
    if is_postgresql():
        return _text_clause_postgresql(words)
    match = words_match(words)
    if match is None:
        return None
    passages = SQL(
        "(SELECT c.document_id FROM chunk_fts f JOIN chunk c ON c.id = f.rowid WHERE chunk_fts MATCH ?)", [match]
    )
    clause: Expression = Document.id.in_(passages)
    return clause


def _text_clause_postgresql(words: str) -> Expression | None:
    query = words_tsquery(words)
    if query is None:
        return None
    # A word that is only an English stop word ("the") drops out of to_tsquery's AND; the others still must match.
    keywords = Expression(SQL("keywords"), "@@", fn.to_tsquery("english", query))
    passages = Chunk.select(Chunk.document).where(keywords)
    clause: Expression = Document.id.in_(passages)
    return clause


class IndexedLibrary:
    """The documents slice's Library (documents.service) on this runtime: every change of a document reaches the
    index through here, since the documents slice does not import this one."""

    def __init__(self, kn: Knowledge) -> None:
        self.kn = kn

    @property
    def kb_dir(self) -> Path:
        return self.kn.kb_dir

    def queue(self, document_id: int, owner_id: int | None, out: DocumentOut) -> DocumentOut:
        return indexing.queue(self.kn, document_id, owner_id, out)

    def reset(self, document_id: int) -> None:
        indexing.reset(document_id)

    def rescope(self, document_id: int, project_id: int | None) -> None:
        indexing.rescope(self.kn, document_id, project_id)

    def forget(self, document: Document) -> None:
        indexing.forget(self.kn, document)

    def text_clause(self, term: str) -> Expression | None:
        return text_clause(term)
