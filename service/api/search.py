"""GET /search."""

from __future__ import annotations

from flask import Blueprint, jsonify

from search.backend import FACETS, SORTS, SearchRequest
from service.api.spec import Param, endpoint
from service.context import get_backend

bp = Blueprint("search", __name__)

HIT = {"type": "object", "properties": {
    "id": {"type": "string"}, "title": {"type": "string"}, "url": {"type": "string"}, "date": {"type": "string"},
    "source": {"type": "string"}, "region": {"type": "string"}, "doc_type": {"type": "string"},
    "score": {"type": "number"}, "snippet": {"type": "string", "description": "HTML-escaped, matches in <mark>"},
    "themes": {"type": "array", "items": {"type": "string"}}, "copies": {"type": "integer"},
    "group_id": {"type": "string"}}}
FACET = {"type": "array", "items": {"type": "object", "properties": {"value": {}, "count": {"type": "integer"}}}}
SEARCH_RESPONSE = {"type": "object", "properties": {
    "query": {"type": "string"}, "total": {"type": "integer"}, "took_ms": {"type": "number"},
    "hits": {"type": "array", "items": HIT},
    "facets": {"type": "object", "properties": {name: FACET for name in FACETS}}}}

SEARCH_PARAMS = [
    Param("q", str, required=True, description="query: words, \"phrase\", OR, NOT/-word, title:word, ( )"),
    Param("theme", list, description="theme id, repeatable (see /themes)"),
    Param("region", str, description="province, e.g. 浙江省", max_length=50),
    Param("city", str, description="city, e.g. 杭州市", max_length=50),
    Param("year", int, minimum=1900, maximum=2100),
    Param("type", str, description="document type id", max_length=50),
    Param("site", str, description="source site or collection", max_length=200),
    Param("sort", str, default="relevance", enum=SORTS),
    Param("limit", int, default=10, minimum=1, maximum=100),
    Param("offset", int, default=0, minimum=0, maximum=10000),
    Param("collapse", bool, default=True, description="one hit per duplicate group"),
    Param("facets", bool, default=True),
]


def search_request(args: dict) -> SearchRequest:
    return SearchRequest(q=args["q"], themes=args["theme"], region=args["region"] or "", city=args["city"] or "",
                         year=args["year"],
                         doc_type=args["type"] or "", site=args["site"] or "", sort=args["sort"],
                         limit=args["limit"], offset=args["offset"], collapse=args["collapse"],
                         facets=args["facets"])


@endpoint(bp, "/search", "GET", "Search documents", params=SEARCH_PARAMS, response=SEARCH_RESPONSE)
def search(args):
    return jsonify(get_backend().search(search_request(args)).to_dict())
