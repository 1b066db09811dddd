"""The backend protocol: what the service needs from a search backend.

Two implementations: ``search/embedded.py`` (SQLite + tantivy, the default)
and ``search/elastic.py`` (Elasticsearch). Both receive documents already
enriched (paragraphs, tokens, analysis) by ``pipeline/``, so both
rank the same jieba tokens.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Protocol
from collections.abc import Callable, Iterable, Iterator

from govtext.documents import Document
from govtext.errors import BadInput

SORTS = ("relevance", "date", "-date")
FACETS = ("theme", "region", "city", "year", "doc_type", "site", "status")


@dataclass
class IndexedDocument:
    """A Document with what enrichment added; the unit both backends store."""

    document: Document
    paragraphs: list[str]
    analysis: dict = field(default_factory=dict)


@dataclass
class SearchRequest:
    q: str
    themes: list[str] = field(default_factory=list)
    region: str = ""
    city: str = ""
    year: int | None = None
    doc_type: str = ""
    #: a year range (inclusive; either end open); ``year`` is the range year..year
    year_from: int | None = None
    year_to: int | None = None
    site: str = ""
    #: edition statuses (search/versions.py STATUSES), any of them: 现行, 已修订, 未见修订, 版本不详
    statuses: list[str] = field(default_factory=list)
    sort: str = "relevance"
    limit: int = 10
    offset: int = 0
    collapse: bool = True
    facets: bool = True

    def validate(self) -> None:
        if self.sort not in SORTS:
            raise BadInput(f"sort must be one of {', '.join(SORTS)}")
        if not 1 <= self.limit <= 100:
            raise BadInput("limit must be between 1 and 100")
        if not 0 <= self.offset <= 10000:
            raise BadInput("offset must be between 0 and 10000")
        lo, hi = self.year_range()
        if lo is not None and hi is not None and lo > hi:
            raise BadInput(f"年份范围 {lo}-{hi} 的起始年份晚于结束年份：请写成 {hi}-{lo}。", code="bad_year")

    def year_range(self) -> tuple[int | None, int | None]:
        if self.year not in (None, ""):
            return int(self.year), int(self.year)
        return self.year_from, self.year_to

    def has_filters(self) -> bool:
        lo, hi = self.year_range()
        return bool(
            self.themes
            or self.region
            or self.city
            or self.doc_type
            or self.site
            or self.statuses
            or lo is not None
            or hi is not None
        )

    @property
    def browsing(self) -> bool:
        """No query but filters: the matching documents, newest first."""
        return not (self.q or "").strip() and self.has_filters()


@dataclass
class Hit:
    id: str
    title: str
    url: str
    date: str
    source: str
    region: str
    doc_type: str
    score: float
    snippet: str
    themes: list[str] = field(default_factory=list)
    copies: int = 1
    group_id: str = ""
    #: 命中条款: the best-matching articles, {"paragraph", "label", "words"}
    matched_articles: list[dict] = field(default_factory=list)
    #: synonyms a query word matched through when the word itself is absent
    matched_synonyms: list[str] = field(default_factory=list)
    #: successive versions of this text (same title, other dates), newest first, each with
    #: its status 现行 / 已修订 (search/versions.py); [] when the hit has none
    versions: list[dict] = field(default_factory=list)

    def to_dict(self) -> dict:
        # one level: asdict's recursive copy took a quarter of the API's time per page
        return {f.name: getattr(self, f.name) for f in fields(self)}


@dataclass
class SearchResponse:
    query: str
    total: int
    hits: list[Hit]
    facets: dict[str, list[dict]] = field(default_factory=dict)
    took_ms: float = 0.0
    #: the strict query found nothing and a relaxed one was run (``notice`` says so)
    relaxed: bool = False
    notice: str = ""
    #: for an empty page: things to try, {"text", and "q" or "drop" (a filter name)}
    suggestions: list[dict] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {
            "query": self.query,
            "total": self.total,
            "took_ms": round(self.took_ms, 2),
            "hits": [h.to_dict() for h in self.hits],
            "facets": self.facets,
            "relaxed": self.relaxed,
            "notice": self.notice,
            "suggestions": self.suggestions,
        }


@dataclass
class WriteSummary:
    added: int = 0
    updated: int = 0
    unchanged: int = 0

    def __iadd__(self, other: WriteSummary) -> WriteSummary:
        self.added += other.added
        self.updated += other.updated
        self.unchanged += other.unchanged
        return self


class Backend(Protocol):
    """Everything the service, the CLI and the UI ask of a backend.

    ``search/embedded.py`` and ``search/elastic.py`` implement all of it; the
    type checker (``make lint``) holds them to it, and
    ``tests/test_conformance.py`` holds them to the same behaviour.
    """

    # writing (pipeline/, POST /documents, govtext retag)
    def write(self, docs: list[IndexedDocument]) -> WriteSummary: ...
    def content_hashes(self, doc_ids: list[str]) -> dict[str, str]: ...
    def set_analysis(self, updates: list[tuple[str, dict]]) -> int: ...
    def delete(self, doc_ids: Iterable[str]) -> int: ...
    def reindex(self, progress: Callable[[int], object] | None = None) -> int: ...

    # reading documents
    def get(self, doc_id: str) -> dict | None: ...
    def titles(self, doc_ids: Iterable[str]) -> dict[str, str]: ...
    def source_docs(self, doc_ids: Iterable[str], paragraphs: Iterable[tuple[str, int]] = ()) -> dict[str, dict]: ...
    def iter_documents(self) -> Iterator[dict]: ...

    # search
    def search(self, request: SearchRequest) -> SearchResponse: ...
    def similar(self, doc_id: str, limit: int = 10) -> list[Hit]: ...

    # duplicates (dedup/ on the embedded store, search/elastic_dedup.py on the engine)
    def check(self, text: str, quotes_as_citation: bool = False, max_chars: int = 200000) -> dict: ...
    def boilerplate(self, min_docs: int = 3, limit: int = 50, **filters) -> list[dict]: ...
    def copies(self, doc_id: str) -> list[dict]: ...

    # operations
    def stats(self) -> dict: ...
    def health(self) -> dict: ...
    def close(self) -> None: ...
