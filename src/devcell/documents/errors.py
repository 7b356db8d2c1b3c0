"""Knowledge errors, each with a stable code."""

from __future__ import annotations

from devcell.core.errors import DevCellError, Forbidden, NotFound, UnsupportedMediaType, ValidationFailed


class DocumentNotFound(NotFound):
    """Also for documents the caller cannot see: ids must not leak."""

    code = "document_not_found"

    def __init__(self, document_id: int) -> None:
        super().__init__(f"There is no document with id {document_id}, or you cannot see it.")


class NotAllowed(Forbidden):
    code = "document_not_allowed"


class TooLarge(DevCellError):
    status = 413
    code = "upload_too_large"


class UnsupportedFile(UnsupportedMediaType):
    code = "unsupported_file"


class BadUpload(ValidationFailed):
    code = "bad_upload"


class NotANote(ValidationFailed):
    code = "not_a_note"
