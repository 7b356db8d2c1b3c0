"""What the assistant may show the model: standups, tasks, projects and knowledge passages the caller can see,
each as an Input (its text block, its source link and a stamp for the cache fingerprint).

Visibility comes from the owning slices: standups through standups.service (the standup_visibility setting and
project readership), tasks through tasks.service (attention_tasks, task_changes), projects through projects.service;
user and project names in one batched lookup each (accounts.service.user_briefs, projects.service.project_names).
Every read is capped (FETCH_MAX), newest or most urgent first, and what was not read is counted so the prompt can
say so.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from devcell.accounts.service import user_briefs
from devcell.assistant.schemas import SourceKind, SourceRef
from devcell.projects import service as projects
from devcell.projects.schemas import ProjectOut, ProjectQuery
from devcell.standups import service as standups
from devcell.standups.schemas import StandupOut, StandupQuery
from devcell.standups.service import day_start_utc
from devcell.tasks import service as tasks
from devcell.tasks.service import TaskChange, TaskDigest

if TYPE_CHECKING:
    from devcell.core.auth import Principal
    from devcell.search.schemas import Passage

FETCH_MAX = 200  # rows read per kind; far more than any context fits, and it keeps the reads bounded
FIELD_CHARS = 1200  # one standup section or description; a longer one is cut so the block can still fit
DESCRIPTION_CHARS = 300
CHANGES_PER_TASK = 4
DUE_SOON_DAYS = 7
_MARKER = re.compile(r"</?\s*inputs\s*>", re.IGNORECASE)


@dataclass(frozen=True)
class Input:
    kind: SourceKind
    id: int
    title: str
    url: str
    body: str  # the block without its number
    stamp: str  # identity and version, for the cache fingerprint

    def source(self, number: int) -> SourceRef:
        return SourceRef(number=number, kind=self.kind, id=self.id, title=self.title, url=self.url)


@dataclass
class Section:
    """One heading of the prompt; `unread` counts matching rows beyond FETCH_MAX (left out before fitting)."""

    heading: str
    what: str  # plural noun for the omission note
    items: list[Input]
    unread: int = 0
    problem: str | None = None  # why the section may be incomplete (a failed knowledgebase search)


def clean(text: str, limit: int = FIELD_CHARS) -> str:
    """User-written text as prompt data: our input delimiters defused, long text cut with a visible mark."""
    text = _MARKER.sub("(inputs)", text.strip())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _person(username: str, display_name: str) -> str:
    return f"{display_name} (@{username})" if display_name else f"@{username}"


# Standups


def _standup_input(entry: StandupOut) -> Input:
    who = _person(entry.author.username, entry.author.display_name)
    day = entry.day.isoformat()
    head = f"Standup by {who} for {day}" + (f", project {clean(entry.project.name, 120)}" if entry.project else "")
    lines = [head]
    for label, text in (("Yesterday", entry.yesterday), ("Today", entry.today), ("Blockers", entry.blockers)):
        if text.strip():
            lines.append(f"{label}: {clean(text)}")
    if entry.tasks:
        linked = "; ".join(f"#{t.id} {clean(t.title, 120)} ({t.status.replace('_', ' ')})" for t in entry.tasks[:5])
        lines.append(f"Tasks made from it: {linked}")
    return Input(
        kind="standup",
        id=entry.id,
        title=f"Standup of {entry.author.display_name or entry.author.username}, {day}",
        url=f"/standups?day={day}#standup-{entry.id}",
        body="\n".join(lines),
        stamp=f"s{entry.id}@{entry.updated_at.isoformat()}",
    )


def standups_section(principal: Principal, visibility: str, first: date, last: date, project_id: int | None) -> Section:
    """Standups of the days first..last the caller may read (optionally one project's), newest day first."""
    query = StandupQuery.model_validate(
        {"from": first, "to": last, "project": project_id, "limit": FETCH_MAX}, by_alias=True
    )
    page = standups.list_standups(principal, visibility, query)
    return Section("Standups", "standups", [_standup_input(e) for e in page.items], page.total - len(page.items))


# Tasks


@dataclass(frozen=True)
class Window:
    """The period a brief covers, in the caller's time zone."""

    today: date
    first: date
    zone: ZoneInfo

    @property
    def since(self) -> datetime:
        return day_start_utc(self.first, self.zone)


def _latest(changes: list[TaskChange]) -> dict[int, list[TaskChange]]:
    """The changes per task, in the order given (newest first), at most CHANGES_PER_TASK each."""
    found: dict[int, list[TaskChange]] = defaultdict(list)
    for change in changes:
        if len(found[change.task_id]) < CHANGES_PER_TASK:
            found[change.task_id].append(change)
    return found


def _change_line(change: TaskChange, who: str | None) -> str:
    """A short line for a change ("status todo → blocked by @ann")."""
    action, field = change.action, change.field
    old, new = change.old_value, change.new_value
    what = f"{field} {clean(old or '—', 60)} → {clean(new or '—', 60)}" if field and action == "updated" else action
    return f"{change.created_at.date().isoformat()} {what}" + (f" by @{who}" if who else "")


def _task_state(task: TaskDigest, today: date) -> str:
    state = [task.status.replace("_", " "), f"{task.progress}%", f"priority {task.priority}"]
    if task.due_date is not None:
        late = task.status != "done" and task.due_date < today
        state.append(f"due {task.due_date.isoformat()}" + (" (OVERDUE)" if late else ""))
    return ", ".join(state)


def _task_input(task: TaskDigest, today: date, project: str | None, assignee: str | None, changes: list[str]) -> Input:
    lines = [f"Task #{task.id}: {clean(task.title, 200)} [{_task_state(task, today)}]"]
    where = [f"project {clean(project, 120)}" if project else "personal task"]
    where.append(f"assigned to @{assignee}" if assignee else "unassigned")
    lines.append(", ".join(where))
    if changes:
        lines.append("Changes: " + "; ".join(changes))
    if task.description.strip():
        lines.append(f"Description: {clean(task.description, DESCRIPTION_CHARS)}")
    return Input(
        kind="task",
        id=task.id,
        title=task.title,
        url=f"/tasks/{task.id}",
        body="\n".join(lines),
        stamp=f"t{task.id}@{task.updated_at.isoformat()}",
    )


def tasks_section(principal: Principal, window: Window, project_id: int | None) -> Section:
    """Blocked, overdue and due-soon open tasks, and tasks changed in the window, most urgent first; the window's
    latest changes of each, and project and user names looked up in one batch each (no query per task)."""
    rows, total = tasks.attention_tasks(principal, window.today, window.since, DUE_SOON_DAYS, project_id, FETCH_MAX)
    changes = _latest(tasks.task_changes([t.id for t in rows], window.since))
    user_ids = {t.assignee_id for t in rows} | {c.actor_id for kept in changes.values() for c in kept}
    users = user_briefs(i for i in user_ids if i is not None)
    names = projects.project_names(t.project_id for t in rows if t.project_id is not None)

    def username(user_id: int | None) -> str | None:
        user = users.get(user_id) if user_id is not None else None
        return user.username if user else None

    items = [
        _task_input(
            t,
            window.today,
            names.get(t.project_id) if t.project_id is not None else None,
            username(t.assignee_id),
            [_change_line(c, username(c.actor_id)) for c in changes.get(t.id, [])],
        )
        for t in rows
    ]
    return Section("Tasks", "tasks", items, total - len(items))


# Projects


def _counts(project: ProjectOut) -> str:
    c = project.task_counts
    return f"{c.todo} to do, {c.in_progress} in progress, {c.blocked} blocked, {c.done} done"


def _project_input(project: ProjectOut) -> Input:
    lines = [
        f"Project {clean(project.name, 120)} (status {project.status}, {project.member_count} members); "
        f"tasks: {_counts(project)}"
    ]
    if project.description.strip():
        lines.append(f"Description: {clean(project.description, DESCRIPTION_CHARS)}")
    return Input(
        kind="project",
        id=project.id,
        title=project.name,
        url=f"/projects/{project.id}",
        body="\n".join(lines),
        stamp=f"p{project.id}@{project.updated_at.isoformat()}:{_counts(project)}",
    )


def project_section(principal: Principal, project_id: int) -> Section:
    return Section("Project", "projects", [_project_input(projects.get_project(principal, project_id))])


def projects_section(principal: Principal, mentioned: Iterable[str]) -> Section:
    """The caller's visible, unarchived projects; those the other inputs mention most come first."""
    page = projects.list_projects(principal, ProjectQuery.model_validate({"limit": FETCH_MAX}))
    text = "\n".join(mentioned)
    ranked = sorted(page.items, key=lambda p: (-text.count(f"project {p.name}"), -p.updated_at.timestamp(), p.id))
    return Section("Projects", "projects", [_project_input(p) for p in ranked], page.total - len(page.items))


# Knowledge


def knowledge_section(passages: list[Passage]) -> Section:
    items = []
    for passage in passages:
        where = " — ".join(x for x in (passage.document_title, passage.heading) if x)
        items.append(
            Input(
                kind="document",
                id=passage.document_id,
                title=passage.document_title,
                url=f"/knowledge?doc={passage.document_id}",
                body=f"Knowledgebase passage from {clean(where, 200)}\n{clean(passage.text)}",
                stamp=f"d{passage.chunk_id}",
            )
        )
    return Section("Knowledgebase passages", "knowledgebase passages", items)
