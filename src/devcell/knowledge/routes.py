"""HTTP routes of the knowledge slice: documents, notes, search, cited answers, status, rescan, LLM test."""

from __future__ import annotations

import shutil
import time
import uuid
from pathlib import Path
from typing import Any

from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import FileResponse, Response

from devcell.core import llm
from devcell.core.auth import Access
from devcell.core.errors import UnsupportedMediaType
from devcell.core.events import sse_response
from devcell.core.web import ApiRoute, Call, json, no_content
from devcell.knowledge import answers, indexing, retrieval, service
from devcell.knowledge.errors import BadUpload, TooLarge
from devcell.knowledge.runtime import INCOMING, UPLOADS, Knowledge
from devcell.knowledge.schemas import (
    AskIn,
    AskOut,
    DocumentDetail,
    DocumentOut,
    DocumentPage,
    DocumentPatch,
    DocumentQuery,
    LLMTestOut,
    NoteCreate,
    NotePatch,
    ScanOut,
    SearchOut,
    SearchQuery,
    StatusOut,
)

MULTIPART_SLACK = 64 * 1024  # headers and boundaries around the file


def _kn(call: Call) -> Knowledge:
    knowledge: Knowledge = call.state.knowledge
    return knowledge


async def list_documents(call: Call) -> Response:
    """Documents I can see (everyone's and my projects'), filtered and paged."""
    query = call.query(DocumentQuery)
    return json(await call.run(service.list_documents, call.user, query))


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


async def upload_document(call: Call) -> Response:
    """Add a Markdown, text or PDF file: multipart field `file` (optional `title`, `project_id`)."""
    kn = _kn(call)
    limit = call.state.settings.get_int("upload_max_mb") * 2**20
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
        staged = kn.kb_dir / UPLOADS / f"{INCOMING}{uuid.uuid4().hex}"
        try:
            await call.run(_stage, upload, staged)
            out = await call.run(
                service.add_upload, kn, call.user, staged, upload.filename, title if isinstance(title, str) else None,
                project_id,
            )  # fmt: skip
        finally:
            staged.unlink(missing_ok=True)  # an adopted upload was renamed away: anything left here is a failure's
    finally:
        await form.close()
    return json(out, 201)


async def get_document(call: Call) -> Response:
    """One document with its status (and its text, for Markdown and text documents)."""
    return json(await call.run(service.get_document, _kn(call), call.user, call.path_int("document_id")))


async def document_content(call: Call) -> Response:
    """Download the original file."""
    path, name, media = await call.run(service.content_file, _kn(call), call.user, call.path_int("document_id"))
    return FileResponse(path, media_type=media, filename=name)


async def patch_document(call: Call) -> Response:
    """Rename a document or move it to another scope (`project_id`: a project, or null for everyone); the
    uploader, an owner of its project or an administrator; the member role is needed in the new project."""
    patch = await call.body(DocumentPatch)
    return json(await call.run(service.update_document, _kn(call), call.user, call.path_int("document_id"), patch))


async def delete_document(call: Call) -> Response:
    """Delete a document: file, passages and vectors (the uploader, a project owner or an administrator)."""
    await call.run(service.delete_document, _kn(call), call.user, call.path_int("document_id"))
    return no_content()


async def reindex_document(call: Call) -> Response:
    """Index a document again (retry after a failure or cancel); answers with its new job."""
    return json(await call.run(service.retry, _kn(call), call.user, call.path_int("document_id")), 202)


async def create_note(call: Call) -> Response:
    """Write a Markdown note (stored as a file in the knowledgebase) and index it."""
    data = await call.body(NoteCreate)
    return json(await call.run(service.create_note, _kn(call), call.user, data), 201)


async def patch_note(call: Call) -> Response:
    """Change a note's title or text (the text is indexed again)."""
    patch = await call.body(NotePatch)
    return json(await call.run(service.update_note, _kn(call), call.user, call.path_int("document_id"), patch))


async def search(call: Call) -> Response:
    """Passages that match a question, one per document, best first, from documents I can see."""
    query = call.query(SearchQuery)
    return json(await call.run(retrieval.search, _kn(call), call.user, query.q, query.limit, query.project))


async def ask(call: Call) -> Response:
    """Answer a question from the knowledgebase with numbered citations (SSE with `stream`); without an LLM,
    or with use_llm=false, the best passages labelled as extracts."""
    data = await call.body(AskIn)
    kn = _kn(call)
    config = answers.llm_config(call.state.settings)
    sources = await call.run(answers.gather, kn, call.user, data)
    budget = call.state.settings.get_int("llm_context_tokens")
    if data.stream:
        return sse_response(answers.stream_answer(kn, call.user, data, config, sources, budget))
    if not answers.wants_llm(data, config, sources.citations):
        return json(answers.extracts(data, sources, config.configured))
    return json(await answers.answer(kn, call.user, data, config, sources, budget))


async def knowledge_status(call: Call) -> Response:
    """Documents by status, passages, vectors, the model, and whether index and database agree. The counts are
    of the documents I may see; only administrators get the totals and the vector count."""
    return json(await call.run(service.status, _kn(call), call.user))


async def rescan(call: Call) -> Response:
    """Scan the knowledgebase directory now: new and changed files are indexed, removed ones dropped."""
    return json(await call.run(indexing.scan, _kn(call)))


async def _probe(config: llm.LLMConfig) -> dict[str, Any]:
    started = time.perf_counter()
    result: dict[str, Any] = {"ok": False, "base_url": config.base_url, "models": [], "model_available": None}
    try:
        names = await llm.models(config, fresh=True)
    except llm.LLMError as exc:
        result["error"] = {"code": exc.code, "message": exc.message}
    else:
        result.update(ok=True, models=names, model_available=(config.model in names) if config.model else None)
    result["took_ms"] = round((time.perf_counter() - started) * 1000, 1)
    return result


async def test_llm(call: Call) -> Response:
    """Test the LLM connection with GET /v1/models (no completion is spent); the outcome is in `ok`/`error`."""
    return json(await _probe(answers.llm_config(call.state.settings)))


async def llm_status(call: Call) -> Response:
    """Whether an LLM is configured and reachable (cached for 30 s), for the top bar."""
    config = answers.llm_config(call.state.settings)
    if not config.configured:
        return json({"configured": False, "reachable": False, "model": "", "message": "No LLM is configured."})
    started = time.perf_counter()
    try:
        await llm.models(config)
    except llm.LLMError as exc:
        return json({"configured": True, "reachable": False, "model": config.model, "message": exc.message})
    took = round((time.perf_counter() - started) * 1000, 1)
    return json({"configured": True, "reachable": True, "model": config.model, "message": f"Reachable ({took} ms)."})


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
    ApiRoute("GET", "/api/search", search, access=U, query=SearchQuery, response=SearchOut),
    ApiRoute("POST", "/api/ask", ask, access=U, body=AskIn, response=AskOut),
    ApiRoute("GET", "/api/knowledge/status", knowledge_status, access=U, response=StatusOut),
    ApiRoute("POST", "/api/knowledge/rescan", rescan, access=Access.ADMIN, response=ScanOut),
    ApiRoute("POST", "/api/settings/llm/test", test_llm, access=Access.ADMIN, response=LLMTestOut),
    ApiRoute("GET", "/api/llm/status", llm_status, access=U),
]
