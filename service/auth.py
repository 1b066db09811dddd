"""The read lock and the write token, in one place.

With ``GOVTEXT_READ_TOKEN_REQUIRED=1`` every route that reads data - API, web
pages and their JSON twins, exports, boilerplate, the 查重 form - needs the
token (``GOVTEXT_API_TOKEN``). One ``before_request`` hook guards them all, so
a page added later is locked without anyone remembering to lock it; only
``PUBLIC`` paths (health, the OpenAPI document, the login page, static files)
stay open.

A request carries the token in one of three ways:

- ``Authorization: Bearer <token>`` (API clients, scripts);
- HTTP Basic with the token as the password (any user name; ``curl -u :token``);
- the session cookie a browser gets from ``/login`` (signed, HttpOnly,
  SameSite=Lax, valid ``SESSION_HOURS``; changing the token ends every session).

Writes (``POST /api/v1/documents``) take the Bearer header only: a cookie is
sent by the browser on its own, and a write must not be forgeable from another
site. Tokens are compared in constant time (``hmac.compare_digest``).
"""

from __future__ import annotations

import hashlib
import hmac
import os
from base64 import b64decode
from datetime import timedelta
from urllib.parse import urlsplit

from flask import Flask, current_app, jsonify, redirect, render_template, request, session, url_for

from govtext.errors import GovtextError, Unauthorized

PUBLIC = ("/api/v1/health", "/api/v1/openapi.json", "/login", "/logout", "/favicon.ico")
PUBLIC_PREFIXES = ("/static/",)
SESSION_HOURS = 12
_SESSION_KEY = "govtext_auth"


def _settings():
    return current_app.extensions["govtext_settings"]


def token_matches(given: str, expected: str) -> bool:
    """Constant-time comparison (no early exit on the first differing byte)."""
    if not expected:
        return False
    return hmac.compare_digest(given.encode("utf-8", "surrogatepass"), expected.encode("utf-8", "surrogatepass"))


def _token_tag(token: str) -> str:
    """What a session stores: a keyed digest of the token, never the token."""
    return hmac.new(token.encode("utf-8"), b"govtext session", hashlib.sha256).hexdigest()[:32]


def bearer_token() -> str:
    kind, _, value = request.headers.get("Authorization", "").partition(" ")
    return value.strip() if kind.lower() == "bearer" else ""


def basic_password() -> str:
    kind, _, value = request.headers.get("Authorization", "").partition(" ")
    if kind.lower() != "basic":
        return ""
    try:
        decoded = b64decode(value.strip(), validate=True).decode("utf-8")
    except (ValueError, UnicodeDecodeError):
        return ""
    return decoded.partition(":")[2]


def has_write_token() -> bool:
    return token_matches(bearer_token(), _settings().api_token)


def has_read_access() -> bool:
    token = _settings().api_token
    if not token:
        return False
    if token_matches(bearer_token(), token) or token_matches(basic_password(), token):
        return True
    return token_matches(str(session.get(_SESSION_KEY, "")), _token_tag(token))


def require_write_token() -> None:
    """Raise unless the request carries the write token (``Authorization: Bearer``)."""
    if not _settings().api_token:
        raise GovtextError(
            "writes over HTTP are disabled: start the server with GOVTEXT_API_TOKEN set",
            code="writes_disabled",
            status=403,
        )
    if not has_write_token():
        raise Unauthorized("send the API token as 'Authorization: Bearer <token>'")


def is_public(path: str) -> bool:
    return path in PUBLIC or path.startswith(PUBLIC_PREFIXES)


def _wants_page() -> bool:
    """A browser asking for a page (not the API, not a JSON twin): send it to the login form."""
    if request.path.startswith("/api/") or request.args.get("format") == "json":
        return False
    if request.method not in ("GET", "HEAD"):
        return False
    if not request.accept_mimetypes:
        return True
    return request.accept_mimetypes.best_match(["text/html", "application/json"]) == "text/html"


def _problem(status: int, code: str, message: str):
    response = jsonify({"status": status, "code": code, "message": message})
    response.status_code = status
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="govtext", Basic realm="govtext", charset="UTF-8"'
    return response


def guard():
    """The before_request hook: None lets the request through, a response stops it."""
    settings = _settings()
    if not settings.read_token_required or is_public(request.path):
        return None
    if not settings.api_token:
        return _problem(
            403,
            "reads_locked",
            "reads are locked (GOVTEXT_READ_TOKEN_REQUIRED) but no GOVTEXT_API_TOKEN is set: nobody can be let in",
        )
    if has_read_access():
        return None
    if _wants_page():
        return redirect(url_for("govtext_login", next=request.full_path.rstrip("?")), code=303)
    return _problem(
        401,
        "unauthorized",
        "this server is locked: send 'Authorization: Bearer <token>', "
        "HTTP Basic with the token as password, or log in at /login",
    )


def _safe_next(target: str | None) -> str:
    """Only a path on this site (no scheme, no host, no //evil.example)."""
    if not target:
        return "/"
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


def login():
    settings = _settings()
    error = ""
    status = 200
    next_url = _safe_next(request.values.get("next"))
    if request.method == "POST":
        given = request.form.get("token", "")
        if settings.api_token and token_matches(given, settings.api_token):
            session.clear()
            session.permanent = True
            session[_SESSION_KEY] = _token_tag(settings.api_token)
            return redirect(next_url, code=303)
        error, status = "口令不正确。", 401
    page = render_template("login.html", error=error, next_url=next_url, locked=settings.read_token_required)
    return (
        page,
        status,
        {
            "Content-Security-Policy": "default-src 'self'; form-action 'self'; frame-ancestors 'none'",
            "Cache-Control": "no-store",
        },
    )


def logout():
    session.clear()
    return redirect(url_for("govtext_login"), code=303)


def register_auth(app: Flask) -> None:
    settings = app.extensions["govtext_settings"]
    if not app.secret_key:
        # Sessions are signed with a key derived from the token (or random when there is none),
        # and hold a digest of the token: a new token ends every session.
        seed = settings.api_token.encode("utf-8") if settings.api_token else os.urandom(32)
        app.secret_key = hmac.new(seed, b"govtext cookie signing", hashlib.sha256).digest()
    app.config["SESSION_COOKIE_NAME"] = "govtext_session"
    app.config["SESSION_COOKIE_HTTPONLY"] = True
    app.config["SESSION_COOKIE_SAMESITE"] = "Lax"
    app.config["SESSION_COOKIE_SECURE"] = settings.cookie_secure
    app.config["PERMANENT_SESSION_LIFETIME"] = timedelta(hours=SESSION_HOURS)
    app.before_request(guard)
    app.add_url_rule("/login", "govtext_login", login, methods=["GET", "POST"])
    app.add_url_rule("/logout", "govtext_logout", logout, methods=["POST"])
