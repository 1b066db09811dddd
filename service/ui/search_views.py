"""The search page: results, facets, active filters, notices and suggestions."""

from __future__ import annotations


from urllib.parse import urlencode

from flask import request, url_for

from govtext.errors import BadInput
from search.backend import SearchRequest
from search.request import build_request
from service.context import get_backend, get_settings

from service.ui.common import (
    ERROR_CODES,
    FILTER_PARAMS,
    PAGE_SIZE,
    doc_type_name,
    render_page,
    theme_names,
    ui,
    url_with,
    wants_json,
)


# -- search ----------------------------------------------------------------------


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
        ("status", "版本状态", "status"),
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
        ("status", "版本状态"),
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
        documents = get_backend().health()["documents"]
        home = {"query": "", "total": 0, "hits": [], "facets": {}, "documents": documents}
        return render_page(
            "search.html",
            home,
            lambda: {"q": "", "names": names, "documents": documents, "data_dir": str(get_settings().data_dir)},
        )
    try:
        req = _search_request()
        response = get_backend().search(req)
    except BadInput as exc:
        if wants_json():
            raise
        title = ERROR_CODES.get(exc.code, "检索出错")
        failed = {"q": q, "error": {"title": title, "message": exc.message}, "names": names, "documents": None}
        return render_page("search.html", {}, lambda: failed, status=exc.status)
    # the API's search response, with the names of the themes its hits carry
    model = response.to_dict()
    model["theme_names"] = {t: names.get(t, t) for t in {t for h in response.hits for t in h.themes}}
    return render_page("search.html", model, lambda: _results_view(q, req, response, names))


def _results_view(q: str, req: SearchRequest, response, names: dict) -> dict:
    """What only the results page needs: facet labels, active filters, pagination, export links."""
    page = req.offset // req.limit + 1
    has_next = len(response.hits) >= req.limit and req.offset + req.limit < min(response.total, 10000)
    last_page = max(1, min(-(-response.total // req.limit), 10000 // req.limit))
    pages = [p for p in range(max(1, page - 3), min(last_page, page + 3) + 1)]
    return {
        "q": q,
        "response": response,
        "req": req,
        "names": names,
        "facets": _facet_view(response.facets, names),
        "active": _active_filters(names),
        "page": page,
        "pages": pages,
        "has_next": has_next,
        "last_page": last_page,
        "offset_for": lambda p: (p - 1) * req.limit or None,
        "export_csv": _export_url("ui.export_csv"),
        "export_jsonl": _export_url("ui.export_jsonl"),
        "documents": None,
    }


def _export_url(endpoint: str) -> str:
    """The export of the whole result list (every page) of the current query and filters."""
    args = [
        (k, v)
        for k, vs in request.args.to_dict(flat=False).items()
        if k not in ("offset", "limit", "format")
        for v in vs
    ]
    return url_for(endpoint) + "?" + urlencode(args)
