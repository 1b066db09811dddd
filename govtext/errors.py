"""Typed errors. Each carries an HTTP status and a stable code so that the API,
the CLI and library callers report the same problem the same way."""

from __future__ import annotations


class GovtextError(Exception):
    status = 500
    code = "internal_error"

    def __init__(self, message: str, *, code: str | None = None, status: int | None = None):
        super().__init__(message)
        self.message = message
        if code:
            self.code = code
        if status:
            self.status = status

    def to_dict(self) -> dict:
        return {"status": self.status, "code": self.code, "message": self.message}


class BadInput(GovtextError):
    """The caller sent something we cannot use (empty, too big, malformed)."""

    status = 400
    code = "bad_input"


class QuerySyntaxError(BadInput):
    code = "bad_query"


class NotFound(GovtextError):
    status = 404
    code = "not_found"


class Unauthorized(GovtextError):
    status = 401
    code = "unauthorized"


class SourceError(GovtextError):
    """A file, page or line could not be read (missing, undecodable, broken)."""

    status = 422
    code = "unreadable_source"


class BackendError(GovtextError):
    status = 503
    code = "backend_unavailable"
