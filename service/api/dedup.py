"""Duplicate detection: POST /check (a 知网查重-style report), GET /boilerplate."""

from __future__ import annotations

from flask import Blueprint, jsonify

from govtext.errors import BadInput
from service.api.spec import Param, endpoint, json_body
from service.context import get_backend, get_settings

bp = Blueprint("dedup", __name__)

SOURCE = {"type": "object", "properties": {"doc_id": {"type": "string"}, "title": {"type": "string"},
                                             "paragraph_index": {"type": "integer"}, "similarity": {"type": "number"}}}
CHECK_RESPONSE = {"type": "object", "properties": {
    "overlap_ratio": {"type": "number", "minimum": 0, "maximum": 1, "description": "重复率: copied characters / all"},
    "largest_source_ratio": {"type": "number"},
    "chars": {"type": "integer"},
    "matches": {"type": "array", "items": {"type": "object", "properties": {
        "start": {"type": "integer"}, "end": {"type": "integer"}, "text": {"type": "string"},
        "kind": {"type": "string", "enum": ["copy", "near_copy", "quotation"]}, "similarity": {"type": "number"},
        "sources": {"type": "array", "items": SOURCE}}}},
    "paragraphs": {"type": "array", "items": {"type": "object"}}}}


@endpoint(bp, "/check", "POST", "Duplicate check of a draft",
          body={"type": "object", "required": ["text"], "properties": {
              "text": {"type": "string", "minLength": 1, "pattern": r"\S"}, "quotes_as_citation": {"type": "boolean", "default": False}}},
          response=CHECK_RESPONSE)
def check(args):
    body = json_body()
    text = body.get("text")
    if not isinstance(text, str):
        raise BadInput('the body needs a "text" string', code="missing_text")
    quotes = body.get("quotes_as_citation", False)
    if not isinstance(quotes, bool):
        raise BadInput('"quotes_as_citation" must be true or false')
    report = get_backend().check(text, quotes_as_citation=quotes, max_chars=get_settings().max_draft_chars)
    return jsonify(report)


@endpoint(bp, "/boilerplate", "GET", "Paragraphs that recur across many documents, with variants",
          params=[Param("min_docs", int, default=3, minimum=2, maximum=100000),
                  Param("limit", int, default=50, minimum=1, maximum=500)])
def boilerplate(args):
    items = get_backend().boilerplate(min_docs=args["min_docs"], limit=args["limit"])
    return jsonify({"min_docs": args["min_docs"], "items": items})
