"""Duplicate detection: POST /check (a 知网查重-style report), GET /boilerplate."""

from __future__ import annotations

from flask import Blueprint, jsonify, request

from govtext.errors import BadInput
from service.api.spec import DOC_PARAGRAPH, Param, endpoint, json_body
from service.context import get_backend, get_settings
from service.report_view import enrich

bp = Blueprint("dedup", __name__)

SOURCE = {"type": "object", "properties": {**DOC_PARAGRAPH, "similarity": {"type": "number"}}}
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
    text: object
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


PAIR = {
    "type": "object",
    "description": "two drafts of the batch sharing text: a < b are indexes into drafts; per side the "
    "characters it shares with the other (chars, ratio of its own characters, copy/quotation/boilerplate "
    "chars) and where (spans, offsets into that draft's text)",
    "properties": {
        "a": {"type": "integer"},
        "b": {"type": "integer"},
        "a_id": {"type": "string"},
        "b_id": {"type": "string"},
        "a_chars": {"type": "integer"},
        "a_ratio": {"type": "number"},
        "a_copy_chars": {"type": "integer"},
        "a_spans": {"type": "array", "items": {"type": "array", "items": {"type": "integer"}}},
        "b_chars": {"type": "integer"},
        "b_ratio": {"type": "number"},
        "b_copy_chars": {"type": "integer"},
        "b_spans": {"type": "array", "items": {"type": "array", "items": {"type": "integer"}}},
    },
}


def batch_drafts(body) -> tuple[list[str], list[str]]:
    """(ids, texts) of a batch body's ``drafts``: strings or {"id", "text"} objects."""
    from dedup.batch import MAX_BATCH_DRAFTS

    drafts = body.get("drafts")
    if not isinstance(drafts, list) or not drafts:
        raise BadInput('the body needs "drafts": a non-empty list of texts or {"id", "text"} objects', code="bad_batch")
    if len(drafts) > MAX_BATCH_DRAFTS:
        raise BadInput(
            f"too many drafts: {len(drafts)}; a batch holds at most {MAX_BATCH_DRAFTS}", code="batch_too_large"
        )
    ids, texts = [], []
    for k, d in enumerate(drafts):
        if isinstance(d, str):
            d = {"text": d}
        if not isinstance(d, dict) or not isinstance(d.get("text"), str):
            raise BadInput(f'draft {k}: needs a "text" string', code="bad_batch")
        did = d.get("id", str(k))
        if not isinstance(did, (str, int)) or isinstance(did, bool) or len(str(did)) > 200:
            raise BadInput(f'draft {k}: "id" must be a string of at most 200 characters', code="bad_batch")
        ids.append(str(did))
        texts.append(d["text"])
    if len(set(ids)) != len(ids):
        raise BadInput("draft ids must be unique", code="bad_batch")
    return ids, texts


@endpoint(
    bp,
    "/check/batch",
    "POST",
    "横向查重: several drafts checked together — against the corpus and against each other",
    body={
        "type": "object",
        "required": ["drafts"],
        "properties": {
            "drafts": {
                "type": "array",
                "minItems": 1,
                "maxItems": 20,
                "items": {
                    "oneOf": [
                        {"type": "string", "minLength": 1, "pattern": r"\S"},
                        {
                            "type": "object",
                            "required": ["text"],
                            "properties": {
                                "id": {"type": "string", "maxLength": 200},
                                "text": {"type": "string", "minLength": 1, "pattern": r"\S"},
                            },
                        },
                    ]
                },
                "description": "at most 20 drafts, 120,000 characters together",
            },
            "quotes_as_citation": {"type": "boolean", "default": False},
            "exclude_boilerplate": {"type": "boolean", "default": False},
            "whitelist": {"type": "array", "items": {"type": "string"}},
            "reports": {
                "type": "boolean",
                "default": True,
                "description": "also check each draft against the corpus (reports[], as POST /check)",
            },
        },
    },
    response={
        "type": "object",
        "properties": {
            "drafts": {"type": "array", "items": {"type": "string"}, "description": "the drafts' ids, in order"},
            "pairs": {"type": "array", "items": PAIR},
            "reports": {"type": "array", "items": CHECK_RESPONSE},
        },
    },
)
def check_batch(args):
    from dedup.batch import cross_check, validate_batch

    body = json_body()
    if not isinstance(body, dict):
        raise BadInput("the body must be a JSON object", code="bad_batch")
    ids, texts = batch_drafts(body)
    options = check_options(body)
    with_reports = body.get("reports", True)
    if not isinstance(with_reports, bool):
        raise BadInput('"reports" must be true or false')
    max_chars = get_settings().max_draft_chars
    texts = validate_batch(texts, max_chars)
    pairs = cross_check(texts, max_chars=max_chars, **options)
    for p in pairs:
        p["a_id"], p["b_id"] = ids[p["a"]], ids[p["b"]]
    out: dict = {"drafts": ids, "pairs": pairs}
    if with_reports:
        backend = get_backend()
        out["reports"] = [
            {"id": i, **enrich(backend.check(t, max_chars=max_chars, **options), t, backend, with_side_by_side=False)}
            for i, t in zip(ids, texts)
        ]
    return jsonify(out)


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
