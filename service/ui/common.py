"""What every page of the web UI shares: the blueprint, labels, reading through
the backend contract, the JSON twin, safe snippets and links, and the error pages."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from urllib.parse import urlencode, urlsplit

from flask import Blueprint, Response, jsonify, render_template, request
from markupsafe import Markup
from werkzeug.exceptions import HTTPException

from govtext.errors import BadInput, GovtextError
from govtext.validation import parse_int
from nlp.taxonomy import get_taxonomy
from service.context import get_backend, get_settings
from service.doc_types import DOC_TYPE_LABELS, doc_type_name  # noqa: F401  (re-exported)
from service.report_view import MATCH_KINDS, SOURCE_COLOURS, percent  # noqa: F401  (re-exported)
from pathlib import Path


FILTER_PARAMS = ("theme", "region", "city", "year", "type", "doc_type", "site", "status")

log = logging.getLogger(__name__)

SERVICE_DIR = Path(__file__).resolve().parent.parent
ui = Blueprint(
    "ui",
    __name__,
    template_folder=str(SERVICE_DIR / "templates"),
    static_folder=str(SERVICE_DIR / "static"),
    static_url_path="/static",
)

PAGE_SIZE = 10
EXPORT_MAX = 1000
SIMILAR_LIMIT = 8
BOILERPLATE_LIMIT = 50
SHADE_MIN_CHARS = 10  # shorter paragraphs are not shaded (dedup's boilerplate() skips them too)

SORT_LABELS = {"relevance": "相关度", "-date": "最新", "date": "最早"}
ENTITY_LABELS = {
    "regions": "地区",
    "region": "地区",
    "places": "地点",
    "dates": "日期",
    "doc_numbers": "文号",
    "document_numbers": "文号",
    "wenhao": "文号",
    "titles": "引用文件",
    "cited_titles": "引用文件",
    "organizations": "机构",
    "orgs": "机构",
    "persons": "人物",
    "people": "人物",
    "laws": "法规",
}
ERROR_TITLES = {
    400: "请求有误",
    401: "需要授权",
    403: "无权访问",
    404: "找不到页面",
    405: "不支持的请求方式",
    413: "内容太大",
    422: "无法读取内容",
    500: "服务器出错了",
    503: "服务暂不可用",
}
ERROR_CODES = {
    "bad_query": "查询语句有误",
    "empty_query": "请输入检索词",
    "empty_draft": "草稿没有可检查的文字",
    "not_found": "找不到",
    "bad_input": "输入有误",
}


# -- reading through the backend contract (search/backend.py) ------------------------


def check_draft(text: str, quotes_as_citation: bool, **options) -> dict:
    """The 查重 report of ``text``."""
    return get_backend().check(
        text, quotes_as_citation=quotes_as_citation, max_chars=get_settings().max_draft_chars, **options
    )


def theme_names() -> dict[str, str]:
    """Theme id → 名称 from the taxonomy in ``index_config/``."""
    return {t.id: t.name for t in get_taxonomy(get_settings().config_dir).themes}


def doc_titles(doc_ids) -> dict[str, str]:
    """id → title for many documents, in one backend read."""
    ids = [i for i in dict.fromkeys(doc_ids) if i]
    return get_backend().titles(ids) if ids else {}


# -- small helpers ----------------------------------------------------------------

_MARK = re.compile(r"</?mark>")


def safe_snippet(snippet: str) -> Markup:
    """Mark a backend snippet safe only if its sole markup is <mark>…</mark>.

    The backend escapes the document text and adds ``<mark>``; if anything else
    that looks like a tag is left, escape the whole snippet (fail safe).
    """
    snippet = snippet or ""
    if "<" in _MARK.sub("", snippet) or ">" in _MARK.sub("", snippet):
        return Markup.escape(snippet)
    return Markup(snippet)


def safe_href(url: str) -> str:
    """A link target only for http(s) URLs; anything else (javascript:, file:) → ''."""
    try:
        scheme = urlsplit(url or "").scheme.lower()
    except ValueError:
        return ""
    return url if scheme in ("http", "https") else ""


def wants_json() -> bool:
    if request.args.get("format") == "json":  # not request.form: it may be the body that failed (413)
        return True
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return best == "application/json" and request.accept_mimetypes[best] > request.accept_mimetypes["text/html"]


def render_page(template: str, model: dict, view: Callable[[], dict] | None = None, status: int = 200):
    """One page, two forms, from one view model (the datasette habit).

    The JSON twin (``?format=json`` or ``Accept: application/json``) is ``model``
    itself, which the views build in the API's shape (tests/test_ui_twins.py holds
    them to it). The HTML page renders ``template`` with the model as ``model``
    plus ``view()``: what only the page needs (labels, pagination, links), built
    only for the page."""
    if wants_json():
        return jsonify(model), status
    context = {"json_url": json_url(), **(view() if view else {})}
    return render_template(template, model=model, **context), status


def url_with(**changes) -> str:
    """The current page's URL with some arguments changed (None removes; lists set many)."""
    args = request.args.to_dict(flat=False)
    args.pop("format", None)
    if "offset" not in changes:
        args.pop("offset", None)
    for key, value in changes.items():
        if value is None or value == "" or value == []:
            args.pop(key, None)
        elif isinstance(value, (list, tuple)):
            args[key] = [str(v) for v in value]
        else:
            args[key] = [str(value)]
    query = urlencode([(k, v) for k, vs in args.items() for v in vs])
    return request.path + ("?" + query if query else "")


def json_url() -> str:
    args = request.args.to_dict(flat=False)
    args["format"] = ["json"]
    return request.path + "?" + urlencode([(k, v) for k, vs in args.items() for v in vs])


def recurrence_level(n: int) -> int:
    """Shading class for a paragraph found in ``n`` documents (itself included)."""
    if n <= 1:
        return 0
    if n == 2:
        return 1
    if n <= 5:
        return 2
    if n <= 20:
        return 3
    return 4


@ui.app_template_filter("doc_type")
def _doc_type_filter(type_id: str) -> str:
    return doc_type_name(type_id)


@ui.app_context_processor
def _context():
    return {
        "safe_snippet": safe_snippet,
        "safe_href": safe_href,
        "url_with": url_with,
        "percent": percent,
        "SORT_LABELS": SORT_LABELS,
        "MATCH_KINDS": MATCH_KINDS,
    }


@ui.after_request
def _headers(response: Response) -> Response:
    response.headers.setdefault(
        "Content-Security-Policy",
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'",
    )
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    return response


# -- errors: a friendly Chinese page (or the JSON problem for the JSON twin) -------


def _error_response(status: int, code: str, message: str):
    if wants_json() or request.path.startswith("/api/"):
        response = jsonify({"status": status, "code": code, "message": message})
        response.status_code = status
        return response
    title = ERROR_CODES.get(code) or ERROR_TITLES.get(status) or "出错了"
    if status == 404:
        on_document = (request.endpoint or "") in ("ui.document", "ui.copies")
        title = "找不到这份文档" if on_document else "找不到这个页面"
    return render_template("error.html", status=status, code=code, title=title, message=message), status


@ui.errorhandler(GovtextError)
def _govtext_error(exc: GovtextError):
    if exc.status >= 500:
        log.error("%s: %s", exc.code, exc.message)
    return _error_response(exc.status, exc.code, exc.message)


HTTP_MESSAGES = {
    404: "没有这个页面。",
    405: "这个地址不支持这种请求方式。",
    413: "提交的内容超过了大小上限，请分段检查。",
}


@ui.errorhandler(HTTPException)
def _http_error(exc: HTTPException):
    code = (exc.name or "error").lower().replace(" ", "_")
    message = exc.description or exc.name
    if not wants_json():
        message = HTTP_MESSAGES.get(exc.code or 500, message)
    return _error_response(exc.code or 500, code, message)


@ui.errorhandler(Exception)
def _unexpected(exc: Exception):
    log.exception("unhandled error on %s %s", request.method, request.path)
    return _error_response(500, "internal_error", "服务器处理这个请求时出错，错误已记入日志。")


@ui.app_errorhandler(404)
def _not_found_anywhere(exc):
    """Unknown URLs outside /api/ get the Chinese page; /api/ keeps its JSON problem."""
    message = "没有这个页面。" if not request.path.startswith("/api/") else (exc.description or "Not Found")
    return _error_response(404, "not_found", message)


def _int_param(name: str, default: int, low: int, high: int) -> int:
    value = _optional_int_param(name, low, high)
    return default if value is None else value


def _optional_int_param(name: str, low: int, high: int) -> int | None:
    raw = request.args.get(name, "").strip()
    if not raw:
        return None
    try:
        value = parse_int(raw, name)  # ASCII digits only, as in the API (govtext.validation)
    except BadInput:
        raise BadInput(f"参数 {name} 应是整数，收到的是 {raw[:40]!r}。") from None
    if not low <= value <= high:
        raise BadInput(f"参数 {name} 应在 {low} 到 {high} 之间。")
    return value
