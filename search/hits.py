"""One search hit from a stored document, the same for both backends."""

from __future__ import annotations

from search.backend import Hit
from search.fields import canonical_region
from search.outcome import hit_snippet


def build_hit(
    doc: dict,
    analysis: dict,
    *,
    score: float | None,
    terms: list[str],
    copies: int,
    group_id: str,
    ev=None,
    versions=(),
) -> Hit:
    """``doc`` holds the document's stored fields (id, title, url, date, source, region,
    doc_type, text); ``analysis`` is what nlp added; ``ev`` the query's evidence in the
    text (search/evidence.py: matched articles, synonym-only words, best paragraph).
    A declared region is shown in its standard name (浙江 → 浙江省); without one, the
    analysis's main province."""
    region = doc.get("region") or ""
    return Hit(
        id=doc.get("id", ""),
        title=doc.get("title", ""),
        url=doc.get("url", ""),
        date=doc.get("date", ""),
        source=doc.get("source", ""),
        region=canonical_region(region)[0]
        if region
        else (analysis.get("primary_region") or {}).get("province", "") or "",
        doc_type=doc.get("doc_type") or (analysis.get("doc_type") or {}).get("id", ""),
        score=round(float(score or 0.0), 4),
        snippet=hit_snippet(doc.get("text", ""), terms, ev),
        themes=[t["id"] for t in analysis.get("themes", [])],
        copies=copies,
        group_id=group_id or doc.get("id", ""),
        matched_articles=ev.articles if ev else [],
        matched_synonyms=ev.synonyms if ev else [],
        versions=list(versions),
    )
