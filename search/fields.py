"""What both backends index about a document besides its words: filter and facet values."""

from __future__ import annotations

from functools import lru_cache
from urllib.parse import urlsplit

from search.store import StoredDocument
from search.versions import edition_key


@lru_cache(maxsize=4096)
def canonical_region(name: str) -> tuple[str, str]:
    """(province, city) in standard names: 上海 → (上海市, ''), 晋城 → (山西省, 晋城市).

    A name that is no administrative division (全国, 中央) is kept as the province.
    """
    name = (name or "").strip()
    if not name:
        return "", ""
    from nlp.entities import find_regions

    found = find_regions(name)
    if not found:
        return name, ""
    return found[0]["province"] or name, found[0]["city"] or ""


def site_of(url: str, source: str) -> str:
    parts = urlsplit(url)
    if parts.scheme in ("http", "https") and parts.hostname:
        return parts.hostname
    if parts.scheme == "file":
        return source or "file"
    return source


def _year_and_key(date: str, analysis: dict) -> tuple[int, int]:
    digits = "".join(ch for ch in date[:10] if ch.isdigit())
    if len(digits) >= 4 and digits[:4].isdigit() and 1900 <= int(digits[:4]) <= 2100:
        year = int(digits[:4])
        month = int(digits[4:6]) if len(digits) >= 6 else 0
        day = int(digits[6:8]) if len(digits) >= 8 else 0
        return year, year * 10000 + month * 100 + day
    return 0, 0  # undated: 日期不详, never a year guessed from the text


def facet_values(stored: StoredDocument) -> dict:
    """The filter/facet values of a stored document (shared by both backends)."""
    doc, analysis = stored.document, stored.analysis
    region = analysis.get("primary_region") or {}
    declared = canonical_region(doc.region) if doc.region else ("", "")
    year, date_key = _year_and_key(doc.date, analysis)
    doc_type = doc.doc_type or (analysis.get("doc_type") or {}).get("id", "")
    return {
        "themes": [t["id"] for t in analysis.get("themes", [])],
        "region": declared[0] or region.get("province", "") or "",
        "city": declared[1]
        or (region.get("city", "") if not declared[0] or declared[0] == region.get("province") else "")
        or "",
        "doc_type": doc_type,
        "site": site_of(doc.url, doc.source),
        "year": year,
        "date_key": date_key,
    }


def edition_key_of(title: str, region: str, doc_type: str, analysis: dict) -> str:
    """The edition key (search/versions.py) with the region and type the facets have."""
    province = canonical_region(region)[0] if region else (analysis.get("primary_region") or {}).get("province", "")
    return edition_key(title, doc_type or (analysis.get("doc_type") or {}).get("id", ""), province or "")
