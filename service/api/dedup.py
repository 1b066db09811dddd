"""Duplicate detection: POST /check (a 知网查重-style report), GET /boilerplate."""

from __future__ import annotations

from flask import Blueprint, jsonify, request

from govtext.errors import BadInput
from service.api.spec import Param, endpoint, json_body
from service.context import get_backend, get_settings
from service.report_view import enrich

bp = Blueprint("dedup", __name__)

SOURCE = {
    "type": "object",
    "properties": {
        "doc_id": {"type": "string"},
        "title": {"type": "string"},
        "date": {"type": "string"},
        "region": {"type": "string"},
        "doc_type": {"type": "string"},
        "paragraph_index": {"type": "integer"},
        "similarity": {"type": "number"},
    },
}
SIDE_BY_SIDE = {
    "type": "object",
    "description": "a matched draft paragraph beside the source paragraph its match's leading source "
    "names; ops turn source_text into the draft: draft ranges are offsets into the submitted text "
    "(as matches[].start/end), source ranges offsets into source_text",
    "properties": {
        "paragraph_index": {"type": "integer"},
        "start": {"type": "integer"},
        "end": {"type": "integer"},
        "draft_text": {"type": "string"},
        "doc_id": {"type": "string"},
        "source_paragraph_index": {"type": "integer"},
        "source_start": {"type": "integer", "description": "where source_text starts in the source paragraph"},
        "source_text": {"type": "string"},
        "matches": {"type": "array", "items": {"type": "integer"}, "description": "indexes into matches[]"},
        "ops": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "op": {"type": "string", "enum": ["equal", "insert", "delete", "replace"]},
                    "draft": {"type": "array", "items": {"type": "integer"}},
                    "source": {"type": "array", "items": {"type": "integer"}},
                },
            },
        },
    },
}
CHECK_RESPONSE = {
    "type": "object",
    "properties": {
        "overlap_ratio": {
            "type": "number",
            "minimum": 0,
            "maximum": 1,
            "description": "重复率: copied characters / all",
        },
        "largest_source_ratio": {"type": "number"},
        "chars": {"type": "integer"},
        "matches": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "start": {"type": "integer"},
                    "end": {"type": "integer"},
                    "text": {"type": "string"},
                    "kind": {"type": "string", "enum": ["copy", "near_copy", "quotation", "boilerplate"]},
                    "kind_zh": {"type": "string", "description": "复制 / 复制（近似） / 引用 / 套话"},
                    "how": {"type": "string", "description": "how the span matched, in Chinese"},
                    "similarity": {"type": "number"},
                    "chars": {"type": "integer"},
                    "sources": {"type": "array", "items": SOURCE},
                },
            },
        },
        "rates": {
            "type": "object",
            "description": "总复制比 (total_ratio), 去除引用 (excluding_quotation_ratio), "
            "去除套话 (excluding_boilerplate_ratio), 复制 (copy_ratio), quotation_ratio, boilerplate_ratio",
        },
        "sources": {
            "type": "array",
            "items": {
                "type": "object",
                "description": "per source document the draft "
                "characters it really shares: chars (as overlap_ratio counts), copy_chars, quotation_chars, "
                "boilerplate_chars, ratio",
            },
        },
        "paragraphs": {"type": "array", "items": {"type": "object"}},
        "side_by_side": {"type": "array", "items": SIDE_BY_SIDE},
    },
}
MAX_WHITELIST = 500


def check_options(body, form: bool = False) -> dict:
    """The check's options from a JSON body or a form: quotes_as_citation,
    exclude_boilerplate (booleans) and whitelist (phrases of standard wording)."""
    out: dict = {}
    for name in ("quotes_as_citation", "exclude_boilerplate"):
        value = body.get(name, False)
        if form and isinstance(value, str):
            value = value.lower() in ("1", "on", "true", "yes")
        if not isinstance(value, bool):
            raise BadInput(f'"{name}" must be true or false')
        out[name] = value
    wl = body.get("whitelist", [])
    if form and isinstance(wl, str):  # one phrase a line
        wl = [line.strip() for line in wl.splitlines() if line.strip()]
    if not isinstance(wl, list) or not all(isinstance(p, str) for p in wl) or len(wl) > MAX_WHITELIST:
        raise BadInput(f'"whitelist" must be a list of at most {MAX_WHITELIST} phrases', code="bad_whitelist")
    out["whitelist"] = wl
    return out


@endpoint(
    bp,
    "/check",
    "POST",
    "Duplicate check of a draft",
    body={
        "type": "object",
        "required": ["text"],
        "description": "JSON, or multipart/form-data with a "
        "file (.docx, .pdf, .txt) and the same options as form fields",
        "properties": {
            "text": {"type": "string", "minLength": 1, "pattern": r"\S"},
            "quotes_as_citation": {"type": "boolean", "default": False},
            "exclude_boilerplate": {"type": "boolean", "default": False},
            "whitelist": {
                "type": "array",
                "items": {"type": "string"},
                "description": "phrases of standard wording counted as 套话",
            },
            "side_by_side": {
                "type": "boolean",
                "default": True,
                "description": "add side_by_side rows (draft paragraph beside source paragraph, char diff ops)",
            },
        },
    },
    response=CHECK_RESPONSE,
)
def check(args):
    if request.files.get("file") is not None:
        from service.upload import draft_from_upload

        body = request.form.to_dict()
        text = draft_from_upload(request.files["file"])
    else:
        body = json_body()
        text = body.get("text")
    if not isinstance(text, str):
        raise BadInput('the body needs a "text" string', code="missing_text")
    form = request.files.get("file") is not None
    options = check_options(body, form=form)
    with_sbs = body.get("side_by_side", True)
    if form and isinstance(with_sbs, str):
        with_sbs = with_sbs.lower() in ("1", "on", "true", "yes")
    if not isinstance(with_sbs, bool):
        raise BadInput('"side_by_side" must be true or false')
    backend = get_backend()
    report = backend.check(text, max_chars=get_settings().max_draft_chars, **options)
    return jsonify(enrich(report, text, backend, with_side_by_side=with_sbs))


BOILERPLATE_PARAMS = [
    Param("min_docs", int, default=3, minimum=2, maximum=100000),
    Param("limit", int, default=50, minimum=1, maximum=500),
    Param("offset", int, default=0, minimum=0, maximum=10000, description="items to skip (pagination)"),
    Param("q", str, max_length=200, description="only clusters with a variant containing this text"),
    Param(
        "kind",
        str,
        enum=("legal_formula", "report_formula"),
        description="legal_formula: adoption/enactment lines of laws (…通过, 自…起施行); report_formula: the rest",
    ),
    Param("doc_type", str, max_length=50, description="count only documents of this type"),
    Param("region", str, max_length=50, description="count only documents of this province"),
    Param("year", int, default=None, minimum=1900, maximum=2100, description="count only documents of this year"),
    Param("variants", int, default=1000, minimum=1, maximum=1000, description="variants per cluster (all by default)"),
]


def boilerplate_page(args: dict) -> dict:
    """The 套话库 page for parsed parameters (the API's and the page's)."""
    from search.boilerplate import BoilerplateQuery
    from search.boilerplate import boilerplate_page as page

    bq = BoilerplateQuery(
        min_docs=args["min_docs"],
        limit=args["limit"],
        offset=args.get("offset") or 0,
        q=(args.get("q") or "").strip(),
        kind=args.get("kind") or "",
        doc_type=(args.get("doc_type") or "").strip(),
        region=(args.get("region") or "").strip(),
        year=args.get("year"),
        variants=args.get("variants") or 1000,
    )
    return page(get_backend(), bq)


@endpoint(
    bp,
    "/boilerplate",
    "GET",
    "Paragraphs that recur across many documents (套话库), with all their variants",
    params=BOILERPLATE_PARAMS,
)
def boilerplate(args):
    return jsonify(boilerplate_page(args))
