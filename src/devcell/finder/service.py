"""The finder: tasks, projects, documents and people whose names hold every word of a query, best first, each
read through its own slice's visibility rule (tasks.visible_task_ids, projects.visible_project_ids,
documents.visible_clause; people are the active users everyone may pick) so it finds only what the caller could
open. Tables that can be large are searched and ranked in SQL and cut to the limit there."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from devcell.accounts.service import active_members
from devcell.core.db import is_postgresql, nocase, run_sql, unit_of_work
from devcell.documents.service import Document, visible_clause
from devcell.finder._match import Needle, needle, rank, sql_all_words, sql_rank
from devcell.finder.schemas import FindGroup, FindHit, FindOut, FindQuery
from devcell.projects.service import project_names, visible_project_ids
from devcell.tasks.service import visible_task_ids, visible_tasks

if TYPE_CHECKING:
    from devcell.core.auth import Principal

TASK_STATUS = {"todo": "To do", "in_progress": "In progress", "blocked": "Blocked", "done": "Done"}
PROJECT_STATUS = {"planned": "Planned", "active": "Active", "blocked": "Blocked", "done": "Done"}
DOCUMENT_KIND = {"md": "Markdown", "txt": "Text", "pdf": "PDF"}

TASKS = """SELECT t.id, t.title, t.status, t.archived, t.project_id, {rank} AS score FROM task t
WHERE {where}
ORDER BY score DESC, t.archived, t.status = 'done', t.updated_at DESC, t.id DESC LIMIT ?"""
PROJECTS = """SELECT p.id, p.name, p.status, p.archived, {rank} AS score FROM project p
WHERE {where}
ORDER BY score DESC, p.archived, {name}, p.id LIMIT ?"""
DOCUMENTS = """SELECT d.id, d.title, d.kind, d.project_id, {rank} AS score FROM document d
WHERE {where}
ORDER BY score DESC, d.updated_at DESC, d.id DESC LIMIT ?"""


def _subquery(query: Any) -> tuple[str, list[object]]:
    """A peewee query's SQL with `?` marks, to be embedded in the finder's own SQL (run_sql takes `?` on both
    databases; peewee writes %s for PostgreSQL)."""
    sql, params = query.sql()
    return (sql.replace("%s", "?") if is_postgresql() else sql), list(params)


def _rows(sql: str, params: list[object]) -> list[tuple[Any, ...]]:
    return list(run_sql(sql, params).fetchall())


def _task_clause(query: Needle) -> tuple[str, list[object]]:
    """Every word in the title; with #123 in the query, task 123 (its other words still in the title)."""
    words_sql, words_params = sql_all_words("t.title", query.task_words if query.task_ids else query.words)
    if not query.task_ids:
        return words_sql, words_params
    marks = ", ".join("?" * len(query.task_ids))
    return f"t.id IN ({marks}) AND {words_sql}", [*query.task_ids, *words_params]


def _tasks(principal: Principal, query: Needle, limit: int) -> list[tuple[Any, ...]]:
    where, params = _task_clause(query)
    if visible_tasks(principal) is not None:  # None: an administrator, who sees every task
        visible_sql, visible_params = _subquery(visible_task_ids(principal))
        where, params = f"t.id IN ({visible_sql}) AND {where}", [*visible_params, *params]
    rank_sql, rank_params = sql_rank("t.title", query.phrase, query.task_words)
    return _rows(TASKS.format(rank=rank_sql, where=where), [*rank_params, *params, limit])


def _task_hits(principal: Principal, query: Needle, limit: int) -> list[FindHit]:
    rows = _tasks(principal, query, limit)
    names = project_names(row[4] for row in rows if row[4] is not None)
    hits = []
    for task_id, title, status, archived, project_id, _ in rows:
        where = "Personal" if project_id is None else names.get(project_id, "")
        parts = [f"#{task_id}", where, TASK_STATUS.get(status, status), "archived" if archived else ""]
        hits.append(_hit(task_id, title, parts, f"/tasks/{task_id}"))
    return hits


def _project_hits(principal: Principal, query: Needle, limit: int) -> list[FindHit]:
    where, params = sql_all_words("p.name", query.words)
    visible = visible_project_ids(principal)  # None: an administrator, who sees every project
    if visible is not None:
        if not visible:
            return []
        where, params = f"p.id IN ({', '.join('?' * len(visible))}) AND {where}", [*sorted(visible), *params]
    rank_sql, rank_params = sql_rank("p.name", query.phrase, query.words)
    rows = _rows(PROJECTS.format(rank=rank_sql, where=where, name=nocase("p.name")), [*rank_params, *params, limit])
    return [
        _hit(pid, name, ["Project", PROJECT_STATUS.get(status, status), "archived" if archived else ""],
             f"/projects/{pid}")
        for pid, name, status, archived, _ in rows
    ]  # fmt: skip


def _document_hits(principal: Principal, query: Needle, limit: int) -> list[FindHit]:
    where, params = sql_all_words("d.title", query.words)
    clause = visible_clause(principal)  # None: an administrator, who sees every document
    if clause is not None:
        visible_sql, visible_params = _subquery(Document.select(Document.id).where(clause))
        where, params = f"d.id IN ({visible_sql}) AND {where}", [*visible_params, *params]
    rank_sql, rank_params = sql_rank("d.title", query.phrase, query.words)
    rows = _rows(DOCUMENTS.format(rank=rank_sql, where=where), [*rank_params, *params, limit])
    names = project_names(row[3] for row in rows if row[3] is not None)
    return [
        _hit(doc_id, title, [DOCUMENT_KIND.get(kind, kind), "Everyone" if pid is None else names.get(pid, "")],
             f"/knowledge?doc={doc_id}")
        for doc_id, title, kind, pid, _ in rows
    ]  # fmt: skip


def _people_hits(query: Needle, limit: int) -> list[FindHit]:
    """Active users by display name or user name (a team's list, read whole); a hit opens their person page."""
    ranked = []
    for person in active_members():
        score = rank((person.display_name, person.username), query)
        if score is not None:
            ranked.append((-score, person.username, person))
    ranked.sort(key=lambda entry: entry[:2])
    return [
        _hit(p.id, p.display_name or p.username, [f"@{p.username}"], f"/people/{quote(p.username)}")
        for _, _, p in ranked[:limit]
    ]


def _hit(hit_id: int, title: str, parts: list[str], url: str) -> FindHit:
    return FindHit(id=hit_id, title=title, subtitle=" · ".join(part for part in parts if part), url=url)


@unit_of_work()
def find(principal: Principal, query: FindQuery) -> FindOut:
    """Up to `limit` of each kind, in one read transaction."""
    wanted = needle(query.q)
    groups = [
        FindGroup(kind="task", label="Tasks", items=_task_hits(principal, wanted, query.limit)),
        FindGroup(kind="project", label="Projects", items=_project_hits(principal, wanted, query.limit)),
        FindGroup(kind="document", label="Documents", items=_document_hits(principal, wanted, query.limit)),
        FindGroup(kind="person", label="People", items=_people_hits(wanted, query.limit)),
    ]
    return FindOut(q=query.q, groups=[group for group in groups if group.items])
