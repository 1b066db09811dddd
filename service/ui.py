"""The web UI: search, document, 查重 (duplicate check) and boilerplate pages.

Jinja templates in ``service/templates`` (autoescape on), CSS and a little
vanilla JS in ``service/static``; nothing is fetched from a CDN. Every HTML
page has a JSON twin (``?format=json``, or ``Accept: application/json``),
the datasette habit.

Every stage is reached through the backend contract (``search/backend.py``)
and the nlp package; views neither probe the backend nor read the store.

The only HTML taken from outside the templates is a search hit's ``snippet``,
which the backend has already escaped except for its ``<mark>`` tags;
:func:`safe_snippet` checks that before marking it safe.
"""

from __future__ import annotations

import csv
import html
import io
import json
import logging
import re
from urllib.parse import urlencode, urlsplit

from flask import Blueprint, Response, jsonify, render_template, request, url_for
from markupsafe import Markup
from werkzeug.exceptions import HTTPException

from govtext.errors import BadInput, GovtextError, NotFound
from govtext.validation import parse_int
from nlp.doctype import DOC_TYPES
from nlp.taxonomy import get_taxonomy
from search.backend import SearchRequest
from search.request import build_request
from service.context import get_backend, get_settings

FILTER_PARAMS = ("theme", "region", "city", "year", "type", "doc_type", "site")

log = logging.getLogger(__name__)

ui = Blueprint("ui", __name__, template_folder="templates", static_folder="static", static_url_path="/static")

PAGE_SIZE = 10
EXPORT_MAX = 1000
SIMILAR_LIMIT = 8
BOILERPLATE_LIMIT = 50
SHADE_MIN_CHARS = 10  # shorter paragraphs are not shaded (dedup's boilerplate() skips them too)
SOURCE_COLOURS = 8  # .src0 … .src7 in style.css

# Labels of the document types that JSONL sources set themselves (the sample corpus);
# the types the NLP stage assigns are named by nlp.doctype.DOC_TYPES.
DOC_TYPE_LABELS = {
    "law": "法律",
    "regulation": "法规规章",
    "judicial": "司法解释",
    "case": "案例",
    "report": "工作报告",
}
SORT_LABELS = {"relevance": "相关度", "-date": "最新", "date": "最早"}
MATCH_KINDS = {"copy": "复制", "near_copy": "近似", "quotation": "引用", "boilerplate": "套话"}
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


def doc_type_name(type_id: str) -> str:
    """名称 of a document type: the NLP stage's names, then the sample corpus's JSONL types."""
    if not type_id:
        return ""
    return DOC_TYPES.get(type_id) or DOC_TYPE_LABELS.get(type_id, type_id)


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


def percent(x) -> str:
    try:
        return f"{100 * float(x):.1f}%"
    except (TypeError, ValueError):
        return "—"


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


# -- search ----------------------------------------------------------------------


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


def _search_request(limit: int | None = None) -> SearchRequest:
    """The SearchRequest of the page's arguments: search/request.py, as the API and CLI."""
    req = build_request(request.args.get, request.args.getlist, default_limit=PAGE_SIZE)
    if limit:
        req.limit = limit
    return req


def _facet_view(facets: dict, names: dict[str, str]) -> list[dict]:
    """Facets in display order with labels, selection state and links."""
    args = request.args
    selected_themes = [t for t in args.getlist("theme") if t]
    view = []
    specs = [
        ("theme", "主题", "theme"),
        ("region", "地区", "region"),
        ("year", "年份", "year"),
        ("doc_type", "文种", "type"),
        ("site", "来源", "site"),
    ]
    if args.get("region"):  # province → city drill-down
        specs.insert(2, ("city", "城市", "city"))
    for key, label, param in specs:
        values = list(facets.get(key) or [])
        if key == "year":
            values.sort(key=lambda v: str(v["value"]), reverse=True)
        items = []
        for v in values:
            value = str(v["value"])
            if value in ("", "0"):
                continue
            if key == "theme":
                shown = names.get(value, value)
                active = value in selected_themes
                link = url_with(
                    theme=[t for t in selected_themes if t != value] if active else selected_themes + [value]
                )
            else:
                shown = doc_type_name(value) if key == "doc_type" else value
                active = args.get(param) == value or (param == "type" and args.get("doc_type") == value)
                changes = {param: None if active else value}
                if param == "type":
                    changes["doc_type"] = None
                if param == "region":
                    changes["city"] = None  # a city belongs to its province
                link = url_with(**changes)
            items.append({"value": value, "label": shown, "count": v["count"], "active": active, "url": link})
        view.append({"key": key, "label": label, "items": items})
    return view


def _active_filters(names: dict[str, str]) -> list[dict]:
    args = request.args
    themes = [t for t in args.getlist("theme") if t]
    out = [
        {"label": "主题", "value": names.get(t, t), "url": url_with(theme=[x for x in themes if x != t])}
        for t in themes
    ]
    for param, label in (
        ("region", "地区"),
        ("city", "城市"),
        ("year", "年份"),
        ("type", "文种"),
        ("doc_type", "文种"),
        ("site", "来源"),
    ):
        value = args.get(param)
        if value:
            shown = doc_type_name(value) if param in ("type", "doc_type") else value
            out.append({"label": label, "value": shown, "url": url_with(**{param: None})})
    return out


@ui.get("/")
def search():
    q = request.args.get("q", "")
    names = theme_names()
    if not q.strip() and not any(request.args.get(k) for k in FILTER_PARAMS):
        health = get_backend().health()
        if wants_json():
            return jsonify({"query": "", "total": 0, "hits": [], "facets": {}, "documents": health["documents"]})
        return render_template(
            "search.html",
            q="",
            documents=health["documents"],
            names=names,
            data_dir=str(get_settings().data_dir),
            json_url=json_url(),
        )
    try:
        req = _search_request()
        response = get_backend().search(req)
    except BadInput as exc:
        if wants_json():
            raise
        title = ERROR_CODES.get(exc.code, "检索出错")
        return render_template(
            "search.html",
            q=q,
            error={"title": title, "message": exc.message},
            names=names,
            documents=None,
            json_url=json_url(),
        ), exc.status
    if wants_json():
        data = response.to_dict()
        data["theme_names"] = {t: names.get(t, t) for t in {t for h in response.hits for t in h.themes}}
        return jsonify(data)
    page = req.offset // req.limit + 1
    has_next = len(response.hits) >= req.limit and req.offset + req.limit < min(response.total, 10000)
    last_page = max(1, min(-(-response.total // req.limit), 10000 // req.limit))
    pages = [p for p in range(max(1, page - 3), min(last_page, page + 3) + 1)]
    return render_template(
        "search.html",
        q=q,
        response=response,
        req=req,
        names=names,
        facets=_facet_view(response.facets, names),
        active=_active_filters(names),
        page=page,
        pages=pages,
        has_next=has_next,
        last_page=last_page,
        offset_for=lambda p: (p - 1) * req.limit or None,
        export_csv=_export_url("ui.export_csv"),
        export_jsonl=_export_url("ui.export_jsonl"),
        json_url=json_url(),
        documents=None,
    )


def _export_url(endpoint: str) -> str:
    """The export of the whole result list (every page) of the current query and filters."""
    args = [
        (k, v)
        for k, vs in request.args.to_dict(flat=False).items()
        if k not in ("offset", "limit", "format")
        for v in vs
    ]
    return url_for(endpoint) + "?" + urlencode(args)


def _export_hits():
    """Every hit of the current query and filters, up to ``EXPORT_MAX`` (or ``max``)."""
    raw = request.args.get("max", "")
    try:
        wanted = int(raw) if raw else EXPORT_MAX
    except ValueError:
        raise BadInput(f"max must be an integer, got {raw[:40]!r}") from None
    wanted = max(1, min(wanted, EXPORT_MAX))
    req = _search_request(limit=min(100, wanted))
    req.facets = False
    start = req.offset
    backend = get_backend()
    hits = []
    while len(hits) < wanted:
        req.offset = start + len(hits)
        req.limit = min(100, wanted - len(hits))
        page = backend.search(req)
        hits.extend(page.hits)
        if len(page.hits) < req.limit or req.offset + req.limit > 10000:
            break
    return hits[:wanted]


def snippet_text(snippet: str) -> str:
    return html.unescape(_MARK.sub("", snippet or ""))


def _export_rows():
    names = theme_names()
    for rank, hit in enumerate(_export_hits(), 1):
        yield {
            "rank": rank,
            "id": hit.id,
            "title": hit.title,
            "date": hit.date,
            "region": hit.region,
            "doc_type": hit.doc_type,
            "source": hit.source,
            "url": hit.url,
            "score": hit.score,
            "themes": [names.get(t, t) for t in hit.themes],
            "theme_ids": hit.themes,
            "copies": hit.copies,
            "group_id": hit.group_id,
            "snippet": snippet_text(hit.snippet),
        }


def _csv_cell(value) -> str:
    """Stringify for CSV; neutralize spreadsheet formulas (=, +, -, @ at the start)."""
    if isinstance(value, list):
        value = "; ".join(str(v) for v in value)
    text = "" if value is None else str(value)
    if text[:1] in ("=", "+", "-", "@", "\t", "\r"):
        text = "'" + text
    return text


def _download_name(ext: str) -> str:
    return f"govtext-search.{ext}"


@ui.get("/export.csv")
def export_csv():
    rows = list(_export_rows())
    buf = io.StringIO()
    buf.write("\ufeff")  # so spreadsheet programs read UTF-8 Chinese correctly
    fields = [
        "rank",
        "id",
        "title",
        "date",
        "region",
        "doc_type",
        "source",
        "url",
        "score",
        "themes",
        "theme_ids",
        "copies",
        "group_id",
        "snippet",
    ]
    writer = csv.DictWriter(buf, fieldnames=fields)
    writer.writeheader()
    for row in rows:
        writer.writerow({k: _csv_cell(row[k]) for k in fields})
    return Response(
        buf.getvalue(),
        content_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f"attachment; filename={_download_name('csv')}"},
    )


@ui.get("/export.jsonl")
def export_jsonl():
    body = "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in _export_rows())
    return Response(
        body,
        content_type="application/x-ndjson; charset=utf-8",
        headers={"Content-Disposition": f"attachment; filename={_download_name('jsonl')}"},
    )


# -- documents -------------------------------------------------------------------


def _get_document(doc_id: str) -> dict:
    if len(doc_id) > 500:
        raise NotFound("文档编号太长，不存在这样的文档。")
    doc = get_backend().get(doc_id)
    if doc is None:
        raise NotFound(f"没有编号为「{doc_id}」的文档。")
    return doc


def _paragraph_themes(analysis: dict, n: int) -> list[list[str]]:
    """Per paragraph, the theme ids tagged on it, whatever shape the NLP stage stores."""
    raw = analysis.get("paragraph_themes")
    out: list[list[str]] = [[] for _ in range(n)]
    if not raw:
        return out

    def ids(items) -> list[str]:
        got = []
        for item in items or []:
            if isinstance(item, dict):
                if item.get("id"):
                    got.append(str(item["id"]))
            elif isinstance(item, str):
                got.append(item)
        return got

    if isinstance(raw, dict):
        for key, items in raw.items():
            if str(key).isdigit() and int(key) < n:
                out[int(key)] = ids(items)
    elif isinstance(raw, list):
        if raw and all(isinstance(x, dict) and ("index" in x or "paragraph" in x) for x in raw):
            for x in raw:
                i = x.get("index", x.get("paragraph"))
                if isinstance(i, int) and 0 <= i < n:
                    out[i] = ids(x.get("themes") or ([x] if x.get("id") else []))
        else:
            for i, items in enumerate(raw[:n]):
                out[i] = ids(items if isinstance(items, list) else [items])
    return out


def _entity_groups(entities) -> list[dict]:
    """Entities as [{label, values:[str]}], whatever the NLP stage's shape."""
    if not isinstance(entities, dict):
        return []
    groups = []
    for key, items in entities.items():
        if not items:
            continue
        if isinstance(items, dict):
            items = [items]
        if not isinstance(items, list):
            items = [items]
        values = []
        for item in items:
            if isinstance(item, dict):
                text = item.get("text") or item.get("name") or item.get("value") or item.get("title")
                if not text:
                    text = " ".join(str(v) for v in item.values() if isinstance(v, str) and v)
                count = item.get("count")
                values.append(f"{text}（{count}）" if isinstance(count, int) and count > 1 else str(text))
            else:
                values.append(str(item))
        values = [v for v in dict.fromkeys(values) if v]
        if values:
            groups.append({"key": key, "label": ENTITY_LABELS.get(key, key), "values": values[:60]})
    return groups


def _region_label(doc: dict) -> str:
    if doc.get("region"):
        return doc["region"]
    region = (doc.get("analysis") or {}).get("primary_region")
    if isinstance(region, dict):
        parts = [region.get(k) or "" for k in ("province", "city", "county")]
        return "".join(dict.fromkeys(p for p in parts if p)) or region.get("name", "")
    return str(region or "")


@ui.get("/documents/<path:doc_id>")
def document(doc_id: str):
    doc = _get_document(doc_id)
    analysis = doc.get("analysis") or {}
    paragraphs = doc.get("paragraphs") or []
    recurrence = doc.get("paragraph_recurrence") or [1] * len(paragraphs)
    if len(recurrence) != len(paragraphs):
        recurrence = (recurrence + [1] * len(paragraphs))[: len(paragraphs)]
    try:
        similar = get_backend().similar(doc_id, limit=SIMILAR_LIMIT)
    except GovtextError as exc:
        log.warning("similar documents failed for %s: %s", doc_id, exc.message)
        similar = []
    if wants_json():
        return jsonify({**doc, "paragraph_recurrence": recurrence, "similar": [h.to_dict() for h in similar]})
    names = theme_names()
    para_themes = _paragraph_themes(analysis, len(paragraphs))
    rows = []
    for i, text in enumerate(paragraphs):
        n = recurrence[i]
        rows.append(
            {
                "index": i,
                "text": text,
                "recurrence": n,
                # a short line (下载, 打印, a heading) recurring is page furniture, not boilerplate
                "level": recurrence_level(n) if n and len(text.strip()) >= SHADE_MIN_CHARS else 0,
                "themes": [names.get(t, t) for t in para_themes[i]],
            }
        )
    repeated_chars = sum(len(r["text"]) for r in rows if (r["recurrence"] or 1) > 1)
    total_chars = sum(len(r["text"]) for r in rows) or 1
    keywords = [k for k in analysis.get("keywords") or [] if isinstance(k, dict) and k.get("word")]
    top = max((float(k.get("score") or 0) for k in keywords), default=0) or 1
    for k in keywords:
        k["size"] = 1 + round(3 * float(k.get("score") or 0) / top)
    doc_type = analysis.get("doc_type") or {}
    return render_template(
        "document.html",
        doc=doc,
        rows=rows,
        names=names,
        similar=similar,
        themes=[
            dict(t, name=t.get("name") or names.get(t.get("id"), t.get("id"))) for t in analysis.get("themes") or []
        ],
        keywords=keywords[:40],
        entities=_entity_groups(analysis.get("entities")),
        doc_type_label=doc_type_name(doc.get("doc_type") or "") or doc_type.get("name", ""),
        region_label=_region_label(doc),
        has_analysis=bool(analysis),
        recurrence_shown=bool(paragraphs),
        repeated_share=repeated_chars / total_chars,
        source_href=safe_href(doc.get("url", "")),
        json_url=json_url(),
    )


@ui.get("/documents/<path:doc_id>/copies")
def copies(doc_id: str):
    doc = _get_document(doc_id)
    members = get_backend().copies(doc_id)
    if wants_json():  # the API's shape (GET /api/v1/documents/{id}/copies), with the group id
        return jsonify({"id": doc_id, "group_id": doc.get("group_id"), "copies": members})
    return render_template("copies.html", doc=doc, members=members, json_url=json_url())


# -- 查重 ----------------------------------------------------------------------------


def _report_view(report: dict, text: str) -> dict:
    """The report shaped for the template: coloured draft segments, sources, matches."""
    sources = report.get("sources") or []
    # a colour per source that is the main source of some span, biggest share first;
    # sources that never lead a span are listed in grey
    leading = {
        m["sources"][0]["doc_id"]
        for m in report.get("matches") or []
        if m.get("sources") and m.get("kind") != "quotation"
    }
    colour: dict[str, int | str] = {}
    for s in sources:
        if s["doc_id"] in leading:
            colour[s["doc_id"]] = len(colour) % SOURCE_COLOURS
    match_ids = [s["doc_id"] for m in report.get("matches", []) for s in m.get("sources", [])]
    titles = doc_titles([s["doc_id"] for s in sources] + match_ids)
    segments, pos = [], 0
    matches = sorted(report.get("matches") or [], key=lambda m: (m["start"], -m["end"]))
    for k, m in enumerate(matches):
        m["n"] = k + 1
        srcs = m.get("sources") or []
        m["colour"] = "quote" if m["kind"] == "quotation" else (colour.get(srcs[0]["doc_id"], 0) if srcs else 0)
        if m["start"] < pos:
            continue
        if m["start"] > pos:
            segments.append({"text": text[pos : m["start"]]})
        segments.append({"text": text[m["start"] : m["end"]], "match": m})
        pos = m["end"]
    if pos < len(text):
        segments.append({"text": text[pos:]})
    for s in sources:
        s["title"] = titles.get(s["doc_id"], "")
        s["colour"] = colour.get(s["doc_id"], "none")
    # the source paragraph of each match's first source, for side-by-side reading
    wanted = {(s["doc_id"], s["paragraph_index"]) for m in matches for s in (m.get("sources") or [])[:1]}
    paragraphs = _source_paragraphs(wanted)
    for m in matches:
        for s in m.get("sources") or []:
            s["title"] = titles.get(s["doc_id"], "")
        first = (m.get("sources") or [None])[0]
        m["source_text"] = paragraphs.get((first["doc_id"], first["paragraph_index"]), "") if first else ""
    return {"segments": segments, "sources": sources, "matches": matches}


def _source_paragraphs(wanted: set[tuple[str, int]]) -> dict[tuple[str, int], str]:
    """The text of the (document, paragraph index) pairs a report cites."""
    docs: dict[str, list[str]] = {}
    out = {}
    for doc_id, idx in sorted(wanted)[:500]:
        if doc_id not in docs:
            docs[doc_id] = (get_backend().get(doc_id) or {}).get("paragraphs") or []
        if 0 <= idx < len(docs[doc_id]):
            out[(doc_id, idx)] = docs[doc_id][idx]
    return out


@ui.route("/check", methods=["GET", "POST"])
def check():
    if request.method == "GET":
        if wants_json():
            return jsonify(
                {
                    "available": True,
                    "usage": 'POST text=… (form) to /check?format=json, or JSON {"text": …} to /api/v1/check',
                }
            )
        return render_template("check.html", text="", report=None, available=True, json_url=json_url())
    from service.api.dedup import check_options

    upload = request.files.get("file")
    if upload is not None and upload.filename:
        from service.upload import draft_from_upload

        text = draft_from_upload(upload)
    else:
        text = request.form.get("text", "")
    text = text.replace("\r\n", "\n")  # browsers send CRLF: one offset model with the API and the CLI
    quotes = request.form.get("quotes") in ("1", "on", "true", "yes")
    options = check_options(
        {k: v for k, v in request.form.items() if k in ("exclude_boilerplate", "whitelist")}, form=True
    )
    options.pop("quotes_as_citation")
    if not text.strip():
        raise BadInput("请粘贴要检查的草稿文字，或上传 .docx / .pdf / .txt 文件。", code="empty_draft")
    if len(text) > get_settings().max_draft_chars:
        raise BadInput(f"草稿太长（{len(text)} 字），上限为 {get_settings().max_draft_chars} 字。")
    report = check_draft(text, quotes, **options)
    if request.args.get("format") == "html":  # the downloadable, printable report
        from dedup.report_html import render_report_html

        return Response(
            render_report_html(report, text),
            mimetype="text/html",
            headers={"Content-Disposition": 'attachment; filename="chachong-report.html"'},
        )
    if wants_json():
        return jsonify(report)
    return render_template(
        "check.html",
        text=text,
        report=report,
        view=_report_view(report, text),
        quotes=quotes,
        options=options,
        available=True,
        json_url=json_url(),
    )


# -- boilerplate -------------------------------------------------------------------


@ui.get("/boilerplate")
def boilerplate():
    min_docs = _int_param("min_docs", 3, 2, 100000)
    limit = _int_param("limit", BOILERPLATE_LIMIT, 1, 200)
    items = get_backend().boilerplate(min_docs=min_docs, limit=limit)
    if wants_json():
        return jsonify({"min_docs": min_docs, "items": items})
    titles = doc_titles([o["doc_id"] for b in items for o in b.get("occurrences", [])])
    for b in items:
        seen: dict[str, dict] = {}
        for o in b.get("occurrences", []):
            seen.setdefault(o["doc_id"], o)
        b["preview"] = list(seen.values())[:3]
    return render_template("boilerplate.html", items=items, titles=titles, min_docs=min_docs, json_url=json_url())
