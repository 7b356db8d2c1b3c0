"""Documents: who sees and manages them, listing, upload, notes, download and delete; where their files live.

The search slice builds on this one (it indexes the documents); this slice reaches the index only through the
`Library` the composition root hands it, so the two never import each other both ways."""

from __future__ import annotations

import hashlib
import logging
import os
import re
import time
import unicodedata
import uuid
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from peewee import Expression

from devcell.accounts.service import UserBrief, user_briefs
from devcell.core.db import transaction, unit_of_work, utcnow
from devcell.core.signals import announce
from devcell.core.state import Key

# The extraction step and the row the search slice indexes: its public surface here (explicit re-exports).
from devcell.documents._extract import ExtractionFailed as ExtractionFailed
from devcell.documents._extract import Section as Section
from devcell.documents._extract import extract as extract
from devcell.documents._extract import sniff
from devcell.documents.errors import BadUpload, DocumentNotFound, NotAllowed, NotANote, UnsupportedFile
from devcell.documents.models import Document as Document
from devcell.documents.schemas import (
    DocumentDetail,
    DocumentOut,
    DocumentPage,
    DocumentPatch,
    DocumentQuery,
    NoteCreate,
    NotePatch,
    NoteWritten,
)
from devcell.projects import service as projects
from devcell.projects.schemas import ProjectRef

if TYPE_CHECKING:
    from devcell.core.auth import Principal

log = logging.getLogger(__name__)

MAX_SEARCH_TERMS = 8  # of the documents list's `q`; more only narrows it further
MAX_TEXT_VIEW = 2_000_000  # characters of a text document returned for viewing
KIND_EXTENSIONS = {"md": ".md", "txt": ".txt", "pdf": ".pdf"}
ABANDONED_UPLOAD_SECONDS = 3600  # a staged upload untouched this long was cut short (maintenance removes it)
MEDIA_TYPES = {"md": "text/markdown; charset=utf-8", "txt": "text/plain; charset=utf-8", "pdf": "application/pdf"}

# Storage: folders of the knowledgebase directory.
UPLOADS = "uploads"
NOTES = "notes"
MANAGED_DIRS = (UPLOADS, NOTES)  # written by DevCell; the scan picks up everything else an admin puts there
INCOMING = ".incoming-"  # name prefix of an upload still being received in UPLOADS: never a document, never backed up


class Library(Protocol):
    """The knowledgebase as this slice needs it: the directory its files live in, and the index that follows every
    change of a document (the search slice implements it; the composition root provides it under LIBRARY)."""

    @property
    def kb_dir(self) -> Path: ...

    def queue(self, document_id: int, owner_id: int | None, out: DocumentOut) -> DocumentOut:
        """Queue the document's indexing job; `out` comes back naming the job."""
        ...

    def reset(self, document_id: int) -> None:
        """Forget what the document was indexed with, so its next job indexes it again."""
        ...

    def rescope(self, document_id: int, project_id: int | None) -> None:
        """Inside the caller's write unit of work: the document's passages follow it to its new scope."""
        ...

    def forget(self, document: Document) -> None:
        """Delete the document: its passages, its row, its file, and its job if one runs."""
        ...

    def text_clause(self, term: str) -> Expression | None:
        """Documents with a passage containing every word of `term` (as a word or a word's start), as a condition
        on Document rows; None when `term` has no word to look for. Any input is safe: it is never query syntax."""
        ...


LIBRARY: Key[Library] = Key("documents library")


def make_dirs(kb_dir: Path) -> None:
    """The folders this slice writes into."""
    for name in MANAGED_DIRS:
        (kb_dir / name).mkdir(parents=True, exist_ok=True)


# Access


def _roles(principal: Principal) -> dict[int, str] | None:
    """The caller's role in each project they belong to; None for an administrator (who sees and manages all)."""
    return None if principal.is_admin else projects.roles_of(principal.user_id)


def _clause(roles: dict[int, str] | None) -> Expression | None:
    if roles is None:
        return None
    everyone: Expression = Document.project.is_null()
    return everyone | Document.project.in_(sorted(roles)) if roles else everyone


def visible_clause(principal: Principal) -> Expression | None:
    """Documents the caller may see: everyone's, and those of projects they belong to (admins: all)."""
    return _clause(_roles(principal))


def _visible(document_id: int, roles: dict[int, str] | None) -> Document:
    """The document if the caller whose `roles` these are (see _roles) may see it."""
    query = Document.select().where(Document.id == document_id)
    clause = _clause(roles)
    if clause is not None:
        query = query.where(clause)
    document: Document | None = query.first()
    if document is None:
        raise DocumentNotFound(document_id)
    return document


@unit_of_work()
def document_project(principal: Principal, document_id: int) -> int | None:
    """The project of a document the caller may see (None: everyone's); 404 when they may not see it."""
    document = _visible(document_id, _roles(principal))
    return None if document.project_id is None else int(document.project_id)


def _may_manage(principal: Principal, document: Document, roles: dict[int, str]) -> bool:
    """Delete (and edit a note): the uploader, an owner of the document's project, or an administrator."""
    if principal.is_admin or (document.owner_id is not None and document.owner_id == principal.user_id):
        return True
    return document.project_id is not None and roles.get(document.project_id) == "owner"


def _manageable(principal: Principal, document_id: int) -> Document:
    roles = _roles(principal)
    document = _visible(document_id, roles)
    if not _may_manage(principal, document, roles or {}):
        raise NotAllowed(
            "Only the person who added this document, an owner of its project or an administrator may change "
            "or delete it."
        )
    return document


def check_move_out(principal: Principal, document: Document) -> None:
    """Moving a project's document elsewhere (to everyone, or to another project) takes it from the project's
    members, so it is the project's call: an owner of the project or an administrator. Having added it is not
    enough (a member demoted to viewer could otherwise publish a project's document to every user). An everyone
    document moves under the same rule as a rename (its uploader or an administrator, see _manageable)."""
    if document.project_id is None or principal.is_admin:
        return
    if projects.project_role(principal.user_id, document.project_id) != "owner":
        raise NotAllowed(
            "Only an owner of the document's project or an administrator may move it out of the project "
            "(to everyone or to another project)."
        )


def check_scope(principal: Principal, project_id: int | None) -> None:
    """Adding a document to a project needs the member role there; everyone's documents anyone may add."""
    if project_id is not None:
        projects.check_project(principal, project_id, "member")


# Output


def _outputs(documents: list[Document], principal: Principal, roles: dict[int, str] | None) -> list[dict[str, Any]]:
    """The output fields of a page of documents: their owners' and projects' names in two batched queries (one
    each, none when no document has one), not one per row. `roles`: the caller's (None for an administrator)."""
    owners = user_briefs(d.owner_id for d in documents if d.owner_id is not None)
    names = projects.project_names(d.project_id for d in documents if d.project_id is not None)
    return [_out(d, principal, roles or {}, owners, names) for d in documents]


def _out(
    document: Document,
    principal: Principal,
    roles: dict[int, str],
    owners: dict[int, UserBrief],
    project_names: dict[int, str],
) -> dict[str, Any]:
    owner = None if document.owner_id is None else owners.get(document.owner_id)
    project_id = document.project_id
    project_name = None if project_id is None else project_names.get(project_id)
    manage = _may_manage(principal, document, roles)
    return {
        "id": document.id,
        "title": document.title,
        "kind": document.kind,
        "origin": document.origin,
        "size": document.size,
        "status": document.status,
        "reason": document.reason,
        "job_id": document.job_id,
        "pages": document.pages,
        "chunk_count": document.chunk_count,
        "owner": projects.user_ref(owner) if owner else None,
        "project": None if project_id is None or project_name is None else ProjectRef(id=project_id, name=project_name),
        "can_delete": manage,
        "can_edit": manage and document.origin == "note",
        "created_at": document.created_at,
        "updated_at": document.updated_at,
    }


def _filtered(library: Library, principal: Principal, query: DocumentQuery, roles: dict[int, str] | None) -> Any:
    rows = Document.select()
    clause = _clause(roles)
    if clause is not None:
        rows = rows.where(clause)
    for term in query.q.split()[:MAX_SEARCH_TERMS]:  # every term, each in the title or in the text
        by_title: Expression = Document.title.contains(term)
        by_text = library.text_clause(term)  # the visibility rule above still applies to these
        rows = rows.where(by_title if by_text is None else (by_title | by_text))
    if query.status:
        rows = rows.where(Document.status == query.status)
    if query.kind:
        rows = rows.where(Document.kind == query.kind)
    if query.origin:
        rows = rows.where(Document.origin == query.origin)
    if query.project == "none":
        rows = rows.where(Document.project.is_null())
    elif query.project is not None:
        projects.check_project(principal, query.project)
        rows = rows.where(Document.project == query.project)
    if query.mine:
        rows = rows.where(Document.owner == principal.user_id)
    return rows


@unit_of_work()
def list_documents(library: Library, principal: Principal, query: DocumentQuery) -> DocumentPage:
    """Documents the caller may see, filtered and paged; each term of `q` is in the title or in the text."""
    roles = _roles(principal)  # read once: for the visibility rule and for can_delete/can_edit
    rows = _filtered(library, principal, query, roles)
    total = rows.count()
    page = list(rows.order_by(Document.updated_at.desc(), Document.id.desc()).limit(query.limit).offset(query.offset))
    items = [DocumentOut(**fields) for fields in _outputs(page, principal, roles)]
    return DocumentPage(items=items, total=total, limit=query.limit, offset=query.offset)


def get_document(library: Library, principal: Principal, document_id: int) -> DocumentDetail:
    with transaction():
        roles = _roles(principal)
        document = _visible(document_id, roles)
        [out] = _outputs([document], principal, roles)
    text = None
    path = library.kb_dir / document.path
    if document.kind != "pdf" and path.is_file():
        with path.open("r", encoding="utf-8", errors="replace") as handle:
            text = handle.read(MAX_TEXT_VIEW)
    return DocumentDetail(**out, text=text)


def content_file(library: Library, principal: Principal, document_id: int) -> tuple[Path, str, str]:
    """(file, download name, media type) of the original."""
    with transaction():
        document = _visible(document_id, _roles(principal))
    path = library.kb_dir / document.path
    if not path.is_file():
        raise DocumentNotFound(document_id)
    name = (
        document.title
        if document.title.lower().endswith(KIND_EXTENSIONS[document.kind])
        else (document.title + KIND_EXTENSIONS[document.kind])
    )
    return path, name, MEDIA_TYPES[document.kind]


# Upload and notes


_UNSAFE = re.compile(r"[\x00-\x1f\x7f/\\]+")


def display_name(client_name: str | None) -> str:
    """The client's file name as a title only: its last path part, without control characters. Never a path."""
    raw = (client_name or "").replace("\\", "/").rsplit("/", 1)[-1]
    # No control or format characters (NUL, right-to-left overrides that disguise an extension, ...).
    visible = "".join(ch for ch in unicodedata.normalize("NFC", raw) if unicodedata.category(ch)[0] != "C")
    name = _UNSAFE.sub("", visible).strip().lstrip(".")
    return name[:200] or "Untitled"


TITLE_SCAN_BYTES = 64 * 1024  # the first heading is looked for this far into a Markdown file
_ATX = re.compile(r"^ {0,3}#{1,6}[ \t]+(.+?)(?:[ \t]+#+)?[ \t]*$")
_SETEXT = re.compile(r"^ {0,3}(=+|-+)[ \t]*$")
_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_EMPHASIS = re.compile(r"(\*\*|__|\*|`|~~)")


def _plain(heading: str) -> str:
    """A heading's text as a title: links as their text, no emphasis or code marks, no control characters."""
    text = _EMPHASIS.sub("", _LINK.sub(r"\1", heading))
    text = "".join(ch for ch in unicodedata.normalize("NFC", text) if unicodedata.category(ch)[0] != "C")
    return " ".join(text.split())[:200]


def first_heading(text: str) -> str | None:
    """The title a Markdown text names: its front matter's `title:`, else its first heading (# Title, or Title
    underlined with === or ---) outside code blocks; None when it has neither."""
    lines = text.splitlines()
    if lines and lines[0].strip() == "---" and "---" in (line.strip() for line in lines[1:]):
        end = next(n for n, line in enumerate(lines[1:], 1) if line.strip() == "---")
        for line in lines[1:end]:
            key, _, value = line.partition(":")
            if key.strip().lower() == "title" and _plain(value.strip().strip("'\"")):
                return _plain(value.strip().strip("'\""))
        lines = lines[end + 1 :]
    fence = False
    previous = ""
    for line in lines:
        if line.lstrip().startswith(("```", "~~~")):
            fence, previous = not fence, ""
            continue
        if fence:
            continue
        atx = _ATX.match(line)
        if atx and _plain(atx.group(1)):
            return _plain(atx.group(1))
        underlined = previous.strip() and not previous.startswith((" " * 4, "\t", "-", "*", ">", "|"))
        if underlined and _SETEXT.match(line) and _plain(previous):
            return _plain(previous)
        previous = line
    return None


def default_title(path: Path, kind: str) -> str | None:
    """The title a document gets when nobody gave it one: a Markdown file's first heading. Plain text files and
    PDFs keep their file name (a text file's first line is as often a date or a greeting as a title; PDF title
    metadata is mostly what the authoring tool wrote, such as "Microsoft Word - draft3.docx")."""
    if kind != "md":
        return None
    try:
        with path.open("rb") as handle:
            head = handle.read(TITLE_SCAN_BYTES)
    except OSError:
        return None
    return first_heading(head.decode("utf-8", errors="replace").replace("\r\n", "\n"))


def kind_of(head: bytes, name: str) -> str:
    """md, txt or pdf from the content (the name only tells Markdown from plain text)."""
    found = sniff(head)
    suffix = Path(name).suffix.lower()
    if found == "pdf":
        return "pdf"
    if suffix == ".pdf":
        raise UnsupportedFile("This file is named .pdf but is not a PDF (it does not start with %PDF).")
    if found is None:
        raise UnsupportedFile("Only Markdown, plain text and PDF files can be added; this file has binary content.")
    return "md" if suffix in (".md", ".markdown") else "txt"


def storage_path(library: Library, folder: str, kind: str) -> tuple[Path, str]:
    """A new server-chosen file name inside the knowledgebase: (absolute path, path relative to it)."""
    relative = f"{folder}/{uuid.uuid4().hex}{KIND_EXTENSIONS[kind]}"
    return library.kb_dir / relative, relative


def add_upload(
    library: Library,
    principal: Principal,
    staged: Path,
    client_name: str | None,
    title: str | None,
    project_id: int | None,
) -> DocumentOut:
    """Adopt a fully received upload (`staged`, inside the uploads folder) as a document and queue its indexing."""
    name = display_name(client_name)
    try:
        size = staged.stat().st_size
        if size == 0:
            raise BadUpload.for_field("file", "is empty (0 bytes)")
        with staged.open("rb") as handle:
            head = handle.read(4096)
        kind = kind_of(head, name)
        check_scope(principal, project_id)  # again: the route's check ran before the file arrived
        target, relative = storage_path(library, UPLOADS, kind)
        os.replace(staged, target)
    except BaseException:
        staged.unlink(missing_ok=True)
        raise
    try:
        shown = (title or "").strip()[:200] or default_title(target, kind) or name
        document = _create(library, principal, shown, kind, "upload", relative, project_id)
    except BaseException:
        target.unlink(missing_ok=True)  # no row points at it, and the scan leaves the uploads folder alone
        raise
    return library.queue(document.id, principal.user_id, _out_one(principal, document.id))


def remove_abandoned_uploads(kb_dir: Path, older_than: float = ABANDONED_UPLOAD_SECONDS) -> list[str]:
    """Names of the staged uploads (`uploads/.incoming-*`) removed because none was written to for `older_than`
    seconds. The upload route removes its staged file on every error; what is left was cut short by a crash or a
    killed process and only fills the disk. A live upload is written to continuously, so its mtime stays fresh."""
    cutoff = time.time() - older_than
    removed = []
    for path in sorted((kb_dir / UPLOADS).glob(INCOMING + "*")):
        try:
            if path.is_file() and not path.is_symlink() and path.stat().st_mtime < cutoff:
                path.unlink()
                removed.append(path.name)
        except FileNotFoundError:
            continue  # adopted or removed meanwhile
    return removed


def _create(
    library: Library, principal: Principal, title: str, kind: str, origin: str, relative: str, project_id: int | None
) -> Document:
    path = library.kb_dir / relative
    stat = path.stat()
    now = utcnow()
    with transaction(write=True):
        return Document.create(
            title=title, kind=kind, origin=origin, path=relative, size=stat.st_size, mtime_ns=stat.st_mtime_ns,
            sha256=file_sha256(path), owner=principal.user_id, project=project_id, status="queued",
            created_at=now, updated_at=now,
        )  # fmt: skip


def _out_one(principal: Principal, document_id: int) -> DocumentOut:
    with transaction():
        document = Document.get_by_id(document_id)
        [out] = _outputs([document], principal, _roles(principal))
        return DocumentOut(**out)


def file_sha256(path: Path) -> str:
    """The file's content fingerprint, read in 1 MB blocks (the indexer compares it to skip unchanged files)."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _read_text(path: Path) -> str:
    """A note's current text ("" when its file is gone): what an edit's new @mentions are compared with."""
    try:
        return path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""


def _write_atomically(path: Path, text: str) -> None:
    temp = path.with_name(path.name + ".part")
    with temp.open("w", encoding="utf-8") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temp, path)


def create_note(library: Library, principal: Principal, data: NoteCreate) -> DocumentOut:
    check_scope(principal, data.project_id)
    path, relative = storage_path(library, NOTES, "md")
    _write_atomically(path, data.text.rstrip() + "\n")
    title = (data.title or "").strip() or first_heading(data.text) or _first_line(data.text)
    with transaction(write=True):  # the listeners' notifications commit with the note's row
        document = _create(library, principal, title, "md", "note", relative, data.project_id)
        announce(NoteWritten(document.id, principal.user_id, data.project_id, title, data.text, ""))
    return library.queue(document.id, principal.user_id, _out_one(principal, document.id))


NOTE_TITLE_CHARS = 80


def _first_line(text: str) -> str:
    """A note without a title or a heading: its first line, shortened."""
    line = next((_plain(line) for line in text.splitlines() if _plain(line)), "") or "Untitled note"
    return line if len(line) <= NOTE_TITLE_CHARS else line[: NOTE_TITLE_CHARS - 1].rstrip() + "…"


def update_note(library: Library, principal: Principal, document_id: int, patch: NotePatch) -> DocumentOut:
    with transaction():
        document = _manageable(principal, document_id)
    if document.origin != "note":
        raise NotANote.for_field("id", "only notes can be edited; upload a new version of a file instead")
    changes: dict[str, Any] = {"updated_at": utcnow()}
    if patch.title is not None:
        changes["title"] = patch.title
    before = ""
    if patch.text is not None:
        path = library.kb_dir / document.path
        before = _read_text(path)
        _write_atomically(path, patch.text.rstrip() + "\n")
        stat = path.stat()
        sha256 = file_sha256(path)
        changes.update(size=stat.st_size, mtime_ns=stat.st_mtime_ns, sha256=sha256, status="queued", reason="")
    with transaction(write=True):
        Document.update(**changes).where(Document.id == document_id).execute()
        if patch.text is not None:
            title = str(changes.get("title", document.title))
            announce(NoteWritten(document_id, principal.user_id, document.project_id, title, patch.text, before))
    out = _out_one(principal, document_id)
    return library.queue(document_id, principal.user_id, out) if patch.text is not None else out


def update_document(library: Library, principal: Principal, document_id: int, patch: DocumentPatch) -> DocumentOut:
    """Rename or re-scope a document: the uploader, an owner of its project or an administrator. Moving it out of a
    project needs an owner of that project (check_move_out); moving it into one needs the member role there. Its
    vectors' scope follows in the same unit of work, so a member of the old project stops retrieving it at once."""
    with transaction():
        document = _manageable(principal, document_id)
    changes: dict[str, Any] = {}
    if "title" in patch.model_fields_set and patch.title is not None:
        changes["title"] = patch.title
    moving = "project_id" in patch.model_fields_set and patch.project_id != document.project_id
    if moving:
        check_move_out(principal, document)
        check_scope(principal, patch.project_id)
        changes["project"] = patch.project_id
    if changes:
        with transaction(write=True):
            Document.update(updated_at=utcnow(), **changes).where(Document.id == document_id).execute()
            if moving:
                library.rescope(document_id, patch.project_id)
        log.info("document %d changed by user %d: %s", document_id, principal.user_id, sorted(changes))
    return _out_one(principal, document_id)


def delete_document(library: Library, principal: Principal, document_id: int) -> None:
    """The file, its chunks and its vectors go; nothing remembers it (upstream B12: a re-upload is indexed again)."""
    with transaction():
        document = _manageable(principal, document_id)
    library.forget(document)


def retry(library: Library, principal: Principal, document_id: int) -> DocumentOut:
    """Index the document again (after a failure or a cancel); needs the same rights as delete."""
    with transaction():
        document = _manageable(principal, document_id)
    library.reset(document.id)
    return library.queue(document.id, principal.user_id, _out_one(principal, document_id))
