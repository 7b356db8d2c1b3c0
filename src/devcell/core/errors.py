"""Errors that services raise; the app renders each as the JSON error envelope with its HTTP status."""

from __future__ import annotations

from typing import Any


class DevCellError(Exception):
    """Base of every expected failure: a stable snake_case `code`, an HTTP status and a readable message."""

    status = 400
    code = "bad_request"

    def __init__(self, message: str, *, code: str | None = None, detail: Any = None) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code
        self.detail = detail

    def envelope(self) -> dict[str, Any]:
        error: dict[str, Any] = {"code": self.code, "message": self.message}
        if self.detail is not None:
            error["detail"] = self.detail
        return {"error": error}


class Unauthorized(DevCellError):
    status = 401
    code = "unauthorized"


class Forbidden(DevCellError):
    status = 403
    code = "forbidden"


class NotFound(DevCellError):
    status = 404
    code = "not_found"


class MethodNotAllowed(DevCellError):
    """405: the path exists, the method does not; `allowed` goes into the Allow header."""

    status = 405
    code = "method_not_allowed"

    def __init__(self, message: str, *, allowed: list[str]) -> None:
        super().__init__(message)
        self.allowed = allowed


class Conflict(DevCellError):
    status = 409
    code = "conflict"


class UnsupportedMediaType(DevCellError):
    status = 415
    code = "unsupported_media_type"


class PayloadTooLarge(DevCellError):
    status = 413
    code = "too_large"


class ValidationFailed(DevCellError):
    """422 with `detail` = [{"field", "message"}, ...]."""

    status = 422
    code = "validation_failed"

    @classmethod
    def for_field(cls, field: str, message: str) -> ValidationFailed:
        return cls(f"{field}: {message}", detail=[{"field": field, "message": message}])


class RateLimited(DevCellError):
    status = 429
    code = "rate_limited"

    def __init__(self, message: str, *, retry_after: int) -> None:
        super().__init__(message, detail={"retry_after": retry_after})
        self.retry_after = retry_after


class ServiceUnavailable(DevCellError):
    status = 503
    code = "unavailable"


class InternalError(DevCellError):
    """500: a failure nobody expected; the message stays generic, the details go to the log."""

    status = 500
    code = "internal_error"


class HttpError(DevCellError):
    """An error Starlette raised itself (HTTPException), rendered in our envelope with its own status."""

    code = "http_error"

    def __init__(self, message: str, *, status: int) -> None:
        super().__init__(message)
        self.status = status
