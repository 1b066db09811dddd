"""Documents: read one, its similar documents and copies; add documents (token required)."""

from __future__ import annotations

from flask import Blueprint, jsonify

from govtext.documents import Document
from govtext.errors import BadInput, NotFound
from search.versions import tag_relations
from service.api.search import HIT
from service.api.spec import Param, endpoint, json_body
from service.context import get_backend, get_settings

bp = Blueprint("documents", __name__)

MAX_DOCS_PER_POST = 500
DOCUMENT_IN: dict = {
    "type": "object",
    "required": ["text"],
    "properties": {
        name: {"type": "string"} for name in ("id", "title", "text", "url", "date", "source", "region", "doc_type")
    },
}
DOCUMENT_IN["properties"]["text"].update(minLength=1, pattern=r"\S")
DOCUMENT_IN["properties"]["date"].update(
    pattern=r"^$|^[0-9]{4}(-[0-9]{2}(-[0-9]{2}([T ].*)?)?)?$",
    description="YYYY, YYYY-MM or YYYY-MM-DD (govtext/validation.py)",
)


@endpoint(bp, "/documents/{doc_id}", "GET", "One document with its paragraphs, tags and duplicate group")
def get_document(args, doc_id):
    doc = get_backend().get(doc_id)
    if doc is None:
        raise NotFound(f"no document with id {doc_id!r}")
    return jsonify(doc)


@endpoint(
    bp,
    "/documents/{doc_id}/similar",
    "GET",
    "Documents similar to this one",
    params=[Param("limit", int, default=10, minimum=1, maximum=50)],
    response={"type": "object", "properties": {"id": {"type": "string"}, "hits": {"type": "array", "items": HIT}}},
)
def similar(args, doc_id):
    hits = get_backend().similar(doc_id, limit=args["limit"])
    return jsonify({"id": doc_id, "hits": [h.to_dict() for h in hits]})


@endpoint(bp, "/documents/{doc_id}/copies", "GET", "The reposted copies of this document (its duplicate group)")
def copies(args, doc_id):
    backend = get_backend()
    if backend.get(doc_id) is None:
        raise NotFound(f"no document with id {doc_id!r}")
    members = tag_relations(backend.copies(doc_id), doc_id)
    return jsonify({"id": doc_id, "copies": members})


@endpoint(
    bp,
    "/documents",
    "POST",
    "Add or replace documents (Authorization: Bearer <GOVTEXT_API_TOKEN>)",
    body={
        "oneOf": [
            DOCUMENT_IN,
            {
                "type": "object",
                "properties": {"documents": {"type": "array", "items": DOCUMENT_IN, "maxItems": MAX_DOCS_PER_POST}},
            },
        ]
    },
    auth=True,
)
def add_documents(args):
    from pipeline import ingest_documents

    body = json_body()
    items = body["documents"] if "documents" in body else [body]
    if not isinstance(items, list) or not items:
        raise BadInput('"documents" must be a non-empty array of documents')
    if len(items) > MAX_DOCS_PER_POST:
        raise BadInput(f"at most {MAX_DOCS_PER_POST} documents per request")
    docs = []
    for n, item in enumerate(items):
        try:
            docs.append(Document.from_dict(item))
        except BadInput as exc:
            raise BadInput(f"document {n}: {exc.message}", code=exc.code) from None
    report = ingest_documents(docs, get_backend(), get_settings())
    if report.problems:
        raise BadInput("; ".join(f"{p.path}: {p.message}" for p in report.problems[:5]))
    result = report.to_dict()
    result["ids"] = [d.id for d in docs]
    response = jsonify(result)
    response.status_code = 201 if report.written.added else 200
    return response
