"""Who is told what: the listeners of the signals other slices announce (wired in wiring.py).

Every recipient must be able to see the subject when the notification is made (a viewer mentioned in a task of a
project they are not in gets nothing); the inbox then hides notifications of projects the recipient has left.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from devcell.accounts.service import active_user_ids, principal_of, user_briefs
from devcell.core import signals
from devcell.core.jobs import JobEnded
from devcell.documents.schemas import NoteWritten
from devcell.notifications import _audience, _mentions
from devcell.notifications.service import Note, deliver, task_watchers
from devcell.projects.schemas import ProjectDescribed
from devcell.projects.service import project_owner_ids
from devcell.standups import service as standups
from devcell.standups.schemas import SECTIONS, StandupFiled
from devcell.tasks import service as tasks
from devcell.tasks.schemas import TaskChanged, TaskCommented, TaskCreated, TaskSignal

STATUS_NAMES = {"todo": "To do", "in_progress": "In progress", "blocked": "Blocked", "done": "Done"}

# Jobs worth a notification to whoever started them, with the page that shows the result (and the result's key
# holding the id for that page, when it has one).
JOB_PAGES: dict[str, tuple[str, str | None]] = {
    "sitrep": ("/sitreps", "sitrep_id"),
    "workflow": ("/workflows", "workflow_id"),
    "knowledge.index": ("/knowledge", None),
    "knowledge.reindex": ("/knowledge", None),
}


def _name(user_id: int | None) -> str:
    if user_id is None:
        return "Someone"
    brief = user_briefs([user_id]).get(user_id)
    return "Someone" if brief is None else (brief.display_name or brief.username)


def _task_link(task_id: int) -> str:
    return f"/tasks/{task_id}"


def _can_see_task(user_id: int, task_id: int) -> bool:
    principal = principal_of(user_id)
    return principal is not None and tasks.can_see(principal, task_id)


def _mentioned(text: str, before: str = "") -> set[int]:
    """Users newly @mentioned in `text` (not already in `before`)."""
    known = active_user_ids(_mentions.all_names(text, before))
    return _mentions.resolve(text, known) - _mentions.resolve(before, known)


@dataclass
class TaskNotes:
    """The notes one task signal makes; a person gets one note per signal, the most specific kind."""

    signal: TaskSignal
    notes: dict[int, Note]

    def add(self, recipients: Iterable[int], kind: str, title: str, excerpt: str = "") -> None:
        s = self.signal
        for user_id in recipients:
            if user_id in self.notes or user_id == s.actor_id or not _can_see_task(user_id, s.task_id):
                continue
            self.notes[user_id] = Note(
                user_id, kind, s.actor_id, "task", str(s.task_id), s.project_id, title, _task_link(s.task_id), excerpt
            )


def on_task_created(signal: TaskCreated) -> None:
    out = TaskNotes(signal, {})
    actor = _name(signal.actor_id)
    if signal.assignee_id is not None:
        out.add([signal.assignee_id], "assigned", f"{actor} assigned you “{signal.title}”", signal.description)
    out.add(_mentioned(signal.description), "mention", f"{actor} mentioned you in “{signal.title}”", signal.description)
    deliver(out.notes.values())


def on_task_changed(signal: TaskChanged) -> None:
    out = TaskNotes(signal, {})
    actor = _name(signal.actor_id)
    changes = signal.changes
    if "assignee_id" in changes:
        old, new = changes["assignee_id"]
        if new is not None:
            out.add([new], "assigned", f"{actor} assigned you “{signal.title}”")
        if old is not None and old != signal.actor_id:
            # Told even when they can no longer open it (a personal task): they knew it; the link is their list.
            out.notes[old] = Note(
                old, "unassigned", signal.actor_id, "task", str(signal.task_id), signal.project_id,
                f"{actor} unassigned you from “{signal.title}”", "/tasks",
            )  # fmt: skip
    if "description" in changes:
        before, after = (str(v or "") for v in changes["description"])
        out.add(_mentioned(after, before), "mention", f"{actor} mentioned you in “{signal.title}”", after)
    if "status" in changes:
        new_status = STATUS_NAMES.get(str(changes["status"][1]), str(changes["status"][1]))
        watchers = task_watchers(signal.task_id)
        out.add(sorted(watchers), "status", f"{actor} moved “{signal.title}” to {new_status}")
    deliver(out.notes.values())


def on_task_commented(signal: TaskCommented) -> None:
    out = TaskNotes(signal, {})
    actor = _name(signal.actor_id)
    out.add(_mentioned(signal.body), "mention", f"{actor} mentioned you on “{signal.title}”", signal.body)
    watchers = task_watchers(signal.task_id)
    out.add(sorted(watchers), "comment", f"{actor} commented on “{signal.title}”", signal.body)
    deliver(out.notes.values())


@dataclass
class _Settings:
    """What the rules read from the settings, handed over by `listen` (the wiring)."""

    standup_visibility: Callable[[], str] = lambda: "team"


_SETTINGS = _Settings()


def on_standup_filed(signal: StandupFiled) -> None:
    link = f"/standups?day={signal.day.isoformat()}#standup-{signal.standup_id}"
    author = _name(signal.author_id)
    text = "\n\n".join(signal.sections.get(s, "") for s in SECTIONS)
    before = "\n\n".join(signal.before.get(s, "") for s in SECTIONS)
    notes: dict[int, Note] = {}
    for user_id in sorted(_mentioned(text, before)):
        if _can_read_standup(user_id, signal.standup_id):
            title = f"{author} mentioned you in their standup for {signal.day.isoformat()}"
            notes[user_id] = Note(
                user_id, "mention", signal.author_id, "standup", str(signal.standup_id), signal.project_id,
                title, link, text,
            )  # fmt: skip
    blockers = signal.sections.get("blockers", "").strip()
    if signal.project_id is not None and blockers and blockers != signal.before.get("blockers", "").strip():
        for owner_id in project_owner_ids(signal.project_id):
            if owner_id not in notes and _can_read_standup(owner_id, signal.standup_id):
                notes[owner_id] = Note(
                    owner_id, "blocker", signal.author_id, "standup", str(signal.standup_id), signal.project_id,
                    f"{author} is blocked", link, blockers,
                )  # fmt: skip
    deliver(notes.values())


def _can_read_standup(user_id: int, standup_id: int) -> bool:
    principal = principal_of(user_id)
    visibility = _SETTINGS.standup_visibility()
    return principal is not None and standups.can_read_entry(principal, visibility, standup_id)


def on_note_written(signal: NoteWritten) -> None:
    """People newly @mentioned in a knowledgebase note, if they can see it (everyone's, or its project's)."""
    readers = _audience.of_note(signal.project_id)
    author = _name(signal.actor_id)
    title = f"{author} mentioned you in the note “{signal.title}”"
    link = f"/knowledge?doc={signal.document_id}"
    deliver(
        Note(user_id, "mention", signal.actor_id, "document", str(signal.document_id), signal.project_id, title,
             link, signal.text)
        for user_id in sorted(_mentioned(signal.text, signal.before))
        if readers.includes(user_id)
    )  # fmt: skip


def on_project_described(signal: ProjectDescribed) -> None:
    """People newly @mentioned in a project's description, if they can see the project (members, admins)."""
    readers = _audience.of_project(signal.project_id)
    title = f"{_name(signal.actor_id)} mentioned you in the project “{signal.name}”"
    deliver(
        Note(user_id, "mention", signal.actor_id, "project", str(signal.project_id), signal.project_id, title,
             f"/projects/{signal.project_id}", signal.text)
        for user_id in sorted(_mentioned(signal.text, signal.before))
        if readers.includes(user_id)
    )  # fmt: skip


def on_job_ended(signal: JobEnded) -> None:
    job = signal.job
    page = JOB_PAGES.get(job.kind)
    if page is None or job.owner_id is None or job.status == "cancelled":
        return
    path, key = page
    result = job.result if isinstance(job.result, dict) else {}
    link = f"{path}/{result[key]}" if key and result.get(key) is not None else path
    verb = "finished" if job.status == "succeeded" else "failed"
    note = Note(job.owner_id, "job", None, "job", job.id, None, f"{job.title} {verb}", link, job.error or "")
    deliver([note])


def listen(standup_visibility: Callable[[], str]) -> None:
    """Register the rules with core/signals (idempotent: a second app in the same process replaces the setting
    source, it does not add listeners)."""
    _SETTINGS.standup_visibility = standup_visibility
    signals.listen(TaskCreated, on_task_created)
    signals.listen(TaskChanged, on_task_changed)
    signals.listen(TaskCommented, on_task_commented)
    signals.listen(StandupFiled, on_standup_filed)
    signals.listen(NoteWritten, on_note_written)
    signals.listen(ProjectDescribed, on_project_described)
    signals.listen(JobEnded, on_job_ended)
