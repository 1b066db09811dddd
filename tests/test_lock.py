"""The read lock (GOVTEXT_READ_TOKEN_REQUIRED=1) on a real `govtext serve` over loopback.

Every route the app has - enumerated from its URL map, so a page added later
is covered without editing this file - refuses a request without the token:
401 with the JSON problem, or a redirect to /login for a browser asking for a
page. Bearer, HTTP Basic and the session cookie from /login let a reader in.
"""

from __future__ import annotations

import base64
import json
import re
from urllib.parse import quote, urlencode

import pytest

from bench.httpraw import call, call_json
from conftest import serving

TOKEN = "s3cret-token-for-tests"
LOCKED = {"GOVTEXT_READ_TOKEN_REQUIRED": "1", "GOVTEXT_API_TOKEN": TOKEN}


@pytest.fixture(scope="module")
def locked(seeded_dir):
    with serving(seeded_dir, workers=1, env=LOCKED) as base:
        yield base


def _routes():
    """(method, path) of every route of the app, path arguments filled with a placeholder id."""
    from govtext.settings import load_settings
    from service.app import create_app
    from service.auth import is_public

    app = create_app(load_settings(data_dir="/nonexistent-never-opened"))
    out = []
    for rule in app.url_map.iter_rules():
        path = re.sub(r"<(?:[^:>]+:)?[^>]+>", "doc-x", rule.rule)
        if is_public(path) or rule.endpoint == "static" or rule.endpoint.endswith(".static"):
            continue
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            out.append((method, path))
    return out


ROUTES = _routes()


def test_the_app_has_the_data_routes_the_issue_names():
    paths = {p for _, p in ROUTES}
    for needed in (
        "/",
        "/documents/doc-x",
        "/export.jsonl",
        "/export.csv",
        "/boilerplate",
        "/check",
        "/api/v1/search",
        "/api/v1/documents/doc-x",
        "/api/v1/check",
        "/api/v1/boilerplate",
    ):
        assert needed in paths, needed


@pytest.mark.parametrize("method,path", ROUTES)
def test_every_route_is_locked_without_a_token(locked, method, path):
    query = "?" + urlencode({"q": "治理", "format": "json", "text": "一是组织建设实效化。"})
    body = {"text": "一是组织建设实效化。"} if method == "POST" else None
    status, headers, data = call_json(locked, method, quote(path) + query, body, {"Accept": "application/json"})
    assert status == 401, (method, path, status, data)
    assert data["code"] == "unauthorized" and "Bearer" in headers["www-authenticate"]
    # a wrong token, a token's prefix and a token with a suffix are refused alike
    for wrong in ("nope", TOKEN[:-1], TOKEN + "x", ""):
        status, _, _ = call(
            locked,
            method,
            quote(path) + query,
            json.dumps(body) if body else None,
            {"Authorization": f"Bearer {wrong}", "Accept": "application/json", "Content-Type": "application/json"},
        )
        assert status == 401, (method, path, wrong)


def test_the_issue_routes_answer_with_the_token(locked):
    auth = {"Authorization": f"Bearer {TOKEN}"}
    for path in (
        "/?q=%E6%B2%BB%E7%90%86&format=json",
        "/export.jsonl?q=%E6%B2%BB%E7%90%86",
        "/export.csv?q=%E6%B2%BB%E7%90%86",
        "/boilerplate?format=json",
        "/api/v1/search?q=%E6%B2%BB%E7%90%86",
    ):
        status, _, _ = call(locked, "GET", path, headers=auth)
        assert status == 200, path
    status, _, report = call_json(locked, "POST", "/api/v1/check", {"text": "一是组织建设实效化。"}, auth)
    assert status == 200 and "overlap_ratio" in report
    status, _, hits = call_json(locked, "GET", "/?q=%E6%B2%BB%E7%90%86&format=json", headers=auth)
    doc_id = hits["hits"][0]["id"]
    status, _, doc = call_json(locked, "GET", f"/documents/{quote(doc_id)}?format=json", headers=auth)
    assert status == 200 and doc["text"]


def test_http_basic_with_the_token_as_password(locked):
    good = base64.b64encode(f"reader:{TOKEN}".encode()).decode()
    bad = base64.b64encode(b"reader:guess").decode()
    assert call(locked, "GET", "/boilerplate?format=json", headers={"Authorization": f"Basic {good}"})[0] == 200
    assert call(locked, "GET", "/boilerplate?format=json", headers={"Authorization": f"Basic {bad}"})[0] == 401


def test_a_browser_is_sent_to_login_and_the_session_cookie_opens_the_pages(locked):
    page = {"Accept": "text/html"}
    status, headers, _ = call(locked, "GET", "/boilerplate", headers=page)
    assert status == 303 and headers["location"].startswith("/login?next=")
    status, _, html = call(locked, "GET", headers["location"], headers=page)
    assert status == 200 and b'name="token"' in html
    form = {"Content-Type": "application/x-www-form-urlencoded", **page}
    status, headers, _ = call(locked, "POST", "/login", urlencode({"token": "guess", "next": "/boilerplate"}), form)
    assert status == 401 and "set-cookie" not in headers
    status, headers, _ = call(locked, "POST", "/login", urlencode({"token": TOKEN, "next": "/boilerplate"}), form)
    assert status == 303 and headers["location"] == "/boilerplate"
    cookie = headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and TOKEN not in cookie
    jar = {"Cookie": cookie.split(";")[0]}
    assert call(locked, "GET", "/boilerplate", headers={**page, **jar})[0] == 200
    status, _, _ = call(locked, "POST", "/check", urlencode({"text": "一是组织建设实效化。"}), {**form, **jar})
    assert status == 200
    # a login never redirects off the site
    status, headers, _ = call(locked, "POST", "/login", urlencode({"token": TOKEN, "next": "//evil.example/x"}), form)
    assert status == 303 and headers["location"] == "/"


def test_a_cookie_does_not_authorize_writes(locked):
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    status, headers, _ = call(locked, "POST", "/login", urlencode({"token": TOKEN}), form)
    jar = {"Cookie": headers["set-cookie"].split(";")[0]}
    status, _, _ = call(locked, "POST", "/api/v1/documents", {"text": "新增的一份文档。"}, jar)
    assert status == 401


def test_health_and_the_api_description_stay_open(locked):
    assert call(locked, "GET", "/api/v1/health")[0] == 200
    assert call(locked, "GET", "/api/v1/openapi.json")[0] == 200


def test_tokens_are_compared_in_constant_time():
    """The comparison is hmac.compare_digest's (no early exit): checked on the code path itself."""
    import hmac
    from unittest import mock

    from service import auth

    with mock.patch.object(hmac, "compare_digest", wraps=hmac.compare_digest) as spy:
        assert auth.token_matches(TOKEN, TOKEN) and not auth.token_matches(TOKEN[:-1], TOKEN)
    assert spy.call_count == 2
