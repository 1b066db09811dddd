"""What a search says besides its hits: the relaxed-query notice, an empty page's
suggestions, and each hit's snippet from its best-matching article (both backends)."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from collections.abc import Callable

from search.backend import SearchRequest, SearchResponse
from search.filters import Filters
from search.query import Term, positive_words
from search.snippets import paragraph_snippet, snippet

RELAXED_NOTICE = "没有同时包含全部检索词的文档，以下是包含部分检索词的结果（按命中词数排序）。"
FILTER_LABELS = {
    "theme": "主题",
    "region": "地区",
    "city": "城市",
    "year": "年份",
    "doc_type": "文种",
    "site": "来源",
    "status": "版本状态",
}
MAX_SUGGESTIONS = 6


@dataclass
class Outcome:
    relaxed: bool = False
    notice: str = ""
    suggestions: list[dict] = field(default_factory=list)

    def response(self, req: SearchRequest, total: int, hits: list, facets: dict, started: float) -> SearchResponse:
        """The page of a search that began at ``started`` (``time.perf_counter()``)."""
        took_ms = (time.perf_counter() - started) * 1000
        return SearchResponse(req.q, total, hits, facets, took_ms, self.relaxed, self.notice, self.suggestions)


def hit_snippet(text: str, terms: list[str], evidence=None) -> str:
    """The snippet from the paragraph holding the most query words, else the best window."""
    if evidence is not None and evidence.best_paragraph is not None:
        return paragraph_snippet(text, evidence.best_paragraph, terms)
    return snippet(text, terms)


def suggestions(req, parsed, count: Callable[[object, Filters], int], filters: Filters) -> list[dict]:
    """Concrete things to try on an empty page: drop one filter, search one word alone,
    a synonym of a word. ``count(root, filters)`` counts the matches of a query AST."""
    out: list[dict] = []
    root = parsed.root if parsed else None
    for name in filters.active():
        n = count(root, filters.without(name))
        if n:
            out.append({"text": f"去掉“{FILTER_LABELS.get(name, name)}”筛选：{n} 篇", "drop": name, "count": n})
    words = positive_words(root) if root is not None else []
    if len(words) > 1:
        for node in words:
            n = count(node, filters)
            if n:
                out.append({"text": f"只检索“{node.text}”：{n} 篇", "q": node.text, "count": n})
    for node in words:
        if isinstance(node, Term) and not node.synonym_texts and len(node.tokens) > 1:
            part = " ".join(t for t in node.tokens if len(t) > 1)
            if part and part != node.text:
                out.append({"text": f"拆开检索：{part}", "q": part, "count": None})
    out.sort(key=lambda s: -(s["count"] or 0))
    return out[:MAX_SUGGESTIONS]
