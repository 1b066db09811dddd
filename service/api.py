"""HTTP API under /api/v1: search, documents, health."""

from __future__ import annotations

from flask import Blueprint, jsonify, request

from govtext import __version__
from govtext.errors import BadInput, NotFound
from search.backend import SearchRequest
from service.app import get_backend, get_settings

api = Blueprint("api", __name__)


def _int_arg(name: str, default: int | None, low: int, high: int) -> int | None:
    raw = request.args.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise BadInput(f"{name} must be an integer, got {raw[:40]!r}") from None
    if not low <= value <= high:
        raise BadInput(f"{name} must be between {low} and {high}")
    return value


def search_request_from_args() -> SearchRequest:
    args = request.args
    q = args.get("q", "")
    if not q.strip():
        raise BadInput("the query parameter q is empty: search for one or more words", code="empty_query")
    return SearchRequest(
        q=q,
        themes=[t for t in args.getlist("theme") if t],
        region=args.get("region", ""),
        year=_int_arg("year", None, 1, 9999),
        doc_type=args.get("type", "") or args.get("doc_type", ""),
        site=args.get("site", ""),
        sort=args.get("sort", "relevance"),
        limit=_int_arg("limit", 10, 1, 100),
        offset=_int_arg("offset", 0, 0, 10000),
        collapse=args.get("collapse", "1") not in ("0", "false", "no"),
        facets=args.get("facets", "1") not in ("0", "false", "no"),
    )


@api.get("/search")
def search():
    response = get_backend().search(search_request_from_args())
    return jsonify(response.to_dict())


@api.get("/documents/<doc_id>")
def document(doc_id: str):
    doc = get_backend().get(doc_id)
    if doc is None:
        raise NotFound(f"no document with id {doc_id!r}")
    return jsonify(doc)


@api.get("/documents/<doc_id>/similar")
def similar(doc_id: str):
    limit = _int_arg("limit", 10, 1, 50)
    hits = get_backend().similar(doc_id, limit=limit)
    return jsonify({"id": doc_id, "hits": [h.to_dict() for h in hits]})


@api.get("/health")
def health():
    info = get_backend().health()
    info["version"] = __version__
    return jsonify(info)


def home():
    """Plain landing page used until the web UI blueprint is installed."""
    settings = get_settings()
    stats = get_backend().health()
    return (f"<!doctype html><meta charset=utf-8><title>govtext</title><h1>govtext</h1>"
            f"<p>{stats['documents']} documents. API: <a href=/api/v1/health>/api/v1/health</a></p>"
            f"<p>添加文档: <code>govtext --data {settings.data_dir} ingest 文件或文件夹</code></p>")
