"""Relevance evaluation: MRR@k and recall@k of a backend over a judged query set.

The query set is JSONL (``tests/data/relevance.jsonl``), one query a line::

    {"id": "q01", "q": "人民调解 组织", "kind": "topical",
     "relevant": ["law-9de1fbf25aba", "law-df16b1784ce7"],
     "region": "", "year": null, "type": "", "note": "why these documents"}

``relevant`` holds the ids of the documents a researcher would expect in the
first page of results; ``region``/``year``/``type`` are optional filters.
Queries run with collapsing off, so each judged document can be found by
its own id. Used by ``tests/test_relevance.py`` (with floors) and
``bench/eval_relevance.py`` (the same table, no assertions).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from search.backend import SearchRequest

K = 10


@dataclass(frozen=True)
class JudgedQuery:
    id: str
    q: str
    relevant: tuple[str, ...]
    kind: str = "topical"
    region: str = ""
    year: int | None = None
    doc_type: str = ""
    note: str = ""

    def request(self, limit: int = K) -> SearchRequest:
        return SearchRequest(
            q=self.q,
            region=self.region,
            year=self.year,
            doc_type=self.doc_type,
            limit=limit,
            collapse=False,
            facets=False,
        )


@dataclass
class QueryResult:
    query: JudgedQuery
    ranked: list[str]
    total: int
    error: str = ""

    def first_rank(self, k: int = K) -> int | None:
        """1-based rank of the first relevant document within the top k, or None."""
        relevant = set(self.query.relevant)
        for rank, doc_id in enumerate(self.ranked[:k], start=1):
            if doc_id in relevant:
                return rank
        return None

    def reciprocal_rank(self, k: int = K) -> float:
        rank = self.first_rank(k)
        return 1.0 / rank if rank else 0.0

    def recall(self, k: int = K) -> float:
        """Share of the relevant documents found in the top k (capped at k relevant)."""
        relevant = set(self.query.relevant)
        if not relevant:
            return 0.0
        found = len(relevant & set(self.ranked[:k]))
        return found / min(len(relevant), k)


@dataclass
class EvalReport:
    results: list[QueryResult] = field(default_factory=list)
    k: int = K

    @property
    def mrr(self) -> float:
        return sum(r.reciprocal_rank(self.k) for r in self.results) / max(len(self.results), 1)

    @property
    def recall(self) -> float:
        return sum(r.recall(self.k) for r in self.results) / max(len(self.results), 1)

    def by_kind(self) -> dict[str, tuple[int, float, float]]:
        kinds: dict[str, list[QueryResult]] = {}
        for r in self.results:
            kinds.setdefault(r.query.kind, []).append(r)
        return {
            kind: (
                len(rs),
                sum(r.reciprocal_rank(self.k) for r in rs) / len(rs),
                sum(r.recall(self.k) for r in rs) / len(rs),
            )
            for kind, rs in sorted(kinds.items())
        }

    def failures(self) -> list[QueryResult]:
        return [r for r in self.results if r.error or r.first_rank(self.k) is None]

    def table(self) -> str:
        k = self.k
        lines = [f"{'id':<5} {'kind':<10} {'rank':>4} {'RR':>5} {f'R@{k}':>6} {'rel':>4} {'total':>6}  query"]
        for r in self.results:
            rank = r.first_rank(k)
            lines.append(
                f"{r.query.id:<5} {r.query.kind:<10} {rank or '-':>4} {r.reciprocal_rank(k):>5.2f} "
                f"{r.recall(k):>6.2f} {len(r.query.relevant):>4} {r.total:>6}  {r.query.q}"
                + (f"  [{_filters(r.query)}]" if _filters(r.query) else "")
                + (f"  ERROR {r.error}" if r.error else "")
            )
        lines.append("")
        for kind, (n, mrr, rec) in self.by_kind().items():
            lines.append(f"{kind:<12} n={n:<3} MRR@{k}={mrr:.3f}  recall@{k}={rec:.3f}")
        lines.append(f"{'all':<12} n={len(self.results):<3} MRR@{k}={self.mrr:.3f}  recall@{k}={self.recall:.3f}")
        return "\n".join(lines)


def _filters(q: JudgedQuery) -> str:
    parts = [
        f"region={q.region}" if q.region else "",
        f"year={q.year}" if q.year else "",
        f"type={q.doc_type}" if q.doc_type else "",
    ]
    return " ".join(p for p in parts if p)


def load_queries(path: Path) -> list[JudgedQuery]:
    queries = []
    with Path(path).open(encoding="utf-8") as fh:
        for n, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            raw = json.loads(line)
            if not raw.get("q") or not raw.get("relevant"):
                raise ValueError(f"{path}:{n}: a query needs 'q' and a non-empty 'relevant' list")
            queries.append(
                JudgedQuery(
                    id=raw.get("id") or f"q{n:02d}",
                    q=raw["q"],
                    relevant=tuple(raw["relevant"]),
                    kind=raw.get("kind", "topical"),
                    region=raw.get("region", ""),
                    year=raw.get("year"),
                    doc_type=raw.get("type", ""),
                    note=raw.get("note", ""),
                )
            )
    return queries


def run_query(backend, query: JudgedQuery, k: int = K) -> QueryResult:
    try:
        response = backend.search(query.request(limit=k))
    except Exception as exc:  # a failing query scores zero and is reported, not fatal
        return QueryResult(query, [], 0, f"{type(exc).__name__}: {exc}")
    return QueryResult(query, [h.id for h in response.hits], response.total)


def evaluate(backend, queries: list[JudgedQuery], k: int = K) -> EvalReport:
    return EvalReport([run_query(backend, q, k) for q in queries], k)
