"""The summary cache: a summary is reused while its inputs are the same, and made again when any changes.

The key hashes the kind, the parameters, the model, the prompt version and every input's stamp (id + updated_at;
project task counts; what was not read): an edited standup, a moved task or a new entry gives a new key. Rows are
derived data; old ones are pruned on write.
"""

from __future__ import annotations

import hashlib
from datetime import timedelta
from typing import Any

import orjson

from devcell.assistant._inputs import Section
from devcell.assistant._prompt import PROMPT_VERSION
from devcell.assistant._write import Brief
from devcell.assistant.models import SummaryCache
from devcell.assistant.schemas import SourceRef
from devcell.core.db import upsert, utcnow

KEEP = timedelta(days=30)


def key(kind: str, params: dict[str, Any], sections: list[Section], model: str) -> str:
    inputs = [[s.heading, s.unread, [i.stamp for i in s.items]] for s in sections]
    payload = {"v": PROMPT_VERSION, "kind": kind, "params": params, "model": model, "inputs": inputs}
    return hashlib.sha256(orjson.dumps(payload, option=orjson.OPT_SORT_KEYS)).hexdigest()


def get(cache_key: str) -> SummaryCache | None:
    return SummaryCache.get_or_none(SummaryCache.key == cache_key)


def sources_of(row: SummaryCache) -> list[SourceRef]:
    return [SourceRef.model_validate(s) for s in orjson.loads(row.sources)]


def put(
    cache_key: str, kind: str, brief: Brief, sources: list[SourceRef], omitted: str | None, model: str
) -> SummaryCache:
    """Store (or replace) a summary, with its warnings; runs inside the caller's write transaction."""
    now = utcnow()
    SummaryCache.delete().where(SummaryCache.created_at < now - KEEP).execute()
    fields = {
        "kind": kind,
        "markdown": brief.markdown,
        "truncated": brief.truncated,
        "warnings": orjson.dumps(brief.warnings).decode(),
        "sources": orjson.dumps([s.model_dump() for s in sources]).decode(),
        "omitted": omitted,
        "model": model,
        "created_at": now,
    }
    upsert(SummaryCache, key=cache_key, **fields)
    return SummaryCache(key=cache_key, **fields)
