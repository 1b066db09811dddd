"""Every error leaves the service as JSON {status, code, message}; never a stack trace."""

from __future__ import annotations

import logging

from flask import Flask, jsonify, request
from werkzeug.exceptions import HTTPException

from govtext.errors import GovtextError

log = logging.getLogger(__name__)


def problem(status: int, code: str, message: str):
    response = jsonify({"status": status, "code": code, "message": message})
    response.status_code = status
    return response


def wants_json() -> bool:
    return request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json"


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(GovtextError)
    def _govtext(exc: GovtextError):
        if exc.status >= 500:
            log.error("%s: %s", exc.code, exc.message)
        return problem(exc.status, exc.code, exc.message)

    @app.errorhandler(HTTPException)
    def _http(exc: HTTPException):
        code = (exc.name or "error").lower().replace(" ", "_")
        response = problem(exc.code or 500, code, exc.description or exc.name)
        allowed = getattr(exc, "valid_methods", None)
        if allowed:  # 405 must say what is allowed
            response.headers["Allow"] = ", ".join(allowed)
        return response

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception):
        log.exception("unhandled error on %s %s", request.method, request.path)
        return problem(500, "internal_error", "the server failed to handle this request; it has been logged")
