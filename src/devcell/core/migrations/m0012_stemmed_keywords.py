"""The keyword index stems English words (Porter), so "branches" finds "branch" and "installing" finds
"install". Measured on the retrieval evaluation (`build.py bench retrieval`, tuning split, with the fusion
changes of the same release): git hit@1 0.64 -> 0.68, MRR 0.747 -> 0.795.

The FTS table is derived from `chunk`, so it is dropped, created again with the stemming tokenizer and rebuilt
from its content table ('rebuild': ~1 s per 10,000 passages here).

Frozen DDL once released: never edit a released migration; add a new one instead.
"""

from __future__ import annotations

from peewee import SqliteDatabase

STATEMENTS: tuple[str, ...] = (
    "DROP TRIGGER IF EXISTS chunk_fts_insert",
    "DROP TRIGGER IF EXISTS chunk_fts_delete",
    "DROP TABLE IF EXISTS chunk_fts",
    "CREATE VIRTUAL TABLE chunk_fts USING fts5 (text, heading, content='chunk', content_rowid='id', "
    "tokenize='porter unicode61')",
    """CREATE TRIGGER chunk_fts_insert AFTER INSERT ON chunk BEGIN
        INSERT INTO chunk_fts (rowid, text, heading) VALUES (new.id, new.text, new.heading);
    END""",
    """CREATE TRIGGER chunk_fts_delete AFTER DELETE ON chunk BEGIN
        INSERT INTO chunk_fts (chunk_fts, rowid, text, heading) VALUES ('delete', old.id, old.text, old.heading);
    END""",
    "INSERT INTO chunk_fts (chunk_fts) VALUES ('rebuild')",
)


def up(db: SqliteDatabase) -> None:
    for statement in STATEMENTS:
        db.execute_sql(statement)
