"""The knowledgebase: documents, their chunks (with a full-text index), and what the vector index was built with.

SQLite is the source of truth; the Chroma index under <data>/index holds vectors only and is rebuilt from here.
Chunk ids never repeat (AUTOINCREMENT), so a stale vector can never point at another chunk's text.

Frozen DDL: never edit a released migration; add a new one instead.
"""

from __future__ import annotations

from peewee import SqliteDatabase

STATEMENTS = (
    """CREATE TABLE document (
        id INTEGER PRIMARY KEY,
        title TEXT NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('md', 'txt', 'pdf')),
        origin TEXT NOT NULL CHECK (origin IN ('upload', 'note', 'scan')),
        path TEXT NOT NULL UNIQUE,
        size INTEGER NOT NULL DEFAULT 0,
        mtime_ns INTEGER NOT NULL DEFAULT 0,
        sha256 TEXT NOT NULL DEFAULT '',
        owner_id INTEGER REFERENCES user (id) ON DELETE SET NULL,
        project_id INTEGER REFERENCES project (id) ON DELETE CASCADE,
        status TEXT NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'indexing', 'indexed', 'failed')),
        reason TEXT NOT NULL DEFAULT '',
        job_id TEXT,
        indexed_sha256 TEXT NOT NULL DEFAULT '',
        indexed_version TEXT NOT NULL DEFAULT '',
        pages INTEGER,
        chunk_count INTEGER NOT NULL DEFAULT 0,
        created_at DATETIME NOT NULL,
        updated_at DATETIME NOT NULL
    )""",
    "CREATE INDEX document_project ON document (project_id, updated_at)",
    "CREATE INDEX document_status ON document (status)",
    "CREATE INDEX document_updated ON document (updated_at)",
    """CREATE TABLE chunk (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        document_id INTEGER NOT NULL REFERENCES document (id) ON DELETE CASCADE,
        seq INTEGER NOT NULL,
        heading TEXT NOT NULL DEFAULT '',
        page INTEGER,
        text TEXT NOT NULL,
        UNIQUE (document_id, seq)
    )""",
    "CREATE VIRTUAL TABLE chunk_fts USING fts5 (text, heading, content='chunk', content_rowid='id')",
    """CREATE TRIGGER chunk_fts_insert AFTER INSERT ON chunk BEGIN
        INSERT INTO chunk_fts (rowid, text, heading) VALUES (new.id, new.text, new.heading);
    END""",
    """CREATE TRIGGER chunk_fts_delete AFTER DELETE ON chunk BEGIN
        INSERT INTO chunk_fts (chunk_fts, rowid, text, heading) VALUES ('delete', old.id, old.text, old.heading);
    END""",
    """CREATE TABLE knowledge_meta (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
    ) WITHOUT ROWID""",
)


def up(db: SqliteDatabase) -> None:
    for statement in STATEMENTS:
        db.execute_sql(statement)
