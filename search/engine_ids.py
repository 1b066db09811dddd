"""Document ids on the search engine (Elasticsearch / OpenSearch)."""

from __future__ import annotations

import hashlib

MAX_ID_BYTES = 480  # the engines refuse an _id longer than 512 bytes


def es_id(doc_id: str) -> str:
    """The engine's ``_id`` of a govtext id (hashed when longer than the engine allows)."""
    if len(doc_id.encode("utf-8")) <= MAX_ID_BYTES:
        return doc_id
    return "sha1-" + hashlib.sha1(doc_id.encode("utf-8")).hexdigest()
