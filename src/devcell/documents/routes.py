"""HTTP routes of the documents slice: listing, upload, download, rename and move, delete, re-index, notes."""

from __future__ import annotations

import shutil
import uuid
from pathlib import Path
from typing import Any

from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import FileResponse, Response

from devcell.core.auth import Access
from devcell.core.errors import UnsupportedMediaType
from devcell.core.web import ApiRoute, Call
from devcell.documents import service
from devcell.documents.errors import BadUpload, TooLarge
from devcell.documents.schemas import (
    DocumentDetail,
    DocumentOut,
    DocumentPage,
    DocumentPatch,
    DocumentQuery,
    NoteCreate,
    NotePatch,
)
from devcell.documents.service import INCOMING, LIBRARY, UPLOADS, Library
from devcell.settings.service import SETTINGS_STORE

MULTIPART_SLACK = 64 * 1024  # headers and boundaries around the file


def _library(call: Call) -> Library:
    return call.state.need(LIBRARY)


async def list_documents(call: Call, query: DocumentQuery) -> DocumentPage:
    """Documents I can see (everyone's and my projects'), filtered and paged."""
    return await call.run(service.list_documents, _library(call), call.user, query)


def _limited(request: Request, limit: int) -> Request:
    """The request with a body that stops at `limit` bytes (a client may lie about or omit Content-Length)."""
    received = 0

    async def receive() -> Any:
        nonlocal received
        message = await request.receive()
        if message["type"] == "http.request":
            received += len(message.get("body", b""))
            if received > limit:
                raise TooLarge(f"The upload is larger than the limit of {limit // 2**20} MB (setting upload_max_mb).")
        return message

    return Request(request.scope, receive)


def _stage(upload: UploadFile, target: Path) -> None:
    with target.open("wb") as out:
        shutil.copyfileobj(upload.file, out, 1 << 20)


def _project_field(raw: object) -> int | None:
    if raw in (None, ""):
        return None
    if isinstance(raw, str) and raw.isdigit():
        return int(raw)
    raise BadUpload.for_field("project_id", "must be a project id")


async def upload_document(call: Call) -> DocumentOut:
    """Add a Markdown, text or PDF file: multipart field `file` (optional `title`, `project_id`)."""
    library = _library(call)
    limit = call.state.need(SETTINGS_STORE).get_int("upload_max_mb") * 2**20
    request = call.request
    if not request.headers.get("content-type", "").lower().startswith("multipart/form-data"):
        raise UnsupportedMediaType("Send the file as multipart/form-data in a field named `file`.")
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit + MULTIPART_SLACK:
        raise TooLarge(f"The upload is larger than the limit of {limit // 2**20} MB (setting upload_max_mb).")
    try:
        form = await _limited(request, limit + MULTIPART_SLACK).form(max_files=1, max_fields=10)
    except TooLarge:
        raise
    except Exception as exc:  # starlette's MultiPartException and parser errors: a malformed body
        raise BadUpload.for_field("body", f"is not a valid multipart form ({exc})") from None
    try:
        upload = form.get("file")
        if not isinstance(upload, UploadFile):
            raise BadUpload.for_field("file", "is missing: send the document in a multipart field named `file`")
        if upload.size is not None and upload.size > limit:
            raise TooLarge(f"The upload is larger than the limit of {limit // 2**20} MB (setting upload_max_mb).")
        # The other fields and the caller's right to the scope first: a refusal then writes nothing at all.
        title = form.get("title")
        project_id = _project_field(form.get("project_id"))
        await call.run(service.check_scope, call.user, project_id)
        staged = library.kb_dir / UPLOADS / f"{INCOMING}{uuid.uuid4().hex}"
        try:
            await call.run(_stage, upload, staged)
            out = await call.run(
                service.add_upload, library, call.user, staged, upload.filename,
                title if isinstance(title, str) else None, project_id,
            )  # fmt: skip
        finally:
            staged.unlink(missing_ok=True)  # an adopted upload was renamed away: anything left here is a failure's
    finally:
        await form.close()
    return out


async def get_document(call: Call) -> DocumentDetail:
    """One document with its status (and its text, for Markdown and text documents)."""
    return await call.run(service.get_document, _library(call), call.user, call.path_int("document_id"))


async def document_content(call: Call) -> Response:
    """Download the original file."""
    path, name, media = await call.run(service.content_file, _library(call), call.user, call.path_int("document_id"))
    return FileResponse(path, media_type=media, filename=name)


async def patch_document(call: Call, body: DocumentPatch) -> DocumentOut:
    """Rename a document or move it to another scope (`project_id`: a project, or null for everyone); the
    uploader, an owner of its project or an administrator; the member role is needed in the new project."""
    return await call.run(service.update_document, _library(call), call.user, call.path_int("document_id"), body)


async def delete_document(call: Call) -> None:
    """Delete a document: file, passages and vectors (the uploader, a project owner or an administrator)."""
    await call.run(service.delete_document, _library(call), call.user, call.path_int("document_id"))


async def reindex_document(call: Call) -> DocumentOut:
    """Index a document again (retry after a failure or cancel); answers with its new job."""
    return await call.run(service.retry, _library(call), call.user, call.path_int("document_id"))


async def create_note(call: Call, body: NoteCreate) -> DocumentOut:
    """Write a Markdown note (stored as a file in the knowledgebase) and index it."""
    return await call.run(service.create_note, _library(call), call.user, body)


async def patch_note(call: Call, body: NotePatch) -> DocumentOut:
    """Change a note's title or text (the text is indexed again)."""
    return await call.run(service.update_note, _library(call), call.user, call.path_int("document_id"), body)


U = Access.USER
DOC = "/api/documents/{document_id:int}"
NOTE = "/api/documents/notes/{document_id:int}"
ROUTES = [
    ApiRoute("GET", "/api/documents", list_documents, access=U, query=DocumentQuery, response=DocumentPage),
    ApiRoute("POST", "/api/documents", upload_document, access=U, response=DocumentOut, status=201),
    ApiRoute("POST", "/api/documents/notes", create_note, access=U, body=NoteCreate, response=DocumentOut, status=201),
    ApiRoute("PATCH", NOTE, patch_note, access=U, body=NotePatch, response=DocumentOut),
    ApiRoute("GET", DOC, get_document, access=U, response=DocumentDetail),
    ApiRoute("PATCH", DOC, patch_document, access=U, body=DocumentPatch, response=DocumentOut),
    ApiRoute("DELETE", DOC, delete_document, access=U, status=204),
    ApiRoute("GET", DOC + "/content", document_content, access=U),
    ApiRoute("POST", DOC + "/reindex", reindex_document, access=U, response=DocumentOut, status=202),
]
