"""Duplicate detection: normalization for matching, MinHash/LSH, winnowing,
the persistent SQLite index (paragraph clusters, document groups, boilerplate)
and the 知网查重-style draft check.

Public API::

    from dedup import DedupIndex, check_draft, render_report_html, fingerprint_fields
    ix = DedupIndex(conn)                       # creates dd_* tables; never commits
    ix.add_document(doc_id, paragraphs, site)   # inside the store's transaction
    ix.remove_document(doc_id)
    ix.group_of(doc_id) -> (group_id, size) | None
    ix.group_members(group_id) -> [doc_id]
    ix.boilerplate(min_docs=3, limit=50) -> [dict]
    ix.paragraph_recurrence(doc_id) -> [int]
    ix.stats() -> dict
    check_draft(ix, text, quotes_as_citation=False, max_chars=200000) -> dict
    render_report_html(report, text) -> str
"""

from .check import check_draft, render_report_html
from .fingerprint import fingerprint_fields, scheme_params
from .index import DedupIndex, DedupParamsChanged
from .normalize import NORMALIZATION_VERSION, normalize_text

__all__ = [
    "DedupIndex",
    "DedupParamsChanged",
    "check_draft",
    "render_report_html",
    "fingerprint_fields",
    "scheme_params",
    "NORMALIZATION_VERSION",
    "normalize_text",
]
