"""GET /search."""

from __future__ import annotations

from flask import Blueprint, jsonify

from search.backend import FACETS, SORTS, SearchRequest
from search.request import from_mapping
from service.api.spec import Param, endpoint
from service.context import get_backend

bp = Blueprint("search", __name__)

HIT = {
    "type": "object",
    "properties": {
        "id": {"type": "string"},
        "title": {"type": "string"},
        "url": {"type": "string"},
        "date": {"type": "string"},
        "source": {"type": "string"},
        "region": {"type": "string"},
        "doc_type": {"type": "string"},
        "score": {"type": "number"},
        "snippet": {"type": "string", "description": "HTML-escaped, matches in <mark>"},
        "themes": {"type": "array", "items": {"type": "string"}},
        "copies": {"type": "integer"},
        "group_id": {"type": "string"},
        "matched_articles": {
            "type": "array",
            "description": "命中条款: best-matching articles",
            "items": {
                "type": "object",
                "properties": {
                    "paragraph": {"type": "integer"},
                    "label": {"type": "string"},
                    "words": {"type": "array", "items": {"type": "string"}},
                },
            },
        },
        "matched_synonyms": {
            "type": "array",
            "items": {"type": "string"},
            "description": "synonyms matched where the query word itself is absent",
        },
    },
}
FACET = {"type": "array", "items": {"type": "object", "properties": {"value": {}, "count": {"type": "integer"}}}}
SEARCH_RESPONSE = {
    "type": "object",
    "properties": {
        "query": {"type": "string"},
        "total": {"type": "integer"},
        "took_ms": {"type": "number"},
        "relaxed": {"type": "boolean"},
        "notice": {"type": "string"},
        "suggestions": {"type": "array", "items": {"type": "object"}},
        "hits": {"type": "array", "items": HIT},
        "facets": {"type": "object", "properties": {name: FACET for name in FACETS}},
    },
}

SEARCH_PARAMS = [
    Param(
        "q",
        str,
        description='query: words (most required, more rank higher), "phrase", AND/+word, '
        "OR, NOT/-word (any case, or 与/或/非), title:word, ( ); empty with a filter: browse",
    ),
    Param("theme", list, description="theme id, repeatable (see /themes)"),
    Param("region", str, description="province, e.g. 浙江省", max_length=50),
    Param("city", str, description="city, e.g. 杭州市", max_length=50),
    Param("year", str, description="a year or a range: 2020, 2020-2026, 2020-, -2010", max_length=20),
    Param("type", str, description="document type id", max_length=50),
    Param("site", str, description="source site or collection", max_length=200),
    Param(
        "status",
        list,
        description="edition status of laws and regulations, any of (repeatable or comma-separated): "
        "现行 (newest of its dated editions), 已修订 (a newer edition exists), 未见修订 (no other edition), 版本不详",
    ),
    Param("sort", str, default="relevance", enum=SORTS),
    Param("limit", int, default=10, minimum=1, maximum=100),
    Param("offset", int, default=0, minimum=0, maximum=10000),
    Param("collapse", bool, default=True, description="one hit per duplicate group"),
    Param("facets", bool, default=True),
]


def search_request(args: dict) -> SearchRequest:
    return from_mapping(args)  # one parser for API, UI and CLI (search/request.py)


@endpoint(bp, "/search", "GET", "Search documents", params=SEARCH_PARAMS, response=SEARCH_RESPONSE)
def search(args):
    return jsonify(get_backend().search(search_request(args)).to_dict())
