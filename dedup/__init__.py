"""Duplicate detection: normalization for matching, MinHash/LSH, winnowing,
the persistent SQLite index (paragraph clusters, document groups, boilerplate)
and the 知网查重-style draft check.

Public API::

    from dedup import DedupIndex, check_draft, fingerprint_fields
    ix = DedupIndex(conn)                       # creates dd_* tables; never commits
    ix.add_document(doc_id, paragraphs, site)   # inside the store's transaction
    ix.remove_document(doc_id)
    ix.group_of(doc_id) -> (group_id, size) | None
    ix.group_members(group_id) -> [doc_id]
    ix.boilerplate(min_docs=3, limit=50) -> [dict]
    ix.paragraph_recurrence(doc_id) -> [int]
    ix.stats() -> dict
    check_draft(ix, text, quotes_as_citation=False, max_chars=200000) -> dict
    side_by_side(report, text, paragraph_of) -> [row]   # dedup/sidebyside.py

(The report's HTML is rendered in service/report_view.py from the page's templates.)
"""

from .check import check_draft
from .fingerprint import fingerprint_fields, scheme_params
from .index import DedupIndex, DedupParamsChanged
from .normalize import NORMALIZATION_VERSION, normalize_text

__all__ = [
    "DedupIndex",
    "DedupParamsChanged",
    "check_draft",
    "fingerprint_fields",
    "scheme_params",
    "NORMALIZATION_VERSION",
    "normalize_text",
]
