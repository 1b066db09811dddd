"""Graded relevance metrics: nDCG@k, recall@k and MRR@k over judged queries.

Judgements are ``{doc_id: grade}`` with grade 1 (treats the topic) or 2 (about
it); the gain of a document is ``2**grade - 1`` and the ideal ranking sorts
every judged document by grade. Used by bench/eval_topics.py.
"""

from __future__ import annotations

import math

K = 10


def dcg(gains: list[float]) -> float:
    return sum(g / math.log2(i + 2) for i, g in enumerate(gains))


def ndcg(ranked: list[str], grades: dict[str, int], k: int = K) -> float:
    ideal = dcg(sorted((2**g - 1 for g in grades.values()), reverse=True)[:k])
    if ideal <= 0:
        return 0.0
    return dcg([2 ** grades.get(d, 0) - 1 for d in ranked[:k]]) / ideal


def recall(ranked: list[str], grades: dict[str, int], k: int = K) -> float:
    """Share of the judged-relevant documents in the top k, out of at most k."""
    relevant = {d for d, g in grades.items() if g > 0}
    if not relevant:
        return 0.0
    return len(relevant & set(ranked[:k])) / min(len(relevant), k)


def reciprocal_rank(ranked: list[str], grades: dict[str, int], k: int = K) -> float:
    for rank, doc_id in enumerate(ranked[:k], start=1):
        if grades.get(doc_id, 0) > 0:
            return 1.0 / rank
    return 0.0


def mean(values: list[float]) -> float:
    return sum(values) / len(values) if values else 0.0
