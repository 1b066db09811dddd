"""The 套话库's filters, shared by both backends and the service.

``BoilerplateQuery`` holds and validates them; ``doc_matches`` decides a document's
membership from the same facet values the search filters use (search/fields.py),
so "region 广东省, year 2025" means the same documents in the 套话库 as in search.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from dedup.formulas import FORMULA_KINDS
from govtext.errors import BadInput
from search.fields import _year_and_key, canonical_region

MAX_Q = 200
MAX_VARIANTS = 1000
MAX_OFFSET = 10_000


@dataclass(frozen=True)
class BoilerplateQuery:
    min_docs: int = 3
    limit: int = 50
    offset: int = 0
    q: str = ""
    kind: str = ""  # "" (both), legal_formula, report_formula
    doc_type: str = ""
    region: str = ""
    year: int | None = None
    variants: int = 5

    def __post_init__(self):
        if self.kind and self.kind not in FORMULA_KINDS:
            raise BadInput(f"kind must be one of {', '.join(FORMULA_KINDS)}", code="bad_kind")
        if len(self.q) > MAX_Q or any(ord(c) < 32 for c in self.q):
            raise BadInput(f"q must be at most {MAX_Q} printable characters", code="bad_query")
        if not 0 <= self.offset <= MAX_OFFSET:
            raise BadInput(f"offset must be between 0 and {MAX_OFFSET}")
        if not 1 <= self.variants <= MAX_VARIANTS:
            raise BadInput(f"variants must be between 1 and {MAX_VARIANTS}")
        if self.year is not None and not 1900 <= int(self.year) <= 2100:
            raise BadInput("year must be between 1900 and 2100", code="bad_year")

    @property
    def by_document(self) -> bool:
        """Whether only some documents' paragraphs count."""
        return bool(self.doc_type or self.region or self.year)

    def doc_matches(self, region: str, doc_type: str, date: str, analysis_json: str = "") -> bool:
        """Whether a document with these stored fields passes the document filters
        (its region, type and year as search/fields.py's facet_values has them)."""
        analysis: dict | None = None

        def parsed() -> dict:
            nonlocal analysis
            if analysis is None:
                try:
                    analysis = json.loads(analysis_json or "{}") or {}
                except ValueError:
                    analysis = {}
            return analysis

        if self.year and _year_and_key(date or "", {})[0] != int(self.year):
            return False
        if self.doc_type and (doc_type or (parsed().get("doc_type") or {}).get("id", "")) != self.doc_type:
            return False
        if self.region:
            want = canonical_region(self.region)[0]
            have = canonical_region(region)[0] if region else (parsed().get("primary_region") or {}).get("province", "")
            if have != want:
                return False
        return True

    def as_dict(self) -> dict:
        return {
            "min_docs": self.min_docs,
            "limit": self.limit,
            "offset": self.offset,
            "q": self.q,
            "kind": self.kind,
            "doc_type": self.doc_type,
            "region": self.region,
            "year": self.year,
            "variants": self.variants,
        }


def boilerplate_page(backend, bq: BoilerplateQuery) -> dict:
    """The 套话库's JSON (API, page and CLI alike): one page of items, the filters
    applied and whether more items follow."""
    items = backend.boilerplate(**{**bq.as_dict(), "limit": bq.limit + 1})
    return {
        "min_docs": bq.min_docs,
        "offset": bq.offset,
        "limit": bq.limit,
        "filters": {k: v for k, v in bq.as_dict().items() if k in ("q", "kind", "doc_type", "region", "year")},
        "has_more": len(items) > bq.limit,
        "items": items[: bq.limit],
    }
