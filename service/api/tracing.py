"""Tracing: 提法溯源 (GET /trace), 修订对照 (GET /diff), 上位法对照 (GET /implements), watches."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify, request

from govtext.errors import BadInput
from service.api.spec import DOC_PARAGRAPH, Param, endpoint, json_body
from service.context import get_backend, get_settings

bp = Blueprint("tracing", __name__)

OCCURRENCE = {
    "type": "object",
    "properties": {
        **DOC_PARAGRAPH,
        "kind": {"type": "string", "enum": ["exact", "contains", "near"]},
        "similarity": {"type": "number"},
        "text": {"type": "string", "description": "the variant's original text"},
    },
}
TRACE_RESPONSE = {
    "type": "object",
    "properties": {
        "traced": {"type": "string"},
        "normalized": {"type": "string"},
        "documents": {"type": "integer"},
        "first": {**OCCURRENCE, "nullable": True},
        "occurrences": {"type": "array", "items": OCCURRENCE},
        "variants": {"type": "array", "items": {"type": "object"}},
        "by_year": {"type": "array", "items": {"type": "object"}},
        "by_region": {"type": "array", "items": {"type": "object"}},
    },
}
WATCH_IN = {
    "type": "object",
    "required": ["kind", "text"],
    "properties": {
        "kind": {"type": "string", "enum": ["passage", "query"]},
        "text": {"type": "string"},
        "name": {"type": "string"},
    },
}


def _source():
    from tracing.source import source_for

    return source_for(get_backend())


def _watches():
    from tracing.watches import watches_for

    return watches_for(get_backend())


@endpoint(
    bp,
    "/trace",
    "GET",
    "提法溯源: every document holding a passage or a near copy, earliest first",
    params=[
        Param("text", str, required=True, description="the passage or phrase"),
        Param("near", bool, default=True, description="include near copies"),
        Param("limit", int, default=200, minimum=1, maximum=5000),
    ],
    response=TRACE_RESPONSE,
)
def trace(args):
    from tracing.trace import trace_text

    return jsonify(trace_text(_source(), args["text"], near=args["near"], limit=args["limit"]))


@endpoint(
    bp,
    "/trace",
    "POST",
    '提法溯源 of a passage sent as JSON {"text": …} (for passages too long for a URL)',
    body={
        "type": "object",
        "required": ["text"],
        "properties": {
            "text": {"type": "string"},
            "near": {"type": "boolean", "default": True},
            "limit": {"type": "integer", "default": 200},
        },
    },
    response=TRACE_RESPONSE,
)
def trace_post(args):
    from tracing.trace import trace_text

    body = json_body()
    near, limit = body.get("near", True), body.get("limit", 200)
    if not isinstance(near, bool):
        raise BadInput('"near" must be true or false')
    if not isinstance(limit, int) or not 1 <= limit <= 5000:
        raise BadInput('"limit" must be an integer between 1 and 5000')
    return jsonify(trace_text(_source(), body.get("text"), near=near, limit=limit))


@endpoint(
    bp,
    "/documents/{doc_id}/paragraphs/{n}/trace",
    "GET",
    "提法溯源 of one paragraph of a document",
    params=[Param("near", bool, default=True), Param("limit", int, default=200, minimum=1, maximum=5000)],
    response=TRACE_RESPONSE,
)
def trace_paragraph(args, doc_id, n):
    from tracing.trace import trace_paragraph as run

    try:
        index = int(n)
    except ValueError:
        raise BadInput(f"the paragraph number must be an integer, got {n[:40]!r}") from None
    return jsonify(run(_source(), doc_id, index, near=args["near"], limit=args["limit"]))


@endpoint(
    bp,
    "/diff",
    "GET",
    "修订对照: article-by-article comparison of two editions (renumbering followed)",
    params=[
        Param("a", str, required=True, description="the older edition's id"),
        Param("b", str, required=True, description="the newer edition's id"),
    ],
)
def diff(args):
    from tracing.diff import diff_documents

    return jsonify(diff_documents(_source(), args["a"], args["b"]))


@endpoint(bp, "/documents/{doc_id}/editions", "GET", "The version chain of a document (same title), oldest first")
def editions(args, doc_id):
    from tracing.diff import editions as run

    source = _source()
    source.paragraphs(doc_id)  # 404 for an unknown id
    return jsonify({"id": doc_id, "editions": run(source, doc_id)})


@endpoint(
    bp,
    "/implements",
    "GET",
    "上位法对照: which local clauses copy or adapt which national articles",
    params=[
        Param("doc", str, required=True),
        Param("article", int, minimum=1, maximum=100000),
        Param("limit", int, default=20, minimum=1, maximum=200),
    ],
)
def implements(args):
    from tracing.implements import implements as run

    return jsonify(run(_source(), args["doc"], article=args["article"], limit=args["limit"]))


@endpoint(bp, "/watches", "GET", "The saved watches")
def list_watches(args):
    return jsonify({"watches": _watches().list()})


@endpoint(
    bp,
    "/watches",
    "POST",
    "Save a passage or query to watch (Authorization: Bearer <GOVTEXT_API_TOKEN>)",
    body=WATCH_IN,
    auth=True,
)
def create_watch(args):
    body = json_body()
    watch = _watches().create(
        body.get("kind"), body.get("text"), body.get("name") or "", max_query_chars=get_settings().max_query_chars
    )
    response = jsonify(watch)
    response.status_code = 201
    return response


@endpoint(bp, "/watches/{watch_id}", "GET", "One watch")
def get_watch(args, watch_id):
    return jsonify(_watches().get(watch_id))


@endpoint(bp, "/watches/{watch_id}", "DELETE", "Delete a watch (Authorization: Bearer <GOVTEXT_API_TOKEN>)", auth=True)
def delete_watch(args, watch_id):
    _watches().delete(watch_id)
    return jsonify({"deleted": int(watch_id)})


@endpoint(
    bp,
    "/watches/{watch_id}/new",
    "GET",
    "Newly ingested documents that reuse the passage or match the query",
    params=[
        Param(
            "since",
            int,
            default=0,
            minimum=0,
            description="only hits after this sequence (next_since of the previous answer: the store's change "
            "sequence on the embedded backend, milliseconds on Elasticsearch / OpenSearch)",
        ),
        Param("limit", int, default=100, minimum=1, maximum=1000),
    ],
)
def watch_new(args, watch_id):
    return jsonify(_watches().new(watch_id, since=args["since"], limit=args["limit"]))


@endpoint(
    bp,
    "/watches/{watch_id}/feed.atom",
    "GET",
    "The watch's hits as an Atom feed",
    params=[Param("limit", int, default=100, minimum=1, maximum=1000)],
    produces="application/atom+xml",
)
def watch_feed(args, watch_id):
    from tracing.watches import atom_feed

    result = _watches().new(watch_id, limit=args["limit"], newest=True)
    body = atom_feed(result, request.host_url.rstrip("/"))
    return Response(body, content_type="application/atom+xml; charset=utf-8")
